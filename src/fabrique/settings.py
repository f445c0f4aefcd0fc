"""The one settings module: every value comes from an environment variable.

Defaults suit the embedded mode (SQLite file under ``FABRIQUE_DATA_DIR``, no
server to install). With ``FABRIQUE_ENV=production`` the default secret key and
``DEBUG`` are refused.  Every variable is listed in the README.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dj_database_url
import xstatic.pkg.leaflet as xstatic_leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def redis_queue_url(url: str) -> str:
    """The task queue's Redis address, with short timeouts unless it sets its own.

    A Redis that is down, unreachable or hung then costs a request that
    queues a task a few seconds (redis-py tries four times), never its web
    worker: the task is kept in the database instead (fabrique.core.queue).
    RQ's worker lengthens the read timeout of its own waits.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_connect_timeout", "0.5")
    query.setdefault("socket_timeout", "1.5")
    return urlunsplit(parts._replace(query=urlencode(query)))


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


FABRIQUE_ENV = env("FABRIQUE_ENV", "development")
PRODUCTION = FABRIQUE_ENV == "production"
DATA_DIR = Path(env("FABRIQUE_DATA_DIR", str(Path.cwd() / "var"))).resolve()

_DEFAULT_SECRET = "insecure-development-key-change-me"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", _DEFAULT_SECRET)
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and (SECRET_KEY == _DEFAULT_SECRET or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 32+ characters in production"
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "Fabrique")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "fabrique.core",
    "fabrique.accounts",
    "fabrique.catalog",
    "fabrique.places",
    "fabrique.community",
    "fabrique.projects",
    "fabrique.transport",
    "fabrique.notifications",
    "fabrique.federation",
    "fabrique.vehicles",
    "fabrique.badges",
    # Sign-in beyond passwords (django-allauth): OpenID Connect providers,
    # passkeys and authenticator apps, the list of one's sessions.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "fabrique.accounts.oidc",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fabrique.core.middleware.InstanceLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "fabrique.core.middleware.UploadLimitMiddleware",
    "fabrique.core.middleware.MalformedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "fabrique.core.middleware.CsrfCookieMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fabrique.accounts.middleware.ProviderFormActionMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "fabrique.accounts.middleware.SecondFactorRequiredMiddleware",
    "fabrique.core.middleware.SecurityHeadersMiddleware",
    # Innermost: a view failing on full storage answers 503, not 500.
    "fabrique.core.storage.StorageFullMiddleware",
    "fabrique.badges.middleware.MissingContextsMiddleware",
]

ROOT_URLCONF = "fabrique.urls"
WSGI_APPLICATION = "fabrique.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} keeps the addresses without arguments once reversed.
            "builtins": ["fabrique.core.templatetags.urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fabrique.core.context_processors.site",
                "fabrique.notifications.context_processors.unread",
            ],
        },
    }
]

# Database: SQLite file by default, PostgreSQL (or any) through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'fabrique.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take
    # the write lock up front (no deadlocked upgrade), and a writer waits up to
    # 20 s for it rather than failing when many people save at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set, local memory otherwise.
# Redis is optional at run time: during an outage the cache answers misses
# (fabrique.core.cache), sessions are read from the database (cached_db) and
# rate limits count in each process (fabrique.core.ratelimit).
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "fabrique.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"RETRY_SECONDS": env_int("REDIS_RETRY_SECONDS", 5)},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for the anonymous page cache (Django's default is 300).
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

# Background tasks: database-backed worker by default, RQ when REDIS_URL is set.
TASKS_BACKEND = env("TASKS_BACKEND", "rq" if REDIS_URL else "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: expected one of {sorted(_TASK_BACKENDS)}"
    )
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    # Tasks queued while Redis is down are kept in the database, and queued
    # by the worker once Redis answers again (fabrique.core.queue).
    TASKS["deferred"] = _TASK_BACKENDS["database"]
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {
            "URL": redis_queue_url(REDIS_URL or "redis://127.0.0.1:6379/0"),
            # A long feed check must not be cut by RQ's 3-minute default.
            "DEFAULT_TIMEOUT": env_int("FABRIQUE_TASK_TIMEOUT", 3 * 3600),
        }
    }

# Geocoder: the index folder built by `fabrique geocoder index …`, served by
# fabrique.places under Addok's routes and /api/1/geocoder/.
GEOCODER_INDEX = Path(env("FABRIQUE_GEOCODER_INDEX", str(DATA_DIR / "geocoder")))
GEOCODER_ATTRIBUTION = env("GEOCODER_ATTRIBUTION", "BAN")
GEOCODER_LICENCE = env("GEOCODER_LICENCE", "ETALAB-2.0")
GEOCODER_CSV_MAX_BYTES = env_int("GEOCODER_CSV_MAX_BYTES", 50 * 1024 * 1024)
# /search/csv/ answers at once a file of at most this many rows geocoded
# within this many seconds, with at most this many such files at once on the
# site; anything bigger is a background job whose result is kept for hours.
GEOCODER_CSV_SYNC_ROWS = env_int("GEOCODER_CSV_SYNC_ROWS", 2000)
GEOCODER_CSV_SYNC_SECONDS = env_int("GEOCODER_CSV_SYNC_SECONDS", 5)
GEOCODER_CSV_SYNC_AT_ONCE = env_int("GEOCODER_CSV_SYNC_AT_ONCE", 1)
GEOCODER_CSV_JOBS_PER_CLIENT = env_int("GEOCODER_CSV_JOBS_PER_CLIENT", 2)
GEOCODER_JOB_LEASE_SECONDS = env_int("GEOCODER_JOB_LEASE_SECONDS", 3 * 3600)
GEOCODER_JOB_HOURS = env_int("GEOCODER_JOB_HOURS", 24)
GEOCODER_JOBS = Path(env("FABRIQUE_GEOCODER_JOBS", str(DATA_DIR / "geocoder-jobs")))

# Transport data: feed versions and on-demand validations on disk (layout in
# fabrique.transport.storage), the largest upload or download, URL fetching.
TRANSPORT_STORE = Path(env("FABRIQUE_TRANSPORT_STORE", str(DATA_DIR / "transport")))
# The contribution ledger's automatic entries: a person's edits of one commons
# within this many minutes grow one entry; at most this many automatic
# entries per person in 24 hours.
LEDGER_MERGE_MINUTES = env_int("FABRIQUE_LEDGER_MERGE_MINUTES", 60)
LEDGER_DAILY_AUTOMATIC = env_int("FABRIQUE_LEDGER_DAILY_AUTOMATIC", 50)
# Funding records: the largest amount one record may state, and the earliest
# date (a typo of a year is refused rather than charted).
FUNDING_MAX_AMOUNT = env_int("FABRIQUE_FUNDING_MAX_AMOUNT", 100_000_000)
FUNDING_EARLIEST = datetime.date(1990, 1, 1)
# Receipts of expenses (PDF, PNG, JPEG), at most this many bytes.
FABRIQUE_RECEIPT_MAX_BYTES = env_int("FABRIQUE_RECEIPT_MAX_BYTES", 5 * 1024 * 1024)

TRANSPORT_MAX_UPLOAD = env_int("FABRIQUE_TRANSPORT_MAX_UPLOAD", 500 * 1024 * 1024)
TRANSPORT_FETCH_CONNECT_TIMEOUT = env_int(
    "FABRIQUE_TRANSPORT_FETCH_CONNECT_TIMEOUT", 10
)
TRANSPORT_FETCH_TIMEOUT = env_int("FABRIQUE_TRANSPORT_FETCH_TIMEOUT", 300)
TRANSPORT_FETCH_MAX_REDIRECTS = env_int("FABRIQUE_TRANSPORT_FETCH_MAX_REDIRECTS", 5)
# Let fetches reach private and loopback addresses (tests, intranets).
TRANSPORT_FETCH_ALLOW_PRIVATE = env_bool(
    "FABRIQUE_TRANSPORT_FETCH_ALLOW_PRIVATE", False
)
# GTFS-RT resources with an address are fetched and checked every
# TRANSPORT_REALTIME_EVERY seconds (0: never), or less often when the feed's
# Cache-Control max-age asks; each fetch gives up after
# TRANSPORT_REALTIME_TIMEOUT seconds or TRANSPORT_REALTIME_MAX_BYTES bytes.
# Per-fetch results are kept TRANSPORT_REALTIME_KEEP_DAYS days; followers
# hear when the header is older than TRANSPORT_REALTIME_STALE_SECONDS.
TRANSPORT_REALTIME_EVERY = env_int("FABRIQUE_TRANSPORT_REALTIME_EVERY", 60)
TRANSPORT_REALTIME_TIMEOUT = env_int("FABRIQUE_TRANSPORT_REALTIME_TIMEOUT", 10)
TRANSPORT_REALTIME_MAX_BYTES = env_int(
    "FABRIQUE_TRANSPORT_REALTIME_MAX_BYTES", 32 * 1024 * 1024
)
TRANSPORT_REALTIME_KEEP_DAYS = env_int("FABRIQUE_TRANSPORT_REALTIME_KEEP_DAYS", 30)
TRANSPORT_REALTIME_STALE_SECONDS = env_int(
    "FABRIQUE_TRANSPORT_REALTIME_STALE_SECONDS", 300
)
# On-demand validations (no account) are kept this many hours, then removed.
TRANSPORT_JOB_HOURS = env_int("FABRIQUE_TRANSPORT_JOB_HOURS", 72)

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Fabrique <noreply@localhost>")

# Internationalisation: French by default, English available.
LANGUAGE_CODE = env("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LANGUAGE_FROM_BROWSER = env_bool("LANGUAGE_FROM_BROWSER", False)
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# The language chosen with the switch is remembered for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS: list[str | Path | tuple[str, str | Path]] = [PACKAGE_DIR / "static"]
# Leaflet (maps) from its XStatic package, served as /static/leaflet/ (no CDN).
STATICFILES_DIRS.append(("leaflet", xstatic_leaflet.BASE_DIR))
# Peer nomination: how many members (besides the nominator) second a
# nomination before the badge is awarded.
BADGES_NOMINATION_SECONDS = env_int("FABRIQUE_BADGE_NOMINATION_SECONDS", 2)

# The offline base map (Natural Earth outlines from npm, installed by `npm ci`
# beside package.json): served as /static/basemap/ by its own finder.
FABRIQUE_ASSETS_DIR = Path(
    env("FABRIQUE_ASSETS_DIR", str(PACKAGE_DIR.parent.parent / "node_modules"))
)
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "fabrique.transport.basemap.BasemapFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# The site serves /media/ itself (fabrique.core.media); 0 when a proxy does.
SERVE_MEDIA = env_bool("FABRIQUE_SERVE_MEDIA", True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: bounded in size; images are checked by content in core.uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FABRIQUE_MAX_IMAGE_BYTES = env_int("FABRIQUE_MAX_IMAGE_BYTES", 5 * 1024 * 1024)
FABRIQUE_MAX_IMAGE_PIXELS = env_int("FABRIQUE_MAX_IMAGE_PIXELS", 40_000_000)

# Rate limits, as "count/seconds"; set RATELIMIT_ENABLED=0 to switch them off.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
RATELIMIT_SIGNUP = env("RATELIMIT_SIGNUP", "5/3600")
RATELIMIT_LOGIN = env("RATELIMIT_LOGIN", "10/300")
# Failed sign-ins allowed per username in a window ("count/seconds"); the
# username is then locked for as long as the window.
LOGIN_LOCKOUT = env("LOGIN_LOCKOUT", "5/900")
RATELIMIT_API_WRITE = env("RATELIMIT_API_WRITE", "120/60")
RATELIMIT_REPORT = env("RATELIMIT_REPORT", "20/3600")
RATELIMIT_TRANSPORT_VALIDATE = env("RATELIMIT_TRANSPORT_VALIDATE", "20/3600")
RATELIMIT_GEOCODER_CSV = env("RATELIMIT_GEOCODER_CSV", "300/3600")
RATELIMIT_GBFS_MAP = env("RATELIMIT_GBFS_MAP", "600/3600")
RATELIMIT_STANDARDS_VALIDATE = env("RATELIMIT_STANDARDS_VALIDATE", "60/3600")
# Largest metadata file the check page reads (bytes); the CLI has no such cap.
STANDARDS_VALIDATE_MAX_BYTES = env_int("STANDARDS_VALIDATE_MAX_BYTES", 2 * 1024**2)
# Heavy anonymous requests (CSV geocoding, on-demand validation, metadata
# checks, GBFS maps)
# one client may have running at once; a slot is freed after its lease at
# the latest, even if the process holding it died.
CONCURRENCY_HEAVY_PER_CLIENT = env_int("CONCURRENCY_HEAVY_PER_CLIENT", 2)
CONCURRENCY_LEASE_SECONDS = env_int("CONCURRENCY_LEASE_SECONDS", 300)
# Proxies in front of the site (each appends to X-Forwarded-For); 0 = none.
RATELIMIT_PROXY_COUNT = env_int("RATELIMIT_PROXY_COUNT", 0)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The site is reached over HTTPS (on when SECURE_SSL_REDIRECT is): browsers
# are then told to keep to HTTPS (HSTS, one year unless SECURE_HSTS_SECONDS
# says otherwise). Behind a proxy that terminates TLS, set
# FABRIQUE_PROXY_SSL_HEADER=1 so that its X-Forwarded-Proto is believed.
TLS = env_bool("FABRIQUE_TLS", SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if env_bool("FABRIQUE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'",
)


def extend_img_src(policy: str, tiles: str) -> str:
    """Allow the host of a tile URL template in the policy's ``img-src``.

    ``{s}`` sub-domains become a wildcard:
    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` allows
    ``https://*.tile.example.org``.
    """
    scheme, _sep, rest = tiles.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    if scheme not in {"http", "https"} or not host or "{" in host:
        raise ImproperlyConfigured(
            f"FABRIQUE_MAP_TILES={tiles!r}: expected an http(s) URL template "
            "such as https://tile.example.org/{z}/{x}/{y}.png"
        )
    origin = f"{scheme}://{host}"
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "img-src":
            directives[index] = f"{directive} {origin}"
            break
    else:
        directives.append(f"img-src 'self' data: {origin}")
    return "; ".join(directives)


# Maps draw the data on a plain background; a tile layer is added only when
# FABRIQUE_MAP_TILES names one (a URL template), and its host is then allowed
# in the policy's img-src.
MAP_TILES = env("FABRIQUE_MAP_TILES", "")


# Countries whose first-level subdivisions are outlined on the offline base
# map (ISO 3166-1 alpha-3 codes, comma-separated; empty: countries only).
def map_regions(value: str) -> list[str]:
    """Country codes of ``FABRIQUE_MAP_REGIONS``, lower case, checked."""
    codes = [code.strip().lower() for code in value.split(",") if code.strip()]
    for code in codes:
        if len(code) != 3 or not code.isalpha() or not code.isascii():
            raise ImproperlyConfigured(
                f"FABRIQUE_MAP_REGIONS: {code!r} is not an ISO 3166-1 alpha-3 "
                "code such as FRA or CAN"
            )
    return codes


MAP_REGIONS = map_regions(env("FABRIQUE_MAP_REGIONS", "FRA"))
MAP_TILES_ATTRIBUTION = env("FABRIQUE_MAP_TILES_ATTRIBUTION", "")
if MAP_TILES and CONTENT_SECURITY_POLICY:
    CONTENT_SECURITY_POLICY = extend_img_src(CONTENT_SECURITY_POLICY, MAP_TILES)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "fabrique.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "fabrique.accounts.adapters.SocialAccountAdapter"
# Our own pages carry the password sign-in and the sign-up (with the charter
# and its confirmation e-mail); allauth brings the providers, the second
# factors and the sessions, and its pages are styled with ours.
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# An address may be shared, as on the sign-up page (its holders are warned):
# refusing it would tell anyone who has an account.
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_LOGOUT_ON_GET = False


def allauth_rate(value: str, per: str) -> str:
    """Our "count/seconds" as allauth writes it: ``"10/300s/ip"``."""
    count, _sep, seconds = value.partition("/")
    return f"{count}/{seconds}s/{per}"


# allauth's flows (second factors, provider sign-in, e-mail changes) are
# limited like ours, from the same settings.
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login": allauth_rate(RATELIMIT_LOGIN, "ip"),
    "login_failed": allauth_rate(RATELIMIT_LOGIN, "ip")
    + ","
    + allauth_rate(LOGIN_LOCKOUT, "key"),
    "signup": allauth_rate(RATELIMIT_SIGNUP, "ip"),
    "reauthenticate": allauth_rate(RATELIMIT_LOGIN, "user"),
    "manage_email": allauth_rate(RATELIMIT_LOGIN, "user"),
    "reset_password": allauth_rate(RATELIMIT_LOGIN, "ip"),
}
# Passkey sign-ins: as many attempts per client as password sign-ins.
MFA_RATE_LIMITS: dict[str, str] | bool = {
    "webauthn_login": allauth_rate(RATELIMIT_LOGIN, "ip")
}
if not RATELIMIT_ENABLED:
    ACCOUNT_RATE_LIMITS = False
    MFA_RATE_LIMITS = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_FORMS = {"signup": "fabrique.accounts.forms.ProviderSignupForm"}
# A provider's account is joined to an existing one only when the provider
# asserts the address as verified (email_verified) and that address is the
# confirmed address of the account; otherwise the person signs in first and
# links the provider from the profile page.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False


def oidc_providers(value: str) -> list[dict]:
    """The OpenID Connect providers of ``FABRIQUE_OIDC_PROVIDERS`` (a JSON list)."""
    import json

    if not value.strip():
        return []
    try:
        items = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"FABRIQUE_OIDC_PROVIDERS is not JSON: {exc}"
        ) from exc
    if not isinstance(items, list):
        raise ImproperlyConfigured("FABRIQUE_OIDC_PROVIDERS: expected a JSON list")
    apps = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ImproperlyConfigured(
                f"FABRIQUE_OIDC_PROVIDERS[{index}]: expected an object"
            )
        missing = {"id", "issuer", "client_id"} - item.keys()
        if missing:
            names = ", ".join(sorted(missing))
            raise ImproperlyConfigured(
                f"FABRIQUE_OIDC_PROVIDERS[{index}]: missing {names}"
            )
        if not str(item["id"]).replace("-", "").isalnum():
            raise ImproperlyConfigured(
                f"FABRIQUE_OIDC_PROVIDERS[{index}]: id {item['id']!r} must be "
                "letters, digits and dashes (it is part of the callback address)"
            )
        app_settings: dict = {
            "server_url": str(item["issuer"]).rstrip("/"),
            "oauth_pkce_enabled": bool(item.get("pkce", True)),
            "fetch_userinfo": bool(item.get("fetch_userinfo", True)),
            "email_authentication": bool(item.get("email_authentication", True)),
        }
        if item.get("scopes"):
            app_settings["scope"] = list(item["scopes"])
        auth_params = dict(item.get("auth_params", {}))
        if item.get("acr_values"):
            auth_params["acr_values"] = str(item["acr_values"])
        app_settings["auth_params"] = auth_params
        if item.get("token_auth_method"):
            app_settings["token_auth_method"] = item["token_auth_method"]
        apps.append(
            {
                "provider_id": str(item["id"]),
                "name": str(item.get("label") or item["id"]),
                "client_id": str(item["client_id"]),
                "secret": str(item.get("client_secret", "")),
                "settings": app_settings,
            }
        )
    return apps


# OpenID Connect providers (README: FABRIQUE_OIDC_PROVIDERS), each a button on
# the sign-in page.
OIDC_PROVIDERS = oidc_providers(env("FABRIQUE_OIDC_PROVIDERS", ""))
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "fabrique.accounts.oidc.provider.FabriqueOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": OIDC_PROVIDERS,
    }
}


def extend_form_action(policy: str, urls: list[str]) -> str:
    """Allow the origins of ``urls`` in the policy's ``form-action``: signing
    in or out at a provider is a form whose answer redirects there."""
    origins = []
    for url in urls:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in {"http", "https"} and origin not in origins:
            origins.append(origin)
    if not policy or not origins:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0] == "form-action":
            directives[index] = " ".join([directive, *origins])
            break
    else:
        return policy  # no form-action: forms may go anywhere already
    return "; ".join(directives)


CONTENT_SECURITY_POLICY = extend_form_action(
    CONTENT_SECURITY_POLICY,
    [app["settings"]["server_url"] for app in OIDC_PROVIDERS],
)
# Second factors: an authenticator app (TOTP), passkeys (WebAuthn), recovery
# codes; a passkey alone signs in.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = SITE_NAME
# Local development over http://127.0.0.1 (browsers allow WebAuthn there).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# Staff, moderators and administrators must add a second factor before using
# the site when this is on.
REQUIRE_2FA_FOR_STAFF = env_bool("FABRIQUE_REQUIRE_2FA_FOR_STAFF", False)
# Sessions are recorded when one signs in (and listed on the profile page);
# not updated on every request, which would make each page view a write:
# slower, and a full disk would then fail reads too.
USERSESSIONS_TRACK_ACTIVITY = False


def idp_keys(value: str, data_dir: Path, *, production: bool) -> list[dict]:
    """The signing keys of ``FABRIQUE_IDP_KEYS`` as allauth takes them.

    A JSON list of ``{"file": "key.pem", "issued_at": "2026-12-01"}`` (and
    optionally ``not_before``, ``expires_at``): the most recently issued key
    signs; older ones stay published for verification until they expire.
    Outside production with none given, one development key is made in the
    data folder.
    """
    import json

    if not value.strip():
        if production:
            return []
        path = data_dir / "idp" / "development-key.pem"
        if not path.exists():
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.tmp")
            part.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            part.replace(path)
        return [{"pem": path.read_text()}]
    try:
        items = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"FABRIQUE_IDP_KEYS is not JSON: {exc}") from exc
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and "file" in item for item in items
    ):
        raise ImproperlyConfigured(
            'FABRIQUE_IDP_KEYS: expected a JSON list of {"file": ..., "issued_at": ...}'
        )
    keys = []
    for item in items:
        try:
            pem = Path(item["file"]).read_text()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"FABRIQUE_IDP_KEYS: cannot read {item['file']}: {exc}"
            ) from exc
        key = {"pem": pem}
        for field in ("issued_at", "not_before", "expires_at"):
            if item.get(field):
                key[field] = item[field]
        keys.append(key)
    return keys


# The instance as OpenID provider of the network (allauth.idp.oidc): other
# instances list it in their FABRIQUE_OIDC_PROVIDERS; clients are registered
# in the admin. Off in production until keys are given.
IDP_OIDC_PRIVATE_KEYS = idp_keys(
    env("FABRIQUE_IDP_KEYS", ""), DATA_DIR, production=PRODUCTION
)
IDP_ENABLED = bool(IDP_OIDC_PRIVATE_KEYS)
IDP_OIDC_ADAPTER = "fabrique.accounts.identity.IdentityProviderAdapter"
IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN = 60
if IDP_ENABLED:
    INSTALLED_APPS.append("allauth.idp.oidc")

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Product settings.
FABRIQUE_PAGE_SIZE = env_int("FABRIQUE_PAGE_SIZE", 20)
FABRIQUE_SEARCH_BACKEND = env("FABRIQUE_SEARCH_BACKEND", "")  # "" = by database
# Seats in a micro-challenge's community (SPEC §2: 15 to 20 people).
FABRIQUE_CHALLENGE_CAP = env_int("FABRIQUE_CHALLENGE_CAP", 18)
if not 15 <= FABRIQUE_CHALLENGE_CAP <= 20:
    raise ImproperlyConfigured(
        f"FABRIQUE_CHALLENGE_CAP={FABRIQUE_CHALLENGE_CAP}: expected 15 to 20"
    )
# The least a community needs before it may be declared formed: field actors
# ready to try things in real use, and makers (producers) to build them.
FABRIQUE_CHALLENGE_MIN_FIELD = env_int("FABRIQUE_CHALLENGE_MIN_FIELD", 5)
FABRIQUE_CHALLENGE_MIN_MAKERS = env_int("FABRIQUE_CHALLENGE_MIN_MAKERS", 1)
if not (
    FABRIQUE_CHALLENGE_MIN_FIELD >= 0
    and FABRIQUE_CHALLENGE_MIN_MAKERS >= 0
    and FABRIQUE_CHALLENGE_MIN_FIELD + FABRIQUE_CHALLENGE_MIN_MAKERS
    <= FABRIQUE_CHALLENGE_CAP
):
    raise ImproperlyConfigured(
        "FABRIQUE_CHALLENGE_MIN_FIELD and FABRIQUE_CHALLENGE_MIN_MAKERS: expected "
        "numbers from 0 whose sum fits in FABRIQUE_CHALLENGE_CAP"
    )

# Open data dump (SPEC §3): one archive of everything public, rebuilt by a
# periodic task into FABRIQUE_DUMP_DIR, under the instance's data licence.
FABRIQUE_DUMP_DIR = Path(env("FABRIQUE_DUMP_DIR", str(DATA_DIR / "dumps")))
FABRIQUE_DATA_LICENCE = env("FABRIQUE_DATA_LICENCE", "ODbL-1.0")
FABRIQUE_DUMP_EVERY = env_int("FABRIQUE_DUMP_EVERY", 24 * 3600)
# Tasks that enqueue their own next run: task path -> seconds between runs.
FABRIQUE_PERIODIC_TASKS = {
    "fabrique.badges.tasks.evaluate_badge_rules": env_int(
        "FABRIQUE_BADGE_RULES_EVERY", 900
    ),
    "fabrique.notifications.digests.send_due_digests": 3600,
    "fabrique.projects.dump.rebuild_dump": FABRIQUE_DUMP_EVERY,
    "fabrique.transport.recovery.recover_stuck": env_int("FABRIQUE_RECOVER_EVERY", 60),
    "fabrique.transport.ondemand.purge_expired_jobs": 3600,
    "fabrique.transport.tasks.warn_expiring_datasets": 86_400,
    "fabrique.federation.tasks.harvest_due": env_int("FEDERATION_HARVEST_TICK", 60),
}
# Network of instances (fabrique.federation): how this instance describes
# itself at /.well-known/fabrique-instance, its signing key, and the bounds
# of one harvest run (pages, bytes per page, seconds).
FEDERATION_REGION = env("FEDERATION_REGION", "")
FEDERATION_CONTACT = env("FEDERATION_CONTACT", "")
_position = env("FEDERATION_POSITION", "")
try:
    FEDERATION_POSITION = (
        (float(_position.split(",")[0]), float(_position.split(",")[1]))
        if _position
        else None
    )
except (ValueError, IndexError) as _exc:
    raise ImproperlyConfigured(
        f"FEDERATION_POSITION={_position!r}: expected latitude,longitude"
    ) from _exc
FEDERATION_KEY_FILE = Path(
    env("FEDERATION_KEY_FILE", str(DATA_DIR / "federation" / "instance-key.pem"))
)
FEDERATION_TOMBSTONE_DAYS = env_int("FEDERATION_TOMBSTONE_DAYS", 90)
FEDERATION_MAX_PAGES = env_int("FEDERATION_MAX_PAGES", 2000)
FEDERATION_MAX_PAGE_BYTES = env_int("FEDERATION_MAX_PAGE_BYTES", 20 * 1024**2)
FEDERATION_HARVEST_SECONDS = env_int("FEDERATION_HARVEST_SECONDS", 1800)
if TRANSPORT_REALTIME_EVERY > 0:
    FABRIQUE_PERIODIC_TASKS["fabrique.transport.tasks.fetch_realtime_feeds"] = (
        TRANSPORT_REALTIME_EVERY
    )
# A check (feed version, on-demand validation) whose worker gave no heartbeat
# for TRANSPORT_TASK_LEASE seconds is run again, TRANSPORT_TASK_ATTEMPTS runs
# in all, then failed with the reason (fabrique.transport.recovery).
TRANSPORT_TASK_LEASE = env_int("FABRIQUE_TRANSPORT_TASK_LEASE", 300)
TRANSPORT_TASK_ATTEMPTS = env_int("FABRIQUE_TRANSPORT_TASK_ATTEMPTS", 3)
# On-demand validations one client (address) may have queued or running at
# once; beyond, the page and the API answer 429. Off with RATELIMIT_ENABLED=0.
TRANSPORT_VALIDATIONS_PER_CLIENT = env_int("TRANSPORT_VALIDATIONS_PER_CLIENT", 3)

# NeTEx XML Schema folder (``fabrique netex xsd install``); the schema is GPL
# and installed apart. Empty: the user cache folder; missing: schema skipped.
NETEX_XSD_DIR = env("NETEX_XSD_DIR")
