"""Settings for the test suite: the real settings, in test mode, with a fast password hasher."""

import os

os.environ["TONGXING_TESTING"] = "1"

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses the default

import tempfile  # noqa: E402

IMPORT_DIR = tempfile.mkdtemp(prefix="tongxing-imports-")
