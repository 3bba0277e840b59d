"""Production: everything from the environment, nothing guessed.

Refuses to start without DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and a shared cache (REDIS_URL), and
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
from config.settings.base import env  # noqa: E402

DEBUG = False
if env.bool("DJANGO_DEBUG", default=False):
    raise ImproperlyConfigured("DJANGO_DEBUG must not be set in production.")

# Rate limits (DRF throttles) count in the cache: a process-local one would let every gunicorn worker allow its own
# share. Log-in limits count in PostgreSQL (accounts/login_guard.py) and hold without it.
if "LocMemCache" in CACHES["default"]["BACKEND"] and not env.bool("TRADELOOM_PER_PROCESS_CACHE", default=False):  # noqa: F405
    raise ImproperlyConfigured(
        "Production needs a cache every worker shares: set REDIS_URL (see docs/configuration.md). "
        "TRADELOOM_PER_PROCESS_CACHE=1 accepts a per-process cache, for a benchmark on one machine only."
    )

for _db in DATABASES.values():  # noqa: F405
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
