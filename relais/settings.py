"""Settings, read once from the environment (twelve-factor).

No variable is needed for the demo: SQLite under RELAIS_DATA_DIR (./var/), an
in-memory channel layer and the database task queue.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("RELAIS_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("RELAIS_DEBUG", False)
TESTING = env_bool("RELAIS_TESTING", False)


def _secret_key() -> str:
    """Use SECRET_KEY, else a random key kept in the data directory."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",  # serves the API docs' Swagger UI from static files, not a CDN
    "relais.core",
    "relais.accounts",
    "relais.contacts",
    "relais.connectors",
    "relais.connectors.webchat",  # the widget's templates and static files
    "relais.connectors.webform",  # the contact form's templates and static files
    "relais.conversations",
    "relais.routing",
    "relais.community",
    "relais.replies",
    "relais.knowledge",
    "relais.analytics",
    "relais.web",
    "relais.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "relais.urls"
ASGI_APPLICATION = "relais.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'relais.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer commits; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=134217728; PRAGMA cache_size=-65536; "
            # Checkpoint every ~40 MB of WAL instead of 4 MB: the hot pages
            # (open conversations, index roots) are copied back once, not ten
            # times, which halves the cost of a chat message's commit.
            "PRAGMA wal_autocheckpoint=10000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RELAIS_TEST_DB") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run three times on a connection are prepared (parsed and
    # planned once): only the hot paths' server-binding cursor (core/sql.py)
    # uses it, Django's own client-binding cursor never prepares. Behind
    # PgBouncer in transaction mode this needs PgBouncer 1.21+
    # (max_prepared_statements); RELAIS_PG_PREPARE_THRESHOLD= (empty) turns it off.
    _threshold = os.environ.get("RELAIS_PG_PREPARE_THRESHOLD", "3")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_threshold) if _threshold else None
    )
# Keep connections open between requests and websocket messages: opening one
# (and, on SQLite, running its PRAGMAs with a cold page cache) costs more than
# the queries of a chat message.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("RELAIS_CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Agent"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:login"

# Login throttling: 5 failures lock the (username, IP) pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the finders but warns at start-up if this is missing.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("RELAIS_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # channels_redis waits for a consumer's messages with a blocking pop of up
    # to 5 s, and redis-py 8 gives up reading a socket after 5 s by default: an
    # idle consumer then raised TimeoutError and its websocket closed. Longer
    # than the pop, the timeout still notices a dead connection.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    # Room for bursts: a full channel silently drops what is sent to it.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "relais.core.realtime.LocalChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if env_bool("RELAIS_IMMEDIATE_TASKS", False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Outbound retries: attempts and the first backoff delay (doubled each time).
RELAIS_SEND_MAX_ATTEMPTS = int(os.environ.get("RELAIS_SEND_MAX_ATTEMPTS", "6"))
RELAIS_SEND_BACKOFF_SECONDS = float(os.environ.get("RELAIS_SEND_BACKOFF_SECONDS", "10"))
# E-mail inboxes without their own SMTP server send through this relay:
# smtp://user:password@host:587 (STARTTLS), smtps://host:465, or
# smtp://host:25?security=none. RELAIS_SMTP_CA_FILE: extra CAs to trust (a PEM
# bundle) for servers with a private certificate.
RELAIS_SMTP_URL = os.environ.get("RELAIS_SMTP_URL", "")
RELAIS_SMTP_CA_FILE = os.environ.get("RELAIS_SMTP_CA_FILE", "")
# The sender of the mails Relais writes itself (community sign-in links).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Relais <noreply@relais.localhost>")
# Community sign-in links expire after this many seconds (and work once).
RELAIS_COMMUNITY_LINK_MAX_AGE = int(os.environ.get("RELAIS_COMMUNITY_LINK_MAX_AGE", "1800"))
# Widget visitor tokens live this long (seconds): a year, like a chat cookie.
RELAIS_VISITOR_TOKEN_MAX_AGE = 365 * 24 * 3600
RELAIS_MAX_MESSAGE_LENGTH = 20_000
# Where the help center's "Contact us" leads; empty: the contact form of the
# first active e-mail inbox.
RELAIS_HELP_CONTACT_URL = os.environ.get("RELAIS_HELP_CONTACT_URL", "")
# Where customers reach this Relais (https://support.example.com): links the
# bot sends to help-center articles are absolute with it, paths without.
RELAIS_PUBLIC_URL = os.environ.get("RELAIS_PUBLIC_URL", "").rstrip("/")
# The bot's optional generative answers through an OpenAI-compatible endpoint
# (POST <base>/chat/completions, e.g. https://api.openai.com/v1): off unless a
# base URL and a model are set. Only the retrieved articles and the question
# are sent; an answer that cites none of them is not used.
RELAIS_LLM_BASE_URL = os.environ.get("RELAIS_LLM_BASE_URL", "").rstrip("/")
RELAIS_LLM_MODEL = os.environ.get("RELAIS_LLM_MODEL", "")
RELAIS_LLM_API_KEY = os.environ.get("RELAIS_LLM_API_KEY", "")
RELAIS_LLM_TIMEOUT = float(os.environ.get("RELAIS_LLM_TIMEOUT", "10"))
# E-mail: the largest mail accepted (SMTP SIZE), the largest attachment kept,
# and where mails that could not be stored wait for `relais importmail`.
RELAIS_EMAIL_MAX_BYTES = int(os.environ.get("RELAIS_EMAIL_MAX_BYTES", str(25 * 1024 * 1024)))
RELAIS_EMAIL_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("RELAIS_EMAIL_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))
)
RELAIS_EMAIL_QUARANTINE_DIR = DATA_DIR / "quarantine"
# The public base URL (https://support.example.com) when Relais runs behind a
# proxy: webhook URLs shown to integrators, and the URL providers sign
# (Twilio), are built from it. Empty: from each request's own host.
RELAIS_PUBLIC_URL = os.environ.get("RELAIS_PUBLIC_URL", "")
# Provider webhooks: the largest body read, and the largest media file
# (photo, document, MMS) downloaded with a message.
RELAIS_WEBHOOK_MAX_BYTES = int(os.environ.get("RELAIS_WEBHOOK_MAX_BYTES", str(1024 * 1024)))
RELAIS_MEDIA_MAX_BYTES = int(os.environ.get("RELAIS_MEDIA_MAX_BYTES", str(10 * 1024 * 1024)))
# Fetching a customer's file after a temporary failure: attempts, and the
# first delay (doubled each time).
RELAIS_MEDIA_MAX_ATTEMPTS = int(os.environ.get("RELAIS_MEDIA_MAX_ATTEMPTS", "5"))
RELAIS_MEDIA_BACKOFF_SECONDS = float(os.environ.get("RELAIS_MEDIA_BACKOFF_SECONDS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    WHITENOISE_AUTOREFRESH = True
