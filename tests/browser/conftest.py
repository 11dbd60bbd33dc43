"""Browser tests: Playwright drives the system's headless Chromium (it never downloads a browser)
against the real app, served by werkzeug in a background thread on 127.0.0.1 and a free port, with
the demo data loaded into the test database (SQLite, or the PostgreSQL server DATABASE_URL names).

A failing test leaves a full-page screenshot in ``test-artifacts/`` (git-ignored).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from core.extensions import db as _db
from tests.catalogues import ROOT, compile_catalogues
from tests.conftest import _empty_tables, make_app

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@dataclass
class LiveServer:
    app: Flask
    url: str  # http://127.0.0.1:<port>, without a trailing slash

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(_schema):
    """The app with empty tables plus the demo data, served until the test ends."""
    from tests.conftest import load_demo_data

    compile_catalogues()
    app = make_app(_schema)
    with app.app_context():
        _empty_tables()
        load_demo_data()
        _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free port
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(page, request):
    """pytest-playwright's page, failing fast, and photographed when the test fails."""
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid).strip("_")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in_in_english(page, live_server, email: str = "koordinator@middelfart.dk", slug: str = "middelfart",
                       password: str | None = None) -> None:
    """Sign in through the login page after switching it to English (the demo password unless
    ``password`` is given); waits for the front page."""
    from playwright.sync_api import expect

    from core.demo import DEMO_PASSWORD

    page.goto(live_server(f"/{slug}/login"))
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(live_server(f"/{slug}/"))
    page.wait_for_load_state("load")
