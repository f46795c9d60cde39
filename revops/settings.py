"""Settings, read from the environment with defaults that run with nothing installed."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from revops import config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config.bool_("DEBUG", True)
SECRET_KEY = config.secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = config.list_("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = config.list_("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "revops",
    "runbook",
    "raci",
    "cadence",
    "changes",
    "insights",
    "overview",
    "scim",
]

# A refused CSRF check answers like every refusal (revops.middleware).
CSRF_FAILURE_VIEW = "revops.middleware.csrf_failure"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "revops.middleware.NulGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API responses are gzipped here; static files come precompressed from
    # WhiteNoise above. BREACH: see docs/operations.md, "Compression".
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "revops.middleware.PersonTimeZoneMiddleware",
    "revops.middleware.ErrorPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "revops.urls"
WSGI_APPLICATION = "revops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "revops.context_processors.roles",
                "revops.context_processors.time_zone",
            ],
        },
    },
]

DATABASES = {"default": config.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# A fixed test database name lets a separate Celery worker process find it.
DATABASES["default"]["TEST"] = {"NAME": config.str_("TEST_DATABASE_NAME", "") or None}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each worker's connection open between requests (a new PostgreSQL connection per
# request halved throughput), checking it before reuse so that a database restart
# costs one retry, not an error page. 0 closes it after every request.
DATABASES["default"]["CONN_MAX_AGE"] = config.int_("DATABASE_CONN_MAX_AGE", 600, low=0,
                                                    high=86400)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = config.bool_("DATABASE_CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Single sign-on (OpenID Connect, docs/single-sign-on.md). With OIDC_ISSUER unset,
# people sign in with a password exactly as before.
OIDC_ISSUER = config.url_("OIDC_ISSUER", "")
OIDC_CLIENT_ID = config.str_("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = config.secret("OIDC_CLIENT_SECRET")
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise config.ConfigError(
        "OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required")
OIDC_PROVIDER_NAME = config.str_("OIDC_PROVIDER_NAME", "your identity provider")
# A value of the groups claim that makes a person a RevOps lead; unset: leads are chosen
# in the app and sign-ins leave them alone.
OIDC_LEADS_GROUP = config.str_("OIDC_LEADS_GROUP", "")
OIDC_GROUPS_CLAIM = config.str_("OIDC_GROUPS_CLAIM", "groups")
OIDC_RP_SCOPES = config.str_("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = config.str_("OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # sent back as id_token_hint when signing out at the provider
OIDC_TIMEOUT = config.int_("OIDC_TIMEOUT_SECONDS", 10, low=1, high=120)
REVOPS_PASSWORD_LOGIN = config.bool_("REVOPS_PASSWORD_LOGIN", True)
if not REVOPS_PASSWORD_LOGIN and not OIDC_ISSUER:
    raise config.ConfigError(
        "REVOPS_PASSWORD_LOGIN=0 needs OIDC_ISSUER: without single sign-on nobody could sign in")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # With password sign-in off, only superusers (the break-glass account) may use one.
    "django.contrib.auth.backends.ModelBackend"
    if REVOPS_PASSWORD_LOGIN else "revops.sso.BreakGlassBackend",
    "revops.sso.OIDCBackend",
]
# However a person signed in, the session ends after this long (default 12 hours): someone
# the identity provider no longer lets in cannot keep working on an old cookie.
SESSION_COOKIE_AGE = config.int_("SESSION_COOKIE_AGE", 12 * 3600, low=300, high=30 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Messages may carry a freshly made token: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# A link to choose a password — in an invitation or a password-reset e-mail — works once
# (its token is made from the password and the last sign-in, so using it spends it) and
# for this long (Django's PASSWORD_RESET_TIMEOUT, in seconds).
PASSWORD_RESET_TIMEOUT = 3600 * config.int_("REVOPS_PASSWORD_LINK_HOURS", 72, low=1,
                                            high=24 * 30)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = config.time_zone("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True
# The console's datetimes name their zone (revops/formats/en/formats.py).
FORMAT_MODULE_PATH = ["revops.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_CONFIG = config.email("EMAIL_URL", "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = config.str_("DEFAULT_FROM_EMAIL", "revops@localhost")

# --- Security: production values come on with DEBUG=0 and can be tuned by env.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config.bool_("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = config.bool_("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = config.bool_("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = config.int_("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, low=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.bool_("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = config.bool_("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Signing out posts to us and we redirect to the provider: browsers hold that
        # redirect to form-action too.
        "form-action": ["'self'", *([config.origin(OIDC_ISSUER)] if OIDC_ISSUER else [])],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = config.int_("AXES_FAILURE_LIMIT", 5, low=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "revops.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["revops.api.permissions.PolicyPermission"],
    # Bodies are JSON; the two uploads (a RACI CSV, a model file) declare multipart.
    "DEFAULT_PARSER_CLASSES": ["revops.api.parsers.TextOnlyJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "revops.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["revops.api.filters.KnownQueryParameters",
                                "django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "revops.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["revops.api.throttling.PrincipalRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"principal": config.str_("API_THROTTLE_RATE", "600/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RevOps operating model API",
    "DESCRIPTION": "Run book, RACI and cadence of a RevOps operating model.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["revops.api.permissions.PolicyPermission"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "revops.api.schema.document_errors"],
    # Channels also have a ``kind``, ``events`` and ``layers``: name every such enum, so
    # the names the schema had before channels (KindEnum, EventsEnum, LayerEnum) stay.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "runbook.models.SectionKind",
        "EventsEnum": "revops.registry.webhook_events",
        "ChannelKindEnum": "revops.models.Channel.Kind",
        "ChannelEventEnum": "revops.registry.channel_events",
        "LayerEnum": "revops.models.Layer",
        "OccurrenceStatusEnum": "cadence.choices.Status",
        "ActionStateEnum": "cadence.choices.ActionState",
        "ProposalKindEnum": "changes.models.Kind",
        "ProposalStateEnum": "changes.models.State",
    },
}

# --- Celery: a real broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = config.redis_url("REDIS_URL")

# One cache for every process (the API throttle's buckets, discovery documents): a
# per-process cache gave each gunicorn worker its own throttle. Redis when configured,
# with short timeouts (the throttle lets a request through when Redis is down, see
# revops/api/throttling.py); otherwise a database table, made by migration 0013.
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": "revops",
    "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
} if REDIS_URL else {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "revops_cache",
}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = REDIS_URL is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "run-departures": {
        "task": "overview.tasks.run_departures",
        "schedule": crontab(hour=0, minute=20),
    },
    "flag-stale-sections": {
        "task": "runbook.tasks.flag_stale_sections",
        "schedule": crontab(hour=5, minute=0),
    },
    "escalate-stale-sections": {
        "task": "overview.tasks.escalate_stale_sections",
        "schedule": crontab(hour=5, minute=10),
    },
    "apply-due-proposals": {
        "task": "changes.tasks.apply_due_proposals",
        "schedule": crontab(hour=0, minute=30),
    },
    "materialize-occurrences": {
        "task": "cadence.tasks.materialize_occurrences",
        "schedule": crontab(hour=4, minute=30),
    },
    "mark-missed-occurrences": {
        "task": "cadence.tasks.mark_missed_occurrences",
        "schedule": crontab(minute=15),
    },
    "send-ritual-reminders": {
        "task": "cadence.tasks.send_reminders",
        "schedule": crontab(minute="*/10"),
    },
    "raise-due-revisits": {
        "task": "cadence.tasks.raise_due_revisits",
        "schedule": crontab(hour=5, minute=20),
    },
    "record-system-metrics": {
        "task": "insights.tasks.record_system_metrics",
        "schedule": crontab(hour=5, minute=30),
    },
    "raise-off-track": {
        "task": "insights.tasks.raise_off_track",
        "schedule": crontab(hour=5, minute=40),
    },
    "monday-brief": {
        "task": "overview.tasks.send_monday_briefs",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Services nudge a worker after each commit; this catches up whatever a nudge missed
    # (broker down, worker killed) and is the only sender when there is no broker.
    "drain-outbox": {
        "task": "revops.tasks.drain_outbox",
        "schedule": timedelta(seconds=30),
    },
}

# --- The operating model
REVOPS_FISCAL_YEAR_START_MONTH = config.int_("REVOPS_FISCAL_YEAR_START_MONTH", 1, low=1, high=12)
REVOPS_STALE_AFTER_QUARTERS = config.int_("REVOPS_STALE_AFTER_QUARTERS", 2, low=1, high=20)
# A section still stale this many days after its stale flag opened is escalated.
REVOPS_ESCALATE_AFTER_DAYS = config.int_("REVOPS_ESCALATE_AFTER_DAYS", 14, low=1, high=365)
REVOPS_SITE_URL = config.str_("REVOPS_SITE_URL", "http://127.0.0.1:8000")
# Search on PostgreSQL: the text search configuration (language) for stemming and stop
# words. Changing it needs `python manage.py refresh_search_index` for stored vectors.
REVOPS_SEARCH_CONFIG = config.identifier("REVOPS_SEARCH_CONFIG", "english")
# Webhook deliveries and e-mails still failing this long after they were queued are given up.
REVOPS_OUTBOX_GIVE_UP_AFTER = timedelta(
    hours=config.int_("REVOPS_OUTBOX_GIVE_UP_AFTER_HOURS", 72, low=1, high=24 * 30))
# How long a drain holds the rows it claimed: longer than one send (webhooks time out
# after 10 s). A drain killed mid-send leaves its rows to the next drain after this.
REVOPS_OUTBOX_LEASE = timedelta(
    seconds=config.int_("REVOPS_OUTBOX_LEASE_SECONDS", 120, low=1, high=3600))
# Whole-model summaries (readiness, cross-checks, the review queue) are kept in the cache
# until the model changes, at most this long (revops.summaries); 0 computes them on
# every read.
REVOPS_SUMMARY_SECONDS = config.int_("REVOPS_SUMMARY_SECONDS", 300, low=0, high=3600)
# Webhooks go to public https URLs only (revops.netguard); these open exceptions.
REVOPS_WEBHOOK_ALLOW_HTTP = config.bool_("REVOPS_WEBHOOK_ALLOW_HTTP", False)
REVOPS_WEBHOOK_ALLOWED_HOSTS = config.hosts_or_networks("REVOPS_WEBHOOK_ALLOWED_HOSTS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "revops.logfilters.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": config.str_("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
