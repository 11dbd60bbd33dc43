"""Configuration defaults. ``instance/config.py``, the instance's key file and the environment
override them (see :func:`core.create_app` for the order).

Production is the default. Development and testing are named explicitly: ``TESTING`` or ``DEBUG``
in the configuration, or ``MENTORKORPS_ENV=development`` (``make run`` sets it) or
``MENTORKORPS_ENV=testing`` (the test suite sets it) in the environment. Only there may the app
start without a secret key of its own, and only there are cookies sent over plain HTTP.
"""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The placeholder key: anyone who has read this file can sign a session cookie with it.
DEFAULT_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32
# The file in the instance folder that `make run` (scripts/instance_key.py) writes once.
SECRET_KEY_FILE = "secret_key"
NON_PRODUCTION_ENVIRONMENTS = ("development", "testing")


class DefaultConfig:
    SECRET_KEY = DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = None  # set from DATABASE_URL or the instance folder in create_app
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("da", "en")

    # CSRF is checked by the access enforcement point (core.access), after tenant and role checks,
    # so that a request to another tenant's URL is answered 404 before anything else.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_TIME_LIMIT = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Cookies only over HTTPS. ``None`` means: on in production, off in development and testing
    # (which serve plain http://127.0.0.1). Set True/False to decide yourself; the environment
    # variable SECURE_COOKIES=0 turns both off (a production server measured over plain HTTP on
    # 127.0.0.1, as `make bench` does; never behind a public address).
    SESSION_COOKIE_SECURE = None
    REMEMBER_COOKIE_SECURE = None
    # Server-side sessions (core.accounts.models.UserSession): last_seen_at is written at most this
    # often per session, so a page view normally writes nothing.
    SESSION_TOUCH_SECONDS = 300
    # A session ends after this long without a request, and this long after signing in at most.
    SESSION_IDLE_SECONDS = 12 * 3600
    SESSION_MAX_AGE_SECONDS = 14 * 24 * 3600

    # The reverse proxy in front of the app: how many proxies set each X-Forwarded-* header
    # (werkzeug's ProxyFix), e.g. {"x_for": 1, "x_proto": 1}. ``None``: no proxy, the headers are
    # ignored (a client could forge them). The environment variable PROXY_FIX="x_for=1,x_proto=1"
    # sets it too. With it, a request that reached the proxy over HTTPS counts as secure (HSTS,
    # secure cookies).
    PROXY_FIX = None
    # Strict-Transport-Security on HTTPS answers (seconds); 0 leaves the header out.
    HSTS_MAX_AGE = 63072000  # two years

    API_TITLE = "Mentorkorps API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = "docs"
    OPENAPI_REDOC_URL = None  # no CDN on a closed network; the JSON document is the contract

    API_TOKEN_DAYS = 90
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "10 per minute"

    PAGE_SIZE = 50
    DKFDS_DIST = str(PROJECT_ROOT / "node_modules" / "dkfds" / "dist")
    CHARTJS_DIST = str(PROJECT_ROOT / "node_modules" / "chart.js" / "dist")


PROXY_FIX_KEYS = ("x_for", "x_proto", "x_host", "x_port", "x_prefix")


def parse_proxy_fix(value: str) -> dict:
    """``"x_for=1,x_proto=1"`` -> ``{"x_for": 1, "x_proto": 1}``; a wrong spelling is refused."""
    counts = {}
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        key, _, number = part.partition("=")
        key = key.strip().lower()
        if key not in PROXY_FIX_KEYS or not number.strip().isascii() or not number.strip().isdigit():
            raise ValueError(f"PROXY_FIX: {part!r} is not one of {', '.join(k + '=N' for k in PROXY_FIX_KEYS)}")
        counts[key] = int(number)
    return counts


def environment_overrides() -> dict:
    """Settings taken from the environment (never from a client)."""
    overrides = {}
    if os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("PROXY_FIX"):
        overrides["PROXY_FIX"] = parse_proxy_fix(os.environ["PROXY_FIX"])
    if os.environ.get("SECURE_COOKIES"):
        secure = parse_flag("SECURE_COOKIES", os.environ["SECURE_COOKIES"])
        overrides["SESSION_COOKIE_SECURE"] = overrides["REMEMBER_COOKIE_SECURE"] = secure
    return overrides


def parse_flag(name: str, value: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name}: {value!r} is neither 1/true/yes/on nor 0/false/no/off")


def instance_secret_key(instance_path: str) -> str | None:
    """The key in ``<instance>/secret_key`` (written once by ``make run``), if there is one."""
    try:
        key = (Path(instance_path) / SECRET_KEY_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return key or None


def is_non_production(config) -> bool:
    """Development or testing, named explicitly (see the module's docstring)."""
    env = os.environ.get("MENTORKORPS_ENV", "").strip().lower()
    return bool(config.get("TESTING") or config.get("DEBUG") or env in NON_PRODUCTION_ENVIRONMENTS)


class InsecureConfiguration(RuntimeError):
    """The app refuses to start: the configuration would let anyone forge a session."""


def check_secret_key(config) -> None:
    """Refuse a missing, default or short ``SECRET_KEY`` outside development and testing."""
    if is_non_production(config):
        return
    key = config.get("SECRET_KEY")
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    if not key or key == DEFAULT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        reason = "is not set" if not key else ("is the published default" if key == DEFAULT_SECRET_KEY
                                                else f"is shorter than {MIN_SECRET_KEY_LENGTH} characters")
        raise InsecureConfiguration(
            f"SECRET_KEY {reason}: with it anyone can forge a session. Set SECRET_KEY in the environment "
            f"or in instance/config.py to a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))'), or create the instance's "
            f"key file with `make instance-key` (instance/{SECRET_KEY_FILE}). For development set "
            "MENTORKORPS_ENV=development.")


def resolve_cookie_security(config) -> None:
    """Secure cookies by default in production; development and testing serve plain HTTP."""
    secure = not is_non_production(config)
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(name) is None:
            config[name] = secure
