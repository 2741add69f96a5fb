"""Django settings for Stratadesk, read from environment variables only.

`.env.example` lists every variable. The defaults give the embedded set-up: SQLite in
WAL mode under var/, the database task worker, console email and files on local disk.
"""

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from stratadesk.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_timezone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("STRATADESK_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_choice("STRATADESK_MODE", "development", {"development", "production"})
PRODUCTION = MODE == "production"
DEBUG = env_bool("STRATADESK_DEBUG", not PRODUCTION)

# A fixed key keeps development sessions across restarts; production refuses it.
_DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("STRATADESK_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ConfigError(
        "STRATADESK_SECRET_KEY must be set to 50+ characters in production"
    )

ALLOWED_HOSTS = env_list("STRATADESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("STRATADESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "django_htmx",
    "axes",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    # Before stratadesk.people, whose admin replaces the TOTP plugin's device admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "stratadesk.core",
    "stratadesk.people",
    "stratadesk.clients",
    "stratadesk.tickets",
    "stratadesk.sla",
    "stratadesk.svr",
    "stratadesk.ledger",
    "stratadesk.notifications",
    "stratadesk.inbound",
    "stratadesk.api",
    "stratadesk.console",
    "stratadesk.portal",
    "stratadesk.demo",
]

MIDDLEWARE = [
    "stratadesk.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a user verified once they have given a two-factor code this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: it turns a sign-in refused for a lockout into the page
    # saying so, after every other middleware has seen the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stratadesk.urls"
WSGI_APPLICATION = "stratadesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "stratadesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "stratadesk.portal.branding.context",
                "stratadesk.notifications.notices.context",
            ],
        },
    },
]


def _database() -> dict:
    default_url = f"sqlite:///{VAR_DIR / 'stratadesk.sqlite3'}"
    url = env_str("DATABASE_URL", default_url)
    try:
        # Connections are kept between requests (opening one costs milliseconds on
        # PostgreSQL) and checked before reuse, so a server restart is survived.
        config = dj_database_url.parse(
            url,
            conn_max_age=env_int("STRATADESK_DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL is not a database URL: {exc}") from None

    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue on the busy timeout instead of failing mid-way.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("STRATADESK_SQLITE_TIMEOUT", 20, minimum=1),
        }
    config["ATOMIC_REQUESTS"] = False
    config["TEST"] = {"NAME": env_str("STRATADESK_TEST_DATABASE", "") or None}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
# Staff sign in at /login/, client users at /portal/login/; the portal's access check
# names its own page, so this is the staff one.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The axes backend goes first so a locked-out sign-in is refused before any password
# is checked; it authenticates no one itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures count per username and address together: guessing one account's password
# is stopped, while someone elsewhere cannot lock a person out of their own office.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("STRATADESK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("STRATADESK_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_RESET_ON_SUCCESS = True
# A fixed end to the lockout, so the time the page names holds; tries during it are
# refused without being counted.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "stratadesk.people.lockout.AuditedLockoutHandler"
AXES_LOCKOUT_CALLABLE = "stratadesk.people.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "stratadesk.people.lockout.client_ip"
# Reverse proxies in front of Stratadesk that append to X-Forwarded-For; 0 trusts
# only the connection's own address.
TRUSTED_PROXY_COUNT = env_int("STRATADESK_TRUSTED_PROXY_COUNT", 0)
# An approver without a portal login decides an SVR by the link in its email
# (stratadesk/svr/links.py). A link lasts this many days at most; it stops working
# sooner once the report no longer waits for that approver.
SVR_LINK_DAYS = env_int("STRATADESK_SVR_LINK_DAYS", 30, minimum=1)
# Wrong links from one address before its link pages are refused for the sign-in
# cool-off (AXES_COOLOFF_TIME), so tokens cannot be guessed at speed.
SVR_LINK_FAILURE_LIMIT = env_int("STRATADESK_SVR_LINK_FAILURE_LIMIT", 10, minimum=1)
# Two-factor sign-in is each staff member's choice; when this is on, staff without it
# must set it up before anything else (stratadesk/people/two_factor.py).
REQUIRE_STAFF_TWO_FACTOR = env_bool("STRATADESK_REQUIRE_STAFF_2FA", False)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-au"
TIME_ZONE = env_timezone("STRATADESK_TIME_ZONE", "Australia/Sydney")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "stratadesk" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("STRATADESK_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In development whitenoise serves files from the apps; no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Attachments: the largest file accepted and the content types allowed.
ATTACHMENT_MAX_BYTES = env_int("STRATADESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_CONTENT_TYPES = env_list(
    "STRATADESK_ATTACHMENT_CONTENT_TYPES",
    [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("STRATADESK_MAX_BODY_BYTES", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

TASKS = {
    "default": {
        "BACKEND": env_str(
            "STRATADESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

_MAIL_BACKEND = env_str(
    "STRATADESK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
_MAIL_OPTIONS = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("STRATADESK_EMAIL_HOST", "localhost"),
        "port": env_int("STRATADESK_EMAIL_PORT", 25),
        "username": env_str("STRATADESK_EMAIL_HOST_USER", ""),
        "password": env_str("STRATADESK_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("STRATADESK_EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("STRATADESK_FROM_EMAIL", "Stratadesk <support@localhost>")
SITE_URL = env_str("STRATADESK_SITE_URL", "http://127.0.0.1:8000")

# Inbound email (stratadesk/inbound). Mail to the support address raises tickets;
# replies go to its subaddresses, support+<token>@domain, which carry a reply token.
# The address defaults to the one notifications are sent from.
INBOUND_ADDRESS = env_str(
    "STRATADESK_INBOUND_ADDRESS",
    parseaddr(DEFAULT_FROM_EMAIL)[1] or "support@localhost",
).lower()
if "@" not in INBOUND_ADDRESS:
    raise ConfigError(
        f"STRATADESK_INBOUND_ADDRESS must be an email address; got {INBOUND_ADDRESS!r}"
    )
# The mailbox `stratadesk fetch_mail` polls, for MSPs without a mail provider's
# inbound webhook. No host: the command says so and does nothing.
INBOUND_IMAP = {
    "host": env_str("STRATADESK_IMAP_HOST", ""),
    "port": env_int("STRATADESK_IMAP_PORT", 993, minimum=1),
    "user": env_str("STRATADESK_IMAP_USER", ""),
    "password": env_str("STRATADESK_IMAP_PASSWORD", ""),
    "folder": env_str("STRATADESK_IMAP_FOLDER", "INBOX"),
    "use_ssl": env_bool("STRATADESK_IMAP_SSL", True),
}
# django-anymail's inbound webhooks (/inbound/anymail/<provider>/inbound/) check
# HTTP basic credentials, "user:password", that the provider is given in its URL.
# Without them anyone could post mail in a client's name, so production serves the
# webhooks only once they are set (stratadesk/urls.py).
_WEBHOOK_SECRET = env_str("STRATADESK_INBOUND_WEBHOOK_SECRET", "")
ANYMAIL = {"WEBHOOK_SECRET": _WEBHOOK_SECRET} if _WEBHOOK_SECRET else {}

# Outbound webhooks. In production they go only to public addresses: an endpoint
# whose host resolves to loopback, a private range or the like is refused when it is
# registered and again before every request. Development and tests allow them.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool(
    "STRATADESK_WEBHOOK_ALLOW_PRIVATE_TARGETS", not PRODUCTION
)
WEBHOOK_TIMEOUT_SECONDS = env_int("STRATADESK_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)

# A cache every web process shares, so rate limits hold across processes: a table in
# the database by default (`stratadesk createcachetable`), Redis at scale.
_REDIS_URL = env_str("STRATADESK_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _REDIS_URL,
        }
        if _REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "stratadesk_cache",
        }
    )
}

# REST API v1 (stratadesk/api). Requests per key (or staff token) per minute, and the
# largest JSON body accepted; attachments have their own limit.
API_RATE_PER_MINUTE = env_int("STRATADESK_API_RATE_PER_MINUTE", 600, minimum=1)
API_MAX_BODY_BYTES = env_int("STRATADESK_API_MAX_BODY_BYTES", 256 * 1024, minimum=1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "stratadesk.api.authentication.BearerAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["stratadesk.api.parsers.SafeJSONParser"],
    "EXCEPTION_HANDLER": "stratadesk.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"api": f"{API_RATE_PER_MINUTE}/min"},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Stratadesk API",
    "DESCRIPTION": (
        "Create and follow service tickets, verify work and receive webhooks. "
        "Authenticate with `Authorization: Bearer <key>`."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"StageEnum": "stratadesk.tickets.models.Stage.values"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "stratadesk.api.schema.add_problem_responses",
    ],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Idle expiry: every request pushes the expiry forward, so only inactivity logs out.
SESSION_COOKIE_AGE = env_int("STRATADESK_SESSION_IDLE_SECONDS", 2 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
# Scripts only from this site and only with the per-response nonce; no inline styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("STRATADESK_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("STRATADESK_HSTS_SECONDS", 31_536_000)

LOG_LEVEL = env_choice(
    "STRATADESK_LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"}
)
LOG_FORMAT = env_choice(
    "STRATADESK_LOG_FORMAT", "json" if PRODUCTION else "console", {"json", "console"}
)
LOGGING_CONFIG = None

from stratadesk.core.logging import configure_logging  # noqa: E402

configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)
