"""Production: everything from the environment, nothing guessed.

Refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and REDIS_URL (cache and broker), and
passes ``manage.py check --deploy`` with the variables documented in docs/configuration.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
_missing = [name for name in _REQUIRED if not os.environ.get(name)]
if _missing:
    raise ImproperlyConfigured(
        f"Production settings need these environment variables: {', '.join(_missing)} (see docs/configuration.md)."
    )

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import CELERY_BROKER_URL as _BROKER_URL  # noqa: E402
from config.settings.base import env  # noqa: E402

DEBUG = False
if env.bool("DJANGO_DEBUG", default=False):
    raise ImproperlyConfigured("DJANGO_DEBUG must not be set in production.")

# The cache (and the DRF rate limits counted in it) and the Celery broker need a Redis every process shares: the
# embedded one is for development. Log-in limits count in PostgreSQL (accounts/login_guard.py) and hold without it.
if not env.str("REDIS_URL", default=""):
    if not env.bool("TRADELOOM_PER_PROCESS_CACHE", default=False):
        raise ImproperlyConfigured(
            "Production needs REDIS_URL: the cache, the rate limits and the Celery broker every process shares (see "
            "docs/configuration.md). TRADELOOM_PER_PROCESS_CACHE=1 accepts a per-process cache and an in-process "
            "broker, for a benchmark on one machine only."
        )
    EMBEDDED_REDIS_DIR = None
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tradeloom"}}
    CELERY_BROKER_URL = "memory://"
elif _BROKER_URL.split(":", 1)[0] in ("memory", "filesystem"):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be a broker every process shares (unset: REDIS_URL); an in-process or file broker "
        "leaves every task unrun."
    )

for _db in DATABASES.values():  # noqa: F405
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]  # probes and scrapes on a local listener (docs/operations.md)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Web and worker processes refuse to start on a database role that could escape row-level security (core/startup.py).
STARTUP_CHECKS = True
