"""Settings for every environment, read from the process environment.

With nothing configured the service runs on an embedded default: SQLite in the project folder
and Celery tasks executed in-process. Production sets DATABASE_URL, CELERY_BROKER_URL,
SECRET_KEY, ALLOWED_HOSTS and DEBUG=false; a missing secret then stops start-up.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# Local development may run without a secret; anything with DEBUG off must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the service needs a secret key: "
            "set the SECRET_KEY environment variable to a long random string."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "factcheck.apps.FactcheckConfig",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "articles",
    "sources",
    "reviews",
    "webhooks",
    "factchecks",
    "discussion",
    "notifications",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
]

EMBEDDED_DATABASE = "DATABASE_URL" not in env
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that stops answering fails a request (and /healthz) in seconds rather than
    # holding it until gunicorn kills the worker (libpq waits forever by default).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # Django's, preparing the repeated queries of the busiest reads (see factcheck.db).
    DATABASES["default"]["ENGINE"] = "factcheck.db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first (accounts.hashers says with which parameters, and what a check costs):
# memory-hard, and a sign-in in tens of milliseconds. Passwords stored with the others are
# still checked, and rehashed with Argon2 at their next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.NewsroomArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# --- Sign-in throttling ---------------------------------------------------------------------
# The throttling backend comes first: it refuses a locked-out sign-in before any password check.
AUTHENTICATION_BACKENDS = [
    "factcheck.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locking the pair, not the username alone, keeps a guesser elsewhere from locking a colleague out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Security -------------------------------------------------------------------------------
# Behind a TLS-terminating proxy in production; locally everything is plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages run only the scripts and styles this service serves itself: an injected <script> or
# on* attribute that slipped past escaping still does not run. JSON-LD blocks are data, not
# scripts, so the policy does not apply to them. The API docs page loosens it (factcheck.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON only, as the schema documents: one request body per operation for generated
    # clients, and one parser that bounds nesting (see factcheck.parsers).
    "DEFAULT_PARSER_CLASSES": ["factcheck.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["factcheck.filtering.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "factcheck.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "factcheck.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["factcheck.throttling.PerTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="1200/min")},
}

# Throttle counters live here; set CACHE_URL (e.g. redis://redis:6379/1) so that every web
# process counts against the same limit.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] in (
    "django.core.cache.backends.redis.RedisCache",
    "django_redis.cache.RedisCache",
):
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
    # Redis answers in well under a millisecond: one that does not answer within this is
    # treated as down instead of costing each request redis-py's 5 s. The service goes on
    # without it: reads miss, writes are skipped, and factcheck.cache pauses asking it.
    _cache_timeout = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("SOCKET_CONNECT_TIMEOUT", _cache_timeout)
    CACHES["default"]["OPTIONS"].setdefault("SOCKET_TIMEOUT", _cache_timeout)
    CACHES["default"]["OPTIONS"].setdefault("IGNORE_EXCEPTIONS", True)
    CACHES["default"]["OPTIONS"].setdefault("REDIS_CLIENT_CLASS", "factcheck.cache.PausingRedis")
# Rendered API answers, each under the version of the data it shows, in each web process's
# own memory: a hit costs no round trip, and a restart (a new release, changed settings)
# starts afresh. About 200 pages of 50 verdicts is some 15 MB a process.
CACHES["answers"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "answers",
    "OPTIONS": {"MAX_ENTRIES": env.int("ANSWER_CACHE_ENTRIES", default=200)},
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    # API clients run unattended: a token lives until it is revoked, unless a TTL is configured.
    "TOKEN_TTL": (
        timedelta(hours=env.int("API_TOKEN_TTL_HOURS"))
        if env.str("API_TOKEN_TTL_HOURS", "")
        else None
    ),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check workflow API",
    "DESCRIPTION": (
        "Articles and their claims, the review queue, verdicts and their sign-off, and "
        "published verdicts for clients (summaries, schema.org ClaimReview, a Google Fact "
        "Check Tools compatible claims:search).\n\n"
        "Authenticate with `Authorization: Token <token>` (tokens come from "
        "`manage.py issue_token`). Every error has the same shape: "
        '`{"error": {"code", "message", "details"}}`. Writes to a verdict carry the '
        "verdict's ETag in `If-Match`; reads answer `304` to a matching `If-None-Match`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "factcheck.api_schema.add_error_responses",
        "factcheck.api_schema.describe_path_ids_and_etags",
    ],
    # Served from this service (no CDN), which the Content-Security-Policy allows.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ClaimStateEnum": "reviews.models.ClaimState",
        "VerdictStateEnum": "reviews.models.VerdictState",
        "RatingEnum": "reviews.ratings.Rating",
        "ClaimKindEnum": "reviews.models.ClaimKind",
        "DismissReasonEnum": "reviews.models.DismissReason",
        "StanceEnum": "reviews.models.Stance",
        "CanonicalRatingEnum": "factchecks.models.CanonicalRating",
    },
}

# --- Celery ---------------------------------------------------------------------------------
# No broker configured means the embedded default: tasks run in-process, after commit.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Tasks are idempotent, so a task whose worker died is redelivered rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
# Must exceed the longest task (hard limit) or Redis redelivers work still in progress.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # A broker that accepts connections and never answers would otherwise hold a publish
    # (and the request that made it) forever: kombu waits without limit by default.
    "socket_timeout": env.float("CELERY_BROKER_TIMEOUT_SECONDS", default=0.5),
    "socket_connect_timeout": env.float("CELERY_BROKER_TIMEOUT_SECONDS", default=0.5),
}
# Publishing gives up after about a second (two tries): the row is already committed and the
# periodic sweeps send what was not sent (see factcheck.celery.Task).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-sources": {
        "task": "sources.tasks.sweep_sources",
        "schedule": env.float("FETCH_SWEEP_SECONDS", default=60.0),
    },
    "sweep-articles": {
        "task": "articles.tasks.sweep_articles",
        "schedule": env.float("FETCH_SWEEP_SECONDS", default=60.0),
    },
    "delete-expired-tokens": {
        "task": "accounts.tasks.delete_expired_tokens",
        "schedule": 3600.0,
    },
    "expire-claim-leases": {
        "task": "reviews.tasks.expire_claim_leases",
        "schedule": 60.0,
    },
    "notify-leases-ending": {
        "task": "notifications.tasks.notify_leases_ending",
        "schedule": 60.0,
    },
    "sweep-webhooks": {
        "task": "webhooks.tasks.sweep_webhooks",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=60.0),
    },
    "refresh-factcheck-feeds": {
        "task": "factchecks.tasks.refresh_due_subscriptions",
        "schedule": env.float("FACTCHECK_FEED_SWEEP_SECONDS", default=60.0),
    },
    "sync-own-factchecks": {
        "task": "factchecks.tasks.sync_own_factchecks",
        "schedule": env.float("OWN_FACTCHECK_SWEEP_SECONDS", default=300.0),
    },
    "embed-missing-factchecks": {
        "task": "factchecks.matching.tasks.embed_missing_factchecks",
        "schedule": env.float("MATCH_EMBED_SWEEP_SECONDS", default=300.0),
    },
    "match-claims": {
        "task": "factchecks.matching.tasks.match_claims_sweep",
        "schedule": env.float("MATCH_CLAIMS_SWEEP_SECONDS", default=300.0),
    },
    "worker-heartbeat": {
        "task": "factcheck.worker_heartbeat",
        "schedule": env.float("WORKER_HEARTBEAT_SECONDS", default=30.0),
        # One missed beat is superseded by the next; none piles up while no worker runs.
        "options": {"expires": env.float("WORKER_HEARTBEAT_SECONDS", default=30.0)},
    },
}
# /healthz reports a worker as seen when one recorded a heartbeat (in the cache) this recently.
WORKER_SEEN_WITHIN_SECONDS = env.float("WORKER_SEEN_WITHIN_SECONDS", default=120.0)

# --- Logging --------------------------------------------------------------------------------
# Every line goes through a handler that redacts secrets (an API token in a logged URL, a
# password in a broker URL): see factcheck.redaction.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "factcheck.redaction.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's default config gives these two handlers of their own, which would skip the
        # filter: `django` a console one for DEBUG (its records reach the root's anyway) and
        # mail to ADMINS (never set here); `django.server` one for runserver's request lines.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Fetching linked sources ----------------------------------------------------------------
# Networks that may be fetched although they are not public (tests and local development only).
FETCH_ALLOWED_NETWORKS = env.list("FETCH_ALLOWED_NETWORKS", default=[])
FETCH_ALLOWED_PORTS = env.list("FETCH_ALLOWED_PORTS", cast=int, default=[80, 443])
FETCH_MAX_REDIRECTS = env.int("FETCH_MAX_REDIRECTS", default=5)
FETCH_CONNECT_TIMEOUT_SECONDS = env.float("FETCH_CONNECT_TIMEOUT_SECONDS", default=5.0)
FETCH_DEADLINE_SECONDS = env.float("FETCH_DEADLINE_SECONDS", default=20.0)
FETCH_MAX_BODY_BYTES = env.int("FETCH_MAX_BODY_BYTES", default=10 * 1024 * 1024)
FETCH_CONTENT_TYPES = env.list(
    "FETCH_CONTENT_TYPES",
    default=[
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/json",
        "text/csv",
        "application/xml",
        "text/xml",
    ],
)
FETCH_USER_AGENT = env.str(
    "FETCH_USER_AGENT", default="factcheck-source-fetcher/1.0 (+https://example.org/bot)"
)
FETCH_MAX_ATTEMPTS = env.int("FETCH_MAX_ATTEMPTS", default=5)
FETCH_RETRY_BASE_SECONDS = env.float("FETCH_RETRY_BASE_SECONDS", default=30.0)
FETCH_RETRY_MAX_SECONDS = env.float("FETCH_RETRY_MAX_SECONDS", default=3600.0)
FETCH_FRESHNESS_SECONDS = env.int("FETCH_FRESHNESS_SECONDS", default=24 * 3600)
FETCH_LEASE_SECONDS = env.int("FETCH_LEASE_SECONDS", default=300)
FETCH_HOST_CONCURRENCY = env.int("FETCH_HOST_CONCURRENCY", default=2)
FETCH_HOST_DELAY_SECONDS = env.float("FETCH_HOST_DELAY_SECONDS", default=1.0)

# --- Claim extraction -----------------------------------------------------------------------
# Claims scoring at or above this enter the review queue; the rest wait in triage. Chosen
# with check-worthiness model minilm-l2-lex-blend-1 on the labelled articles the queue rules
# were tuned on (tests/articles/test_extraction_quality.py): queue precision 0.82 at recall
# 0.98 there; 0.5 let in more claims nobody would check (precision 0.78).
CLAIM_QUEUE_THRESHOLD = env.float("CLAIM_QUEUE_THRESHOLD", default=0.6)
ARTICLE_MAX_BODY_CHARS = env.int("ARTICLE_MAX_BODY_CHARS", default=200_000)

# --- Review queue ---------------------------------------------------------------------------
CLAIM_LEASE_MINUTES = env.int("CLAIM_LEASE_MINUTES", default=30)

# --- Publishing -----------------------------------------------------------------------------
# Absolute URLs in ClaimReview and webhooks are built on this.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
PUBLISHER_NAME = env.str("PUBLISHER_NAME", default="Factcheck Desk")
PUBLISHER_URL = env.str("PUBLISHER_URL", default=PUBLIC_BASE_URL + "/")

# --- Webhooks -------------------------------------------------------------------------------
# Signed POSTs to subscribers when a verdict is published or corrected. Receivers are reached
# under the fetcher's address rules (FETCH_ALLOWED_NETWORKS, FETCH_ALLOWED_PORTS).
# The whole POST (resolving, connecting, sending, the answer) must finish within this.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# With the defaults, retries span one and a half to three hours before a delivery fails.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)

# --- Fact-checks by others ------------------------------------------------------------------
# Subscribed feeds handed out per sweep, and how long one handed out is kept from the next
# sweep while its refresh runs (the refresh then sets its real next time).
FACTCHECK_FEED_SWEEP_LIMIT = env.int("FACTCHECK_FEED_SWEEP_LIMIT", default=20)
FACTCHECK_FEED_REFRESH_LEASE_SECONDS = env.int("FACTCHECK_FEED_REFRESH_LEASE_SECONDS", default=900)

# --- Matching ("has this been checked before?", factchecks.matching) -----------------------
# Where rebuild_match_index saves the index that every process memory-maps (shared between
# web and worker containers through a volume); a process that finds none builds its own from
# the database.
MATCH_INDEX_DIR = env.path("MATCH_INDEX_DIR", default=BASE_DIR / "var" / "match-index")
# Up to this many fact-checks dense search is exact (one matrix product); above, an HNSW
# graph. See factchecks.matching.index.uses_approximate_search.
MATCH_EXACT_SEARCH_MAX = env.int("MATCH_EXACT_SEARCH_MAX", default=50_000)
# Precision of the HNSW graph's stored vectors (usearch: f32, f16 or i8); see bench/matching.py.
MATCH_ANN_DTYPE = env.str("MATCH_ANN_DTYPE", default="f16")
# How often a process asks the database for fact-checks embedded since it last looked, and
# how far before its mark it reads again, every half of that (a row stamped before the mark
# whose transaction committed after the last read: vectors are written in transactions of a
# few hundred rows, which commit within seconds).
MATCH_CATCH_UP_SECONDS = env.float("MATCH_CATCH_UP_SECONDS", default=1.0)
MATCH_CATCH_UP_OVERLAP_SECONDS = env.float("MATCH_CATCH_UP_OVERLAP_SECONDS", default=60.0)
# Fact-checks embedded since the snapshot beyond which a process rebuilds its index (or a
# tenth of the snapshot, when that is more).
MATCH_DELTA_MAX = env.int("MATCH_DELTA_MAX", default=5000)
# The longest text matched, in characters: a claim or a post, not an article.
MATCH_MAX_TEXT_CHARS = env.int("MATCH_MAX_TEXT_CHARS", default=2000)
