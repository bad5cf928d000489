"""Settings for the test suite: the real settings, in test mode, with a fast password hasher."""

import os

os.environ["TONGXING_TESTING"] = "1"

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses the default

import tempfile  # noqa: E402

IMPORT_DIR = tempfile.mkdtemp(prefix="tongxing-imports-")

# A second connection to the test database standing in for the read replica, so the report routing is tested with
# real queries (tongxing/tests/test_scale_out.py installs the router; nothing else uses the alias).
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405
if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # The shared in-memory test database admits one BEGIN IMMEDIATE at a time, and the test holds it; and a table the
    # test wrote stays locked to other connections until the rollback unless they read uncommitted rows.
    DATABASES["replica"]["OPTIONS"] = {"transaction_mode": "DEFERRED",  # noqa: F405
                                       "init_command": "PRAGMA read_uncommitted = 1;"}
