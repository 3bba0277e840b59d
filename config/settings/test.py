"""Tests: a throw-away embedded PostgreSQL (unless DATABASE_URL is set), fast hashing, no network."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

if "EMBEDDED" in DATABASES["default"]:
    # Never the developer's data: a fresh temporary data directory on first connection, deleted at exit.
    _ephemeral = {"data_dir": None, "ephemeral": True}
    for _db in DATABASES.values():
        _db["EMBEDDED"] = _ephemeral

DEBUG = False
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMBEDDED_REDIS_DIR = None  # the worker tests start their own (core/tests/test_worker.py)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.gettempdir()) / "tradeloom-test-media"
