"""The server the browser tests drive: production-like (DEBUG off, real requests), on the test database server.

Started by tradeloom/e2e/conftest.py with DATABASE_URL / DATABASE_OWNER_URL pointing at a throw-away database.
"""

from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = ""
# One server process: a process-local cache is shared by all it serves; no embedded Redis for a test run.
EMBEDDED_REDIS_DIR = None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e2e"}}
