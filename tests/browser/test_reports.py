"""The report pages in a real browser (issue 9): a coordinator of each demo municipality opens every
report the tenant lists, in Danish and in English; each section's chart is drawn from its data table;
the period is changed through the form; the CSV and XLSX downloads hold the rows the page shows, in
the page's language; axe-core finds no serious or critical violation at 1,280 and 360 px; the page
keeps to the Content-Security-Policy and logs no error; and printed, it shows the figures without
the header, the menu and the period form."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template_string, session
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, expect

from core.demo import DEMO_PASSWORD
from core.platform.services import get_tenant_by_slug
from core.reports.services import tenant_reports
from core.tenancy import tenant_context
from tests.browser.test_csp import WATCH_VIOLATIONS
from tests.browser.test_shell import strings_of_the_other_language
from tests.catalogues import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
A4 = {"width": 794, "height": 1123}
CSV_HEADER = ["section", "section_title", "key", "label", "value", "percent"]
# What each demo municipality must list at least; the page's own list is what the test walks.
CORE_REPORTS = {"recruitment-funnel", "activity", "followups"}
PLUGIN_REPORTS = {"middelfart": {"middelfart-mentors", "middelfart-outcomes"},
                  "ishoej": {"ishoej-success-criteria"}, "eksempel": {"network-recruitment"}}
LANGUAGE_BUTTON = {"da": "Dansk", "en": "English"}
PERIOD_START = {"da": "Fra ", "en": "From "}


def _sign_in(context: BrowserContext, live_server, slug: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server(f"/{slug}/login"))
    page.locator("input[name=email]").fill(f"koordinator@{slug}.dk")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(live_server(f"/{slug}/"))
    return page


@pytest.fixture
def coordinator(browser, live_server):
    """``open(slug)``: a signed-in coordinator's page at 1,280 px with the page's CSP in force,
    axe-core and the CSP violation watcher loaded into every document (init scripts run through the
    DevTools protocol, outside the page's policy), and every console error and script error kept
    in ``page.problems``."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency in package.json)")
    contexts = []

    def open_(slug: str) -> Page:
        context = browser.new_context(viewport=WIDE, locale="da-DK", accept_downloads=True)
        contexts.append(context)
        context.add_init_script(WATCH_VIOLATIONS)
        context.add_init_script(path=str(AXE))
        page = _sign_in(context, live_server, slug)
        page.problems = []
        page.on("console", lambda message: page.problems.append(f"{page.url}: console {message.type}: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: page.problems.append(f"{page.url}: script error: {error}"))
        return page

    yield open_
    for context in contexts:
        context.close()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of the page as it is now, one line per node."""
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).flatMap(v =>
            v.nodes.map(n => `${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} ${n.failureSummary || ''}`));
    }""")
    return [f"{page.url} at {page.viewport_size['width']} px: {line}" for line in found]


def axe_at_both_widths(page: Page) -> list[str]:
    found = serious_violations(page)
    page.set_viewport_size(PHONE)
    found += serious_violations(page)
    # At 360 px the page itself never scrolls sideways (a wide table scrolls in its own region).
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > PHONE["width"]:
        found.append(f"{page.url} at 360 px: the page is {overflow} px wide")
    page.set_viewport_size(WIDE)
    return found


def listed_reports(page: Page) -> list[str]:
    hrefs = page.locator("[data-testid=report-list] a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[1] for href in hrefs]


def registered_reports(live_server, slug: str) -> list[str]:
    with live_server.app.app_context():
        with tenant_context(get_tenant_by_slug(slug)):
            return list(tenant_reports())


def shown_sections(page: Page) -> list[dict]:
    """Each section as the page shows it: its title, its table's rows (from the data attributes and
    the row headers) and the figures its chart draws (``None`` when no chart was drawn)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('section[data-testid=report-section]'), s => {
        const canvas = s.querySelector('canvas');
        const chart = canvas && window.Chart ? Chart.getChart(canvas) : undefined;
        // The category axis of a bar chart: how many labels it shows, and the widest line of a
        // label against the room left of the axis (a wider one is cut off at the canvas' edge).
        let axis = null;
        if (chart && chart.config.type === 'bar') {
            const scale = chart.scales[chart.options.indexAxis === 'y' ? 'y' : 'x'];
            chart.ctx.save();
            chart.ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
            const widths = scale.ticks.flatMap(t => [].concat(t.label).map(line => chart.ctx.measureText(line).width));
            chart.ctx.restore();
            axis = {labels: scale.ticks.length, widest: Math.max(...widths), room: scale.right};
        }
        return {
            key: s.dataset.section,
            title: s.querySelector('h2').textContent.trim(),
            rows: Array.from(s.querySelectorAll('[data-testid=report-table] tbody tr'), tr => ({
                key: tr.dataset.key, label: tr.querySelector('th').textContent.trim(),
                value: tr.dataset.value, percent: tr.dataset.percent ?? ''})),
            chart: chart ? {data: chart.data.datasets[0].data, labels: chart.data.labels,
                            width: canvas.width, height: canvas.height, axis} : null,
        };
    })""")


def check_drawn(page: Page, key: str) -> list[dict]:
    """Every section with figures has a table with rows and a chart of exactly those figures;
    a section without figures says so. Returns the sections."""
    expect(page.locator("section[data-testid=report-section]").first).to_be_visible()
    # Chart.js draws after the page's scripts ran; wait until each canvas with a table has a chart.
    page.wait_for_function("""() => Array.from(document.querySelectorAll('section[data-testid=report-section]'))
        .every(s => !s.querySelector('canvas') || (window.Chart && Chart.getChart(s.querySelector('canvas'))))""")
    sections = shown_sections(page)
    assert sections, f"{key}: no section"
    for section in sections:
        where = f"{key}/{section['key']}"
        if not section["rows"]:
            assert section["chart"] is None, f"{where}: a chart without a table"
            continue
        chart = section["chart"]
        assert chart is not None, f"{where}: the table has rows, but no chart was drawn"
        assert chart["width"] > 0 and chart["height"] > 0, f"{where}: the chart has no size: {chart}"
        assert chart["labels"] == [row["label"] for row in section["rows"]], where
        assert chart["data"] == [float(row["value"]) for row in section["rows"]], where
        if chart["axis"]:
            assert chart["axis"]["labels"] == len(section["rows"]), f"{where}: a label was left out: {chart['axis']}"
            assert chart["axis"]["widest"] <= chart["axis"]["room"], f"{where}: a label is cut off: {chart['axis']}"
    assert any(section["rows"] for section in sections), f"{key}: no section has any figure"
    return sections


def period_text(app, start: date, end: date, language: str) -> str:
    """The period as the app writes it in ``language`` (its own date format and catalogue)."""
    with app.test_request_context("/"):
        session["lang"] = language
        text = render_template_string(
            '{{ _("From %(start)s to %(end)s", start=start|dateformat, end=end|dateformat) }}', start=start, end=end)
    assert text.startswith(PERIOD_START[language]) and str(start.year) in text and str(end.year) in text, text
    return text


def change_period(page: Page, app, key: str, start: date, end: date, language: str) -> None:
    before = page.get_by_test_id("report-period").inner_text()
    form = page.get_by_test_id("period-form")
    form.locator("input[name=from]").fill(start.isoformat())
    form.locator("input[name=to]").fill(end.isoformat())
    form.locator("button[type=submit]").click()
    wanted = {"from": [start.isoformat()], "to": [end.isoformat()]}
    page.wait_for_url(lambda url: urlsplit(url).path.endswith(f"/reports/{key}") and parse_qs(urlsplit(url).query) == wanted)
    text = period_text(app, start, end, language)
    expect(page.get_by_test_id("report-period")).to_have_text(text)
    assert text != before
    expect(form.locator("input[name=from]")).to_have_value(start.isoformat())
    expect(form.locator("input[name=to]")).to_have_value(end.isoformat())


def download(page: Page, testid: str):
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    return info.value


def check_downloads(page: Page, key: str, start: date, end: date, sections: list[dict]) -> None:
    """The CSV and the workbook hold the page's rows, with the page's section titles and labels."""
    shown = [[section["key"], section["title"], row["key"], row["label"], row["value"], row["percent"]]
             for section in sections for row in section["rows"]]

    csv_file = download(page, "download-csv")
    assert csv_file.suggested_filename == f"{key}_{start.isoformat()}_{end.isoformat()}.csv"
    with open(csv_file.path(), encoding="utf-8-sig", newline="") as text:
        lines = list(csv.reader(text))
    assert lines[0] == CSV_HEADER, lines[0]
    assert [numbers_as_text(line) for line in lines[1:]] == [numbers_as_text(line) for line in shown], key

    xlsx_file = download(page, "download-xlsx")
    assert xlsx_file.suggested_filename == f"{key}_{start.isoformat()}_{end.isoformat()}.xlsx"
    # From its bytes: the downloaded file's name has no extension, which openpyxl insists on.
    workbook = load_workbook(io.BytesIO(Path(xlsx_file.path()).read_bytes()), read_only=True)
    cells = [["" if cell is None else cell for cell in row] for row in workbook["report"].iter_rows(values_only=True)]
    assert cells[0] == CSV_HEADER
    assert [numbers_as_text(line) for line in cells[1:]] == [numbers_as_text(line) for line in lines[1:]], key
    about = dict(workbook["about"].iter_rows(values_only=True))
    assert about["key"] == key and about["from"] == start.isoformat() and about["to"] == end.isoformat()
    workbook.close()


def numbers_as_text(line: list) -> list:
    """A row with its value and percent as numbers (a cell of the workbook is typed, of the CSV text)."""
    *text, value, percent = line
    return [*map(str, text), float(value), "" if percent in ("", None) else float(percent)]


@pytest.mark.parametrize("slug", sorted(PLUGIN_REPORTS))
def test_every_report_page_in_danish_and_english(coordinator, live_server, slug):
    page = coordinator(slug)
    problems = page.problems
    page.goto(live_server(f"/{slug}/reports/"))
    keys = listed_reports(page)
    assert keys == registered_reports(live_server, slug)
    assert CORE_REPORTS | PLUGIN_REPORTS[slug] <= set(keys), keys
    others = set().union(*PLUGIN_REPORTS.values()) - PLUGIN_REPORTS[slug]
    assert not others & set(keys), f"another municipality's report listed in {slug}: {keys}"

    violations, untranslated = axe_at_both_widths(page), []
    # A period other than the one the page opens with (this year so far): the two years before.
    this_year = date.today().year
    start, end = date(this_year - 2, 1, 1), date(this_year - 1, 12, 31)
    for language in ("da", "en"):
        page.get_by_role("button", name=LANGUAGE_BUTTON[language], exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        for key in keys:
            page.goto(live_server(f"/{slug}/reports/{key}"))
            expect(page.locator("html")).to_have_attribute("lang", language)
            check_drawn(page, key)
            untranslated += [f"{page.url} ({language}): {text}"
                             for text in strings_of_the_other_language(page, language)]
            violations += axe_at_both_widths(page)
            change_period(page, live_server.app, key, start, end, language)
            sections = check_drawn(page, key)
            check_downloads(page, key, start, end, sections)
            problems.extend(f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations"))
    assert not violations, "\n".join(violations)
    assert not problems, "\n".join(problems)
    assert not untranslated, "interface strings in the other language:\n" + "\n".join(untranslated)


def test_a_printed_report_shows_the_figures_without_the_header_the_menu_and_the_period_form(coordinator, live_server):
    page = coordinator("middelfart")
    page.goto(live_server("/middelfart/reports/middelfart-outcomes"))
    check_drawn(page, "middelfart-outcomes")
    on_screen = [page.locator("header").first, page.locator("nav[aria-label]").first,
                 page.get_by_test_id("period-form"), page.locator(".mk-report-presets"),
                 page.get_by_test_id("download-csv"), page.get_by_test_id("download-xlsx")]
    for part in on_screen:
        expect(part).to_be_visible()

    # As a browser prints: the charts are not redrawn for the paper (Chart.js follows a resize only
    # on screen), and the page is laid out at A4's width (210 mm at 96 dpi).
    page.evaluate("() => Object.values(Chart.instances).forEach(c => {"
                  " c.options.responsive = false; c.update('none'); })")
    page.emulate_media(media="print")
    page.set_viewport_size(A4)
    for part in on_screen:
        expect(part).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_test_id("report-period")).to_be_visible()
    sections = page.locator("section[data-testid=report-section]")
    assert sections.count() == 3
    for index in range(sections.count()):
        expect(sections.nth(index).get_by_test_id("report-table")).to_be_visible()
        expect(sections.nth(index).locator("canvas")).to_be_visible()
    printed = page.evaluate("""() => Array.from(document.querySelectorAll('section[data-testid=report-section]'), s => {
        const canvas = s.querySelector('canvas'), box = canvas.getBoundingClientRect();
        const table = s.querySelector('table').getBoundingClientRect();
        return {section: s.dataset.section, drawn: [canvas.width / devicePixelRatio, canvas.height / devicePixelRatio],
                printed: [box.width, box.height], right: Math.max(box.right, table.right)};
    })""")
    for chart in printed:
        (drawn_width, drawn_height), (width, height) = chart["drawn"], chart["printed"]
        # Scaled whole (not squeezed), not much smaller than on screen, and within the page.
        assert abs(width / height - drawn_width / drawn_height) < 0.02 * drawn_width / drawn_height, chart
        assert width >= 0.85 * drawn_width, chart
        assert chart["right"] <= A4["width"], chart
    assert not page.problems, "\n".join(page.problems)
