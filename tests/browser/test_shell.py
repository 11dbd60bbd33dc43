"""The page shell in a real browser: the Danish login page, signing in, the Middelfart front page,
and a language switch that translates every string on the page and is remembered."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.demo import DEMO_NAMES, DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS
from tests.catalogues import read_catalogue, translation_domains

pytestmark = pytest.mark.browser

COORDINATOR = "koordinator@middelfart.dk"
TENANT = "Middelfart Kommune"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# A text on the page is cut at these marks, which join an interface string to data or to another
# string: "Karen Koordinator (Koordinator)", "Erfagruppe · 5 medlemmer", "Status: Godkendt".
SEPARATORS = re.compile(r"\s*[·|()\[\]:\n]\s*")

# The texts a user sees or hears: visible text nodes, options of lists, the page title, accessible
# names and descriptions, placeholders and the values of input buttons.
PAGE_TEXTS_JS = """() => {
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(parent.tagName)) continue;
    if (parent.closest('option') || parent.checkVisibility({visibilityProperty: true})) texts.push(node.textContent);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[type=submit][value], input[type=button][value]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
    if (el.matches('input[type=submit], input[type=button]')) texts.push(el.value);
  }
  return texts.map(t => t.replace(/\\s+/g, ' ').trim()).filter(Boolean);
}"""


def _interface_strings() -> dict[str, tuple[set[str], list[re.Pattern]]]:
    """Per language, every string of every domain that differs in the other language: the fixed
    ones, and those with placeholders as patterns (a placeholder matches any text)."""
    strings = {"da": (set(), []), "en": (set(), [])}
    for domain in translation_domains():
        for message in read_catalogue(domain.po("da"), "da"):
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
            texts = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            for language, values in (("en", ids), ("da", texts)):
                other = texts if language == "en" else ids
                for value in values:
                    if value in other:
                        continue  # the same in both languages ("Mentor", "Status")
                    fixed, patterns = strings[language]
                    if not PLACEHOLDER.search(value):
                        fixed.add(value)
                    elif len(re.sub(r"\W", "", PLACEHOLDER.sub("", value))) >= 3:
                        parts = PLACEHOLDER.split(value)
                        patterns.append(re.compile(".+?".join(re.escape(part) for part in parts)))
    return strings


INTERFACE = _interface_strings()


def _every_fixed_string() -> dict[str, set[str]]:
    """Per language, every string without placeholders, also those the same in both."""
    strings = {"da": set(), "en": set()}
    for domain in translation_domains():
        for message in read_catalogue(domain.po("da"), "da"):
            if message.id and message.string:
                for language, values in (("en", message.id), ("da", message.string)):
                    for value in values if isinstance(values, (list, tuple)) else (values,):
                        if not PLACEHOLDER.search(value):
                            strings[language].add(value)
    return strings


EVERY_FIXED = _every_fixed_string()


def strings_of_the_other_language(page: Page, language: str) -> list[str]:
    """Texts on the page that are interface strings of the language the page is *not* in. Data
    ("Informationsmøde om mentorkorpset", a person's name) is not an interface string."""
    fixed, patterns = INTERFACE["da" if language == "en" else "en"]
    own = EVERY_FIXED[language]
    found = []
    for text in page.evaluate(PAGE_TEXTS_JS):
        for candidate in {text, *filter(None, SEPARATORS.split(text))}:
            if candidate in own:
                continue  # a string of this language too ("Match": English, and Danish for "Matches")
            if candidate in fixed or any(p.fullmatch(candidate) for p in patterns):
                found.append(candidate)
    return sorted(set(found))


def assert_all_in(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert strings_of_the_other_language(page, language) == [], f"not translated into {language!r} on {page.url}"


def sign_in(page: Page, live_server, email=COORDINATOR, *, danish=True):
    page.goto(live_server("/middelfart/"))
    expect(page).to_have_url(re.compile(r"/middelfart/login"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode" if danish else "Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind" if danish else "Sign in", exact=True).click()
    expect(page).to_have_url(live_server("/middelfart/"))


ABORTED = "net::ERR_ABORTED"


def missing_assets(page: Page, failed: list) -> list[str]:
    """What :func:`watch_assets` saw fail, with each load the browser aborted fetched once more:
    Chromium aborts an asset that is not there (the 404 page is HTML, refused under nosniff), but
    also one still coming when the test moves on to the next page (a font, on a busy machine)."""
    missing = []
    for entry in failed:
        if isinstance(entry, tuple):
            status = page.request.get(entry[1]).status
            if status != 200:
                missing.append(f"{entry[1]} (aborted, then {status})")
        else:
            missing.append(entry)
    return missing


def watch_assets(page: Page) -> list[str]:
    """Every stylesheet, script, font or image the pages ask for and do not get, and every
    script error."""
    failed: list[str] = []
    page.on("pageerror", lambda error: failed.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: failed.append(
        (ABORTED, request.url) if request.failure == ABORTED else f"{request.url} ({request.failure})"))
    page.on("response", lambda response: failed.append(f"{response.url} ({response.status})")
            if response.status >= 400 and response.request.resource_type in {"stylesheet", "script", "font", "image"} else None)
    return failed


def test_danish_login_front_page_and_a_remembered_switch_to_english(page: Page, live_server):
    failed_assets = watch_assets(page)

    # Danish by default: the login page of the municipality.
    page.goto(live_server("/middelfart/"))
    expect(page).to_have_url(re.compile(r"/middelfart/login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
    expect(page.get_by_test_id("tenant-name")).to_have_text(TENANT)
    expect(page.get_by_text("Log ind i mentorkorpset i Middelfart Kommune.")).to_be_visible()
    assert_all_in(page, "da")

    # Sign in as the demo coordinator: the Middelfart front page, in Danish.
    page.get_by_label("E-mail").fill(COORDINATOR)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind", exact=True).click()
    expect(page).to_have_url(live_server("/middelfart/"))
    expect(page.get_by_test_id("tenant-name")).to_have_text(TENANT)
    expect(page.get_by_role("heading", level=1)).to_have_text(TENANT)
    expect(page.locator("main .font-lead")).to_have_text("Det, der skal gøres nu.")
    expect(page.get_by_role("heading", name=re.compile("^Nye henvisninger"))).to_be_visible()
    menu = page.get_by_role("navigation", name="Hovedmenu")
    expect(menu.get_by_role("link", name="Forside")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_text(f"{DEMO_NAMES['coordinator']} (Koordinator)")
    expect(page.get_by_role("link", name="Skift adgangskode")).to_be_visible()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    expect(page.get_by_role("button", name="Dansk")).to_have_attribute("aria-current", "true")
    expect(page).to_have_title(f"Forside · {TENANT}")
    assert_all_in(page, "da")
    danish_menu = menu.get_by_role("link").all_inner_texts()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "middelfart-front-da.png"), full_page=True)

    # The DKFDS styling is served and applied: its stylesheet and the IBM Plex Sans font.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "IBM Plex Sans" in font
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px \"IBM Plex Sans\"'))")

    # Switch to English: every string on the page follows.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server("/middelfart/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TENANT)
    expect(page.locator("main .font-lead")).to_have_text("What needs doing now.")
    expect(page.get_by_role("heading", name=re.compile("^New referrals"))).to_be_visible()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Front page")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_text(f"{DEMO_NAMES['coordinator']} (Coordinator)")
    expect(page.get_by_role("link", name="Change password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    expect(page).to_have_title(f"Front page · {TENANT}")
    english_menu = menu.get_by_role("link").all_inner_texts()
    assert len(english_menu) == len(danish_menu) and english_menu != danish_menu
    assert_all_in(page, "en")

    # Remembered on every other page of the menu, and after reloading.
    for label in english_menu:
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name=label, exact=True)
               ).to_have_attribute("aria-current", "page")
        assert_all_in(page, "en")
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")
    expect(page.get_by_label("Current password")).to_be_visible()
    assert_all_in(page, "en")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")
    assert_all_in(page, "en")

    # And back to Danish, which is remembered the same way.
    page.get_by_role("button", name="Dansk").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skift adgangskode")
    expect(page.get_by_label("Nuværende adgangskode")).to_be_visible()
    assert_all_in(page, "da")
    for label in danish_menu:
        page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=label, exact=True)
               ).to_have_attribute("aria-current", "page")
        assert_all_in(page, "da")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Forside").click()
    expect(page.locator("main .font-lead")).to_have_text("Det, der skal gøres nu.")
    page.reload()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    assert_all_in(page, "da")

    assert missing_assets(page, failed_assets) == []


def test_the_chosen_language_stays_with_the_account(page: Page, browser, live_server):
    sign_in(page, live_server)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Signing out keeps the browser's choice: the login page is in English.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_all_in(page, "en")

    # Another browser starts in Danish and follows the account's choice once signed in.
    other = browser.new_context()
    try:
        fresh = other.new_page()
        sign_in(fresh, live_server)
        expect(fresh.locator("html")).to_have_attribute("lang", "en")
        expect(fresh.get_by_role("button", name="Sign out")).to_be_visible()
        assert_all_in(fresh, "en")
    finally:
        other.close()


def test_the_menu_and_the_language_switch_at_phone_width(page: Page, live_server):
    """DKFDS hides the main menu and the user area below 992px and expects a drawer; the shell keeps
    them on the page, and the design system's "more" menu speaks the page's language."""
    failed_assets = watch_assets(page)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    menu = page.get_by_role("navigation", name="Hovedmenu")
    expect(menu.get_by_role("link", name="Forside")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "middelfart-front-da-phone.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Front page")).to_be_visible()
    more = menu.get_by_role("button", name="More")  # the items that do not fit are behind it
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    for link in menu.get_by_role("link").all():
        expect(link).to_be_visible()
    assert_all_in(page, "en")
    page.screenshot(path=str(ARTIFACTS / "middelfart-front-en-phone.png"), full_page=True)
    assert missing_assets(page, failed_assets) == []
