"""ActionDay settings: one module, read from the environment.

Two shapes, chosen on purpose:

* **Embedded** (nothing set): SQLite in the project folder, Celery tasks run in-process,
  files under ``var/``. For the demo and for a developer's first look. Says so at start-up.
* **Served** (``DATABASE_URL`` and ``REDIS_URL`` set): PostgreSQL and Celery on Redis.
  With ``ACTIONDAY_ENV=production`` the settings refuse to load unless a real
  ``SECRET_KEY``, a database, a Redis and ``DEBUG`` off are all given — a missing part
  must stop the start, never silently fall back to the embedded shape.
"""

import datetime as dt
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

ACTIONDAY_ENV = env.str("ACTIONDAY_ENV", default="development")
if ACTIONDAY_ENV not in ("development", "production"):
    raise ImproperlyConfigured("ACTIONDAY_ENV must be 'development' or 'production'.")
PRODUCTION = ACTIONDAY_ENV == "production"

EMBEDDED_SECRET_KEY = "embedded-demo-key-not-for-production"
DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED = not DATABASE_URL and not REDIS_URL
if DATABASE_URL and not REDIS_URL:
    # Jobs run in-process only in the embedded shape. A database without a broker would leave every
    # job (figures, reports, matching) waiting for a worker that no broker can reach: say so now.
    raise ImproperlyConfigured(
        "DATABASE_URL is set but REDIS_URL is not: jobs need a Redis broker and a Celery worker. "
        "Set REDIS_URL too, or unset DATABASE_URL for the embedded demo (SQLite, jobs in-process)."
    )

SECRET_KEY = env.str("SECRET_KEY", default=EMBEDDED_SECRET_KEY)
# Off unless asked for (DEBUG=true), the demo included: a debug page shows tracebacks, settings and
# every URL pattern to whoever provokes an error. Our own 404 and 500 pages answer instead.
DEBUG = env.bool("DEBUG", default=False)
# Loopback names are always allowed: container health checks and local probes use them.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    missing = [
        name
        for name, ok in [
            ("SECRET_KEY (not the embedded default)", SECRET_KEY != EMBEDDED_SECRET_KEY and len(SECRET_KEY) >= 32),
            ("DATABASE_URL", bool(DATABASE_URL)),
            ("REDIS_URL", bool(REDIS_URL)),
            ("DEBUG off", not DEBUG),
            ("CAPTURE_ALLOW_PRIVATE off", not env.bool("CAPTURE_ALLOW_PRIVATE", default=False)),
        ]
        if not ok
    ]
    if missing:
        raise ImproperlyConfigured("Production settings refuse to start without: " + ", ".join(missing))

DATA_DIR = Path(env.str("ACTIONDAY_DATA_DIR", default=str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # ActionDay's apps, from the bottom layer up (.importlinter holds the layering; docs/architecture.md).
    "audit",
    "accounts",
    "api",
    "operations",
    "platforms",
    "findings",
    "setup",
    "partners",
    "evidence",
    "intake",
    "hits",
    "reports",
    "retention",
    "oversight",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (SECURE_CSP below) on every answer, static files and errors included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer past the static files: no-store, unless a view says otherwise (config/middleware.py).
    "config.middleware.NoStoreMiddleware",
    # A lost database connection anywhere inside (sessions, auth, views): 503 "database unavailable, try again".
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session middleware: pushes a signed-in session's end back, saving it once a minute at most.
    "accounts.sessions.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp) ...
    "django_otp.middleware.OTPMiddleware",
    # ... and no page or API call but logging in and the two-factor pages before it did (accounts/two_factor.py).
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the "account locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
    {
        # Only for templates rendered in bulk on every request (config/jinja2.py says which and why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# Widgets rendered with Django's own Jinja2 widget templates: the same HTML at half the CPU of the
# Django template engine, which rendered each <option> as a template of its own (docs/operations.md).
FORM_RENDERER = "config.forms.FormRenderer"  # Jinja2 widget templates; selects written out

if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    # Reuse connections between requests, and test them first so a restarted
    # PostgreSQL costs one failed request at most, not a stuck process.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before its password is even checked (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "anonymous user" row: anonymous visitors see nothing, by rule, not by grant.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected files are for production (whitenoise serves them); elsewhere they come from the apps.
STATIC_ROOT = DATA_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploaded files (evidence, generated reports) live outside the web root and are never
# served by URL: only views that apply the access rule hand them out.
FILES_ROOT = Path(env.str("FILES_ROOT", default=str(DATA_DIR / "files")))
# Evidence uploads above this size are refused while they stream, before they fill a disk.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_MB", default=100) * 1024 * 1024
# Page captures (evidence/capture_job.py): the worker's egress ("" or "none": direct; http://host:port;
# socks5://host:port, e.g. a Tor client for onion addresses), and the limits of one capture.
CAPTURE_PROXY = env.str("CAPTURE_PROXY", default="")
CAPTURE_TIME_LIMIT = env.int("CAPTURE_TIME_LIMIT", default=60)
CAPTURE_MAX_BYTES = env.int("CAPTURE_MAX_MB", default=50) * 1024 * 1024
# ActionDay's own addresses beyond ALLOWED_HOSTS and the address a capture was asked from (the web
# service's internal name and port, say): a captured page never reaches them.
CAPTURE_OWN_ORIGINS = env.list("CAPTURE_OWN_ORIGINS", default=[])
# Loopback and private addresses may be captured: for the tests' own site and development only.
CAPTURE_ALLOW_PRIVATE = env.bool("CAPTURE_ALLOW_PRIVATE", default=False)
# Personal data of an operation closed this many days ago is erased (retention/services.py); 0: never.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=730)
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)

STORAGES = {
    # Another backend (an object store, say) is one environment variable away; its
    # options come as JSON in FILE_STORAGE_OPTIONS.
    "default": {
        "BACKEND": env.str("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={"location": str(FILES_ROOT)}),
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

# --- Mail ---------------------------------------------------------------------------------
# Sign-up links go out by e-mail (accounts/invitations.py). EMAIL_URL names the server, e.g.
# smtp+tls://user:password@mail.example.eu:587; without it mails are printed to the console (the
# demo; in production they go to the relay on localhost:25), and the set-up page's list of links is
# the way to hand them out.
# In production the default is the host's own mail relay: printing mails there would lose them.
_mail = env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
MAILERS = {"default": {"BACKEND": _mail["EMAIL_BACKEND"]}}
if _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": _mail["EMAIL_HOST"], "port": _mail["EMAIL_PORT"], "username": _mail.get("EMAIL_HOST_USER") or "",
        "password": _mail.get("EMAIL_HOST_PASSWORD") or "", "use_tls": bool(_mail.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_mail.get("EMAIL_USE_SSL")), "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ActionDay <actionday@localhost>")
# A sign-up link works once, and for this many days.
SIGNUP_LINK_DAYS = env.int("SIGNUP_LINK_DAYS", default=14)

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Embedded mode only: no broker, so jobs run inside the request that enqueues them.
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is away: a request that enqueues must not hang on the broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A job whose worker died is handed out again once unacknowledged this long (Redis's default is an
# hour). Longer than the longest job can run — a report build is killed at 300 s (reports/building.py)
# — or a slow build would be handed to a second worker while the first still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "visibility_timeout": 600}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
# Periodic jobs and queue routes: jobs/schedule.py, handed to the app by config/celery.py.

# --- REST framework -----------------------------------------------------------------------
# The API under /api/v1/ (config/api_urls.py; what every endpoint shares is in api/).
# Token first, so that a request without credentials is told how to authenticate (401,
# WWW-Authenticate: Token); session authentication serves the browsable API and keeps its CSRF check.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.TokenAuthentication",
        "api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.BrowsableAPIRenderer"],
    # JSON in; the two file uploads (evidence, import) take multipart on their own.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.paging.StableCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ActionDay API",
    "DESCRIPTION": (
        "Findings of joint action days against online human trafficking, under the same access rule as the "
        "pages. Authenticate with `Authorization: Token <key>` (POST /api/v1/token/ while logged in; tokens are "
        "for accounts with a confirmed authenticator app) or a session that has passed the second factor. Every "
        "error has the same shape (`code`, `detail`, and `fields`, `rows` or `current` where they apply). A POST "
        "may carry an `Idempotency-Key` header: a retry with the same key gets the first answer again and changes "
        "nothing."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": False,  # a PATCH of a case requires its version: keep required fields required
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would otherwise send the schema's address to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "findings.models.Case.Status",
        "PlatformCheckStatusEnum": "platforms.models.PlatformCheck.Status",
        "OperationStatusEnum": "operations.models.Operation.Status",
        "CountryEnum": "operations.countries.COUNTRY_CHOICES",  # country teams and agencies' countries
        "NationalityEnum": "operations.countries.NATIONALITY_CHOICES",
        # Three models have a "kind": each its own name (manage.py check --deploy warns otherwise).
        "AgencyKindEnum": "operations.models.Agency.Kind",
        "ReportKindEnum": "reports.models.Report.Kind",
        "SelectorKindEnum": "findings.models.Selector.Kind",
        "CaseCloseReasonEnum": "findings.models.Case.CloseReason",
        # Two models have a "role": a member's in an operation, a suspect's in a network.
        "MembershipRoleEnum": "operations.choices.Role",
        "SuspectRoleEnum": "findings.models.Suspect.Role",
        "WatchListFormatEnum": "partners.models.WatchList.Format",  # beside the findings import's "format"
    },
}

# --- Security -----------------------------------------------------------------------------
# Two factors for everyone (accounts/two_factor.py): a password, then a TOTP code from an
# authenticator app (or a one-time recovery code). Nothing but logging in is reachable before.
OTP_TOTP_ISSUER = "ActionDay"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP secret or a recovery code

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username, that
# username is locked for LOGIN_LOCKOUT_MINUTES, from every address. Only that username: colleagues
# behind the same office address keep logging in. `manage.py axes_reset_username <name>` unlocks early.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks to lock out by address too. We don't, on purpose: a national unit often reaches
    # us from one gateway address, and locking it would lock out every colleague behind it — a
    # lockout must block no other user. An attacker cannot change the username of the account under
    # attack, so per-username locking is not bypassed by rotating addresses, browsers or cookies.
    "axes.W006",
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"  # 429 with registration/locked_out.html

# A session ends after SESSION_IDLE_MINUTES without a request; a request pushes the end back, saving
# the session at most once a minute (accounts/sessions.py) rather than on every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False

# Content-Security-Policy in every mode, so that development and the tests see what production
# sends: our own scripts, styles and images only, no inline script or style, no plugins, never
# framed, forms post only here. One page relaxes it for itself: ReDoc (config/api_urls.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts and
# CSRF protection refuses them. Nothing is ever sent to another origin either way.
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: browsers take these cookies only over HTTPS, from this very host, for the
    # whole site — a neighbouring subdomain cannot plant a session or CSRF cookie.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain HTTP from inside the network
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Security: the audit trail's sequencer and checkpoints (audit/sequencer.py, audit/checkpoints.py) ---
# Production appends events unchained and `manage.py audit_sequencer` chains them; elsewhere `record`
# chains inline, in the caller's transaction (SQLite serialises writers anyway).
AUDIT_SEQUENCE_INLINE = env.bool("AUDIT_SEQUENCE_INLINE", default=not PRODUCTION)
# Signed checkpoints of the chain's head go here (and to the log): a file the database cannot write.
AUDIT_CHECKPOINT_FILE = Path(env.str("AUDIT_CHECKPOINT_FILE", default=str(DATA_DIR / "audit" / "checkpoints.jsonl")))
# Ed25519, base64: the private key only where checkpoints are signed (the sequencer), the public
# keys (current first, then retired ones) wherever the trail is verified. Outside production,
# without keys, a stand-in derived from SECRET_KEY is used (and `verify_audit` says so).
AUDIT_CHECKPOINT_KEY = env.str("AUDIT_CHECKPOINT_KEY", default="")
AUDIT_CHECKPOINT_VERIFY_KEYS = env.list("AUDIT_CHECKPOINT_VERIFY_KEYS", default=[])
AUDIT_CHECKPOINT_SECONDS = env.float("AUDIT_CHECKPOINT_SECONDS", default=10.0)
if PRODUCTION:
    if not (AUDIT_CHECKPOINT_KEY or AUDIT_CHECKPOINT_VERIFY_KEYS):
        raise ImproperlyConfigured("Production settings refuse to start without AUDIT_CHECKPOINT_VERIFY_KEYS "
                                   "(or AUDIT_CHECKPOINT_KEY where checkpoints are signed).")
    if AUDIT_SEQUENCE_INLINE:
        raise ImproperlyConfigured("Production chains the audit trail in `manage.py audit_sequencer`, "
                                   "not inline: unset AUDIT_SEQUENCE_INLINE.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes tells of every login at INFO; failures that lock an account come at WARNING.
        "axes": {"level": "WARNING"},
    },
}

# Say the embedded shape out loud, once per process start (not again in runserver's reloader child).
if EMBEDDED and "pytest" not in sys.modules and env.str("RUN_MAIN", default="") != "true":
    print(
        f"ActionDay embedded mode: SQLite at {DATABASES['default']['NAME']}, jobs run in-process, "
        f"files under {FILES_ROOT}. Set DATABASE_URL and REDIS_URL for PostgreSQL and Celery.",
        file=sys.stderr,
    )
