"""Configuration defaults. ``instance/config.py`` and the environment override them."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    SECRET_KEY = "dev-only-secret-change-me"
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


def environment_overrides() -> dict:
    """Settings taken from the environment (never from a client)."""
    overrides = {}
    if os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
    return overrides
