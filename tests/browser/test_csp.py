"""The Content-Security-Policy in a real browser: every page a coordinator, a mentor and the
platform admin reach renders, and runs its scripts (DKFDS' components), with no violation of the
policy (core/security.py), which allows no inline script or style."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.demo import DEMO_PASSWORD
from core.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.browser

# Reports every violation of the policy (blocked or not) into window.__cspViolations; an init
# script runs through the DevTools protocol, outside the page's policy.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || document.location.pathname}:${e.lineNumber}`));
"""


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def _visit(page: Page, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert response.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY
    page.wait_for_load_state("load")
    # The layout's script ran (it is a file of core/static, allowed by script-src 'self').
    expect(page.locator("html.mk-js")).to_have_count(1)
    problems.extend(f"{url}: {v}" for v in page.evaluate("window.__cspViolations"))


def _sign_in(page: Page, live_server, email: str, login_path: str = "/middelfart/login") -> None:
    page.goto(live_server(login_path))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def _links(page: Page, prefix: str) -> list[str]:
    """The pages a user reaches from here: every link in the page to a path under ``prefix``."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    return sorted({h.split("#")[0] for h in hrefs if h.startswith(prefix) and "/logout" not in h and "/export" not in h})


def test_the_coordinators_pages_keep_to_the_content_security_policy(page: Page, live_server):
    problems = _watch(page)
    _visit(page, live_server("/middelfart/login"), problems)
    _sign_in(page, live_server, "koordinator@middelfart.dk")
    _visit(page, live_server("/middelfart/"), problems)
    pages = _links(page, "/middelfart/")
    _visit(page, live_server("/middelfart/volunteers/"), problems)
    volunteer_pages = [h for h in _links(page, "/middelfart/volunteers/") if re.search(r"/volunteers/\d+$", h)]
    assert volunteer_pages, "no volunteer page linked from the list"
    pages += volunteer_pages[:2]
    assert len(pages) >= 5, pages
    for path in pages:
        _visit(page, live_server(path), problems)
    # Interactive components of DKFDS still work: the mobile menu opens (script, no inline style).
    page.set_viewport_size({"width": 360, "height": 800})
    _visit(page, live_server("/middelfart/"), problems)
    problems.extend(page.evaluate("window.__cspViolations"))
    assert not problems, "\n".join(problems)


def test_the_platform_admin_pages_keep_to_the_content_security_policy(page: Page, live_server):
    problems = _watch(page)
    _sign_in(page, live_server, "admin@mentorkorps.dk", login_path="/login")
    _visit(page, live_server("/admin/"), problems)
    for path in _links(page, "/admin/")[:6]:
        _visit(page, live_server(path), problems)
    assert not problems, "\n".join(problems)
