"""Safe production defaults: the start-up check of the secret key, the proxy in front, secure
cookies and the security headers of every answer.

- :func:`init_app` runs first in :func:`core.create_app`, right after the configuration is read:
  outside development and testing it refuses a missing, default or short ``SECRET_KEY``
  (:func:`core.config.check_secret_key`), turns secure cookies on, and installs werkzeug's
  ``ProxyFix`` when ``PROXY_FIX`` names the proxies in front.
- :func:`security_headers` (``after_request``) sets on every answer a strict Content-Security-Policy
  (scripts, styles, fonts and images from this origin only: no inline script or style, so pages
  keep their scripts in ``core/static``), ``X-Content-Type-Options: nosniff``, no framing, a
  ``Referrer-Policy``, and ``Cache-Control: no-store`` on everything but static files, since pages
  and API answers carry personal data. HSTS is added when the request came over HTTPS.

The server-side session store (one row per signed-in browser) is ``UserSession`` in
:mod:`core.accounts.models`, used by :mod:`core.accounts.services` (``sign_in``, ``sign_out``,
``user_for_session``).
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from core.config import check_secret_key, resolve_cookie_security

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # DKFDS' stylesheet draws a few icons from data: URIs
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # "same-origin", not "no-referrer": Flask-WTF's CSRF check of an HTTPS form compares the
    # Referer with the host, and another site never learns which page a link was on.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Endpoints that serve files from the repository (no personal data): the browser may cache them.
STATIC_ENDPOINTS = frozenset({"static", "dkfds.static", "chartjs.static"})


def init_app(app: Flask) -> None:
    """Check the configuration and install the proxy fix and the headers (see the module)."""
    check_secret_key(app.config)
    resolve_cookie_security(app.config)
    proxies = app.config.get("PROXY_FIX")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, **{key: int(count) for key, count in dict(proxies).items()})
    app.after_request(security_headers)


def security_headers(response):
    """``after_request``: the headers every answer carries (see the module's docstring)."""
    from flask import current_app

    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    max_age = int(current_app.config.get("HSTS_MAX_AGE") or 0)
    if request.is_secure and max_age > 0:
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}; includeSubDomains"
    return response
