"""Settings for benchmarks and load tests: production behaviour on the synthetic data set.

The data set is generated with the development keys (`DEBUG=1 manage.py synthetic_load`), so they are borrowed
here; everything else runs as in production — DEBUG off, so no query log and no debug pages inflate the figures.
Never point these settings at real data.
"""

import os

os.environ["DEBUG"] = "1"  # only to take the development keys; switched off below
from tongxing.settings import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
TWO_FACTOR_ROLES = []  # leaders sign in without a phone on the synthetic data set
# django-axes logs every sign-in at INFO; the benchmark signs in hundreds of times.
LOGGING = {**LOGGING, "loggers": {"axes": {"level": "WARNING"}}}  # noqa: F405
