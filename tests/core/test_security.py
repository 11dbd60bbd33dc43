"""Safe production defaults (core/config.py, core/security.py): no start without a secret key of its
own outside development and testing, the instance's key file, secure cookies and HSTS over HTTPS,
the proxy in front, and the security headers of every answer with a CSP that needs no inline code.
"""
from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from core import create_app
from core.config import DEFAULT_SECRET_KEY, InsecureConfiguration, parse_proxy_fix
from core.security import CONTENT_SECURITY_POLICY
from tests.catalogues import ROOT
from tests.conftest import RequestIsolatedClient

GOOD_KEY = "k" * 48


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The environment of a production server: no MENTORKORPS_ENV, no SECRET_KEY, FLASK_DEBUG or
    PROXY_FIX, and an empty instance folder of its own (so no key file of this checkout counts)."""
    for name in ("MENTORKORPS_ENV", "SECRET_KEY", "FLASK_DEBUG", "PROXY_FIX", "SECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(instance))
    return instance


def production_app(database_url, **config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False, **config})
    app.test_client_class = RequestIsolatedClient
    return app


# ---- the secret key ------------------------------------------------------------------------

@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, None, "", "short-key-of-31-characters-xxxx"])
def test_production_refuses_to_start_with_the_default_a_missing_or_a_short_key(production, database_url, key):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": key})


def test_production_refuses_to_start_with_only_the_built_in_default(production, database_url):
    with pytest.raises(InsecureConfiguration, match="published default"):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def test_production_starts_with_a_key_from_the_environment(production, database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    assert app.config["SECRET_KEY"] == GOOD_KEY


@pytest.mark.parametrize("how", ["TESTING", "DEBUG", "development", "testing"])
def test_development_and_testing_may_use_the_default_key(production, database_url, monkeypatch, how):
    config = {"SQLALCHEMY_DATABASE_URI": database_url}
    if how.isupper():
        config[how] = True
    else:
        monkeypatch.setenv("MENTORKORPS_ENV", how)
    app = create_app(config)
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_another_environment_name_is_production(production, database_url, monkeypatch):
    monkeypatch.setenv("MENTORKORPS_ENV", "staging")
    with pytest.raises(InsecureConfiguration):
        create_app({"SQLALCHEMY_DATABASE_URI": database_url})


def test_the_instance_key_is_made_once_and_used_by_the_app(production, database_url):
    """`make instance-key` (scripts/instance_key.py) writes a random key once, readable by the owner
    only; create_app started from the checkout (flask run, gunicorn, the CLI) reads it."""
    key_file = production / "secret_key"
    script = [sys.executable, str(ROOT / "scripts" / "instance_key.py"), str(key_file)]
    subprocess.run(script, check=True, capture_output=True, timeout=60)
    key = key_file.read_text().strip()
    assert len(key) >= 48 and key != DEFAULT_SECRET_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    subprocess.run(script, check=True, capture_output=True, timeout=60)
    assert key_file.read_text().strip() == key  # never replaced: that would sign everybody out

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})  # production, no SECRET_KEY given
    assert app.config["SECRET_KEY"] == key

    other = subprocess.run(script[:2] + [str(production.parent / "other" / "secret_key")], check=True,
                           capture_output=True, timeout=60)
    assert other.returncode == 0
    assert (production.parent / "other" / "secret_key").read_text().strip() != key


def test_the_environment_key_wins_over_the_instance_key(production, database_url, monkeypatch):
    (production / "secret_key").write_text("i" * 40)
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    assert create_app({"SQLALCHEMY_DATABASE_URI": database_url}).config["SECRET_KEY"] == GOOD_KEY


def test_the_makefile_gives_run_migrate_and_serve_the_instance_key():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^instance/secret_key:\n\t.*scripts/instance_key\.py", makefile, re.M)
    assert re.search(r"^migrate:.*\binstance-key\b", makefile, re.M)  # run and serve go through migrate
    assert re.search(r"^run:.*\n(\t.*\n)*\tMENTORKORPS_ENV=development ", makefile, re.M)
    assert "instance/" in (ROOT / ".gitignore").read_text().split()


# ---- cookies, HTTPS and the proxy ------------------------------------------------------------

def test_production_cookies_are_secure_and_testing_ones_are_not(production, database_url, tenant):
    app = production_app(database_url, SECRET_KEY=GOOD_KEY)
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get(f"/{tenant.slug}/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    testing = production_app(database_url, TESTING=True)
    assert testing.config["SESSION_COOKIE_SECURE"] is False


def test_an_explicit_cookie_setting_wins_and_secure_cookies_0_turns_them_off(production, database_url, monkeypatch):
    assert production_app(database_url, SECRET_KEY=GOOD_KEY, SESSION_COOKIE_SECURE=False).config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("SECURE_COOKIES", "0")
    app = production_app(database_url, SECRET_KEY=GOOD_KEY)
    assert app.config["SESSION_COOKIE_SECURE"] is False and app.config["REMEMBER_COOKIE_SECURE"] is False
    monkeypatch.setenv("SECURE_COOKIES", "maybe")
    with pytest.raises(ValueError):
        production_app(database_url, SECRET_KEY=GOOD_KEY)


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    hsts = client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts) and int(hsts.split("=")[1].split(";")[0]) >= 31536000


def test_forwarded_https_counts_only_with_proxy_fix(app, database_url):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" not in app.test_client().get("/", headers=forwarded).headers  # forgeable

    behind_proxy = production_app(database_url, TESTING=True, PROXY_FIX={"x_for": 1, "x_proto": 1})
    seen = {}

    @behind_proxy.get("/__probe_address")
    def probe_address():
        from flask import request

        seen.update(address=request.remote_addr, scheme=request.scheme)
        return ""

    behind_proxy.config.setdefault("PUBLIC_ENDPOINTS", set()).add("probe_address")
    response = behind_proxy.test_client().get("/__probe_address", headers=forwarded)
    assert response.status_code == 200 and "Strict-Transport-Security" in response.headers
    assert seen == {"address": "203.0.113.9", "scheme": "https"}


def test_proxy_fix_from_the_environment(production, monkeypatch):
    assert parse_proxy_fix("x_for=1, x_proto=1") == {"x_for": 1, "x_proto": 1}
    for wrong in ("x_forr=1", "x_for=one", "x_for=²"):
        with pytest.raises(ValueError):
            parse_proxy_fix(wrong)
    monkeypatch.setenv("PROXY_FIX", "x_for=2,x_proto=1")
    from core.config import environment_overrides

    assert environment_overrides()["PROXY_FIX"] == {"x_for": 2, "x_proto": 1}


# ---- headers of every answer ---------------------------------------------------------------

def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_the_content_security_policy_is_strict():
    policy = _directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert policy[directive] == ["'self'"], directive  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    for values in policy.values():
        assert not any(v.startswith(("'unsafe", "'nonce", "'sha", "http:", "https:", "*")) for v in values)


def _answers(client, tenant, api_headers):
    """A page, a form that failed, an API answer, an API error, a 404, the OpenAPI document."""
    return {
        "page": client.get(f"/{tenant.slug}/"),
        "login page": client.get(f"/{tenant.slug}/login"),
        "api list": client.get(f"/api/v1/{tenant.slug}/volunteers", headers=api_headers),
        "api 401": client.get(f"/api/v1/{tenant.slug}/volunteers"),
        "not found": client.get("/no-such-page/at-all"),
        "openapi": client.get("/api/v1/openapi.json"),
    }


def test_every_answer_carries_the_security_headers_and_no_store(app, signed_in, tenant):
    from tests.conftest import api_token

    answers = _answers(signed_in, tenant, api_token(app.test_client(), signed_in.user))
    assert answers["page"].status_code == 200 and answers["api list"].status_code == 200
    for name, response in answers.items():
        headers = response.headers
        assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, name
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), name
        assert headers.get("Cache-Control") == "no-store", name
        assert "Server" not in headers, name  # the app names no software (gunicorn.conf.py for the server)


def test_static_files_may_be_cached_but_carry_the_headers(client):
    for path in ("/static/mentorkorps.js", "/static/mentorkorps.css", "/assets/dkfds/js/dkfds.min.js",
                 "/assets/chartjs/chart.umd.min.js", "/static/reports.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


# Inline code the policy would block: a <script> without src, a <style> element, an on...= event
# handler attribute, a style= attribute, a javascript: URL.
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\son[a-z]+\s*=\s*[\"']|\sstyle\s*=|javascript:", re.I)


def _templates():
    for folder in ("core", "plugins", "municipalities"):
        yield from (ROOT / folder).rglob("*.html")


def test_no_template_needs_unsafe_inline():
    """The CSP has no 'unsafe-inline': behaviour and looks live in core/static, never in a page."""
    templates = list(_templates())
    assert len(templates) > 20
    found = [f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for path in templates for text in [path.read_text(encoding="utf-8")] for m in INLINE.finditer(text)]
    assert not found, "\n".join(found)


def test_the_inline_check_finds_inline_code():
    for snippet in ('<script>alert(1)</script>', '<a href="#" onclick="go()">', '<dd style="color: red">',
                    '<style>p {}</style>', '<a href="javascript:void(0)">'):
        assert INLINE.search(snippet), snippet
    for snippet in ('<script src="/static/x.js"></script>', '<link rel="stylesheet" href="x.css">',
                    '<p class="mk-pre-line">', '<button data-onclick="x">'):
        assert not INLINE.search(snippet), snippet


def test_the_volunteer_page_renders_without_inline_styles(app, signed_in, tenant):
    """The profile used style= attributes; it now uses classes of core/static/mentorkorps.css."""
    from core.volunteers import services
    from tests.core.volunteers.helpers import as_tenant

    with as_tenant(tenant):
        volunteer_id = services.create_volunteer({"name": "Mette Mentor", "competences": "Lytter\nTålmodig"}).id
    response = signed_in.get(f"/{tenant.slug}/volunteers/{volunteer_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-testid="profile"' in page and "mk-pre-line" in page
    assert not INLINE.search(page), INLINE.search(page).group(0)
    css = (ROOT / "core" / "static" / "mentorkorps.css").read_text()
    assert ".mk-pre-line { white-space: pre-line; }" in css and ".mk-facts.mk-profile" in css
