"""The volunteer list sorts by its columns on the server (``?sort=key`` or ``?sort=-key``): status in
lifecycle order, the channel by its label as the page shows it, age by birth date, empty values
last either way; the headers say which column sorts the list (aria-sort) and link to the other
order; the sort stays through pagination and the filter form, and costs no extra statement."""
from __future__ import annotations

import re
from datetime import date

import pytest

from core.extensions import db
from core.volunteers.models import Volunteer
from tests.core.volunteers.helpers import as_tenant, text

BASE = "/middelfart/volunteers/"
LIFECYCLE = ["applicant", "info_meeting", "in_training", "approved", "active", "paused", "left"]
# The English labels of the core's channels used here: their alphabet is not the codes' one.
CHANNEL_LABELS = {"press": "Local press", "network": "The young person's network", "other": "Other",
                  "brochure": "Brochure"}
TODAY = date(2026, 5, 1)

# name, status, channel, birth date, capacity, first contact
PEOPLE = [
    ("Anna Alm", "active", "press", date(1980, 1, 1), 2, date(2026, 1, 10)),
    ("Bo Bak", "applicant", "network", None, 1, date(2026, 3, 1)),
    ("Cai Carlsen", "paused", None, date(1990, 5, 5), 3, date(2025, 12, 1)),
    ("Dorte Dahl", "in_training", "other", date(1975, 7, 7), 1, date(2026, 2, 2)),
    ("Erik Eng", "approved", "brochure", date(2000, 2, 2), 2, date(2026, 1, 10)),
    ("Frida Fog", "left", "press", None, 1, date(2025, 11, 20)),
    ("Gorm Grøn", "info_meeting", None, date(1980, 1, 1), 1, date(2026, 4, 4)),
]
NAME, STATUS, CHANNEL, BORN, CAPACITY, RECRUITED = range(6)


# Each column's value as the page orders it (None: empty, shown last whichever the direction).
VALUES = {
    "name": lambda p: p[NAME],
    "status": lambda p: LIFECYCLE.index(p[STATUS]),
    "channel": lambda p: CHANNEL_LABELS[p[CHANNEL]] if p[CHANNEL] else None,
    "age": lambda p: p[BORN],  # by birth date, turned round below: the youngest has the latest one
    "capacity": lambda p: p[CAPACITY],
    "recruited_on": lambda p: p[RECRUITED],
}


def expected(key: str, descending: bool = False) -> list[str]:
    """The names in the order of ``key``, worked out in Python: ties by name (and, for the name
    itself descending, the ascending order turned round), empty values last."""
    value = VALUES[key]
    by_name = sorted(PEOPLE, key=lambda p: p[NAME])
    present = [p for p in by_name if value(p) is not None]
    missing = [p for p in by_name if value(p) is None]
    # Python's sort is stable, also reversed: equal values keep the name order.
    present.sort(key=value, reverse=descending != (key == "age"))
    return [p[NAME] for p in present + missing]


@pytest.fixture
def people(tenant, frozen):
    frozen(TODAY)
    with as_tenant(tenant):
        db.session.add_all([
            Volunteer(name=name, status=status, status_since=recruited, recruited_on=recruited, recruitment_channel=channel,
                      birth_date=born, capacity=capacity, languages=[], interests=[])
            for name, status, channel, born, capacity, recruited in PEOPLE])
    return [p[NAME] for p in PEOPLE]


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', page)


def header(page: str, key: str) -> str:
    """The column header of the sort key ``key``: the <th> with its link."""
    match = re.search(r'<th scope="col"[^>]*>\s*<a class="mk-sort" href="[^"]*" data-sort="%s">.*?</th>' % key, page, re.S)
    assert match, f"no sortable header for {key}"
    return match.group(0)


def link(page: str, key: str) -> str:
    return re.search(r'href="([^"]*)"', header(page, key)).group(1)


def test_the_expected_orders_differ_from_the_stored_codes_alphabet():
    """The test data can tell a lifecycle or label order from an alphabetical one of the codes."""
    by_code = [p[NAME] for p in sorted(PEOPLE, key=lambda p: (p[STATUS], p[NAME]))]
    assert expected("status") != by_code
    by_code = [p[NAME] for p in sorted(PEOPLE, key=lambda p: (p[CHANNEL] is None, p[CHANNEL] or "", p[NAME]))]
    assert expected("channel") != by_code


@pytest.mark.parametrize("key", ["name", "status", "channel", "age", "capacity", "recruited_on"])
@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_each_column_sorts_the_list_both_ways(coordinator, people, key, descending):
    page = text(coordinator.get(f"{BASE}?sort={'-' if descending else ''}{key}"))
    assert names(page) == expected(key, descending)


def test_the_orders_worked_out_here():
    """The expected orders spelled out for the less obvious keys, so that the helper above is checked too."""
    assert expected("status") == ["Bo Bak", "Gorm Grøn", "Dorte Dahl", "Erik Eng", "Anna Alm", "Cai Carlsen", "Frida Fog"]
    assert expected("channel") == ["Erik Eng", "Anna Alm", "Frida Fog", "Dorte Dahl", "Bo Bak", "Cai Carlsen", "Gorm Grøn"]
    assert expected("channel", True) == ["Bo Bak", "Dorte Dahl", "Anna Alm", "Frida Fog", "Erik Eng", "Cai Carlsen",
                                         "Gorm Grøn"]
    assert expected("age") == ["Erik Eng", "Cai Carlsen", "Anna Alm", "Gorm Grøn", "Dorte Dahl", "Bo Bak", "Frida Fog"]
    assert expected("age", True) == ["Dorte Dahl", "Anna Alm", "Gorm Grøn", "Cai Carlsen", "Erik Eng", "Bo Bak",
                                     "Frida Fog"]
    assert expected("recruited_on", True)[:3] == ["Gorm Grøn", "Bo Bak", "Dorte Dahl"]


@pytest.mark.parametrize("value", ["email", "--name", "name;drop", "-", "", "NAME", "status,name"])
def test_anything_but_a_listed_column_sorts_by_name(coordinator, people, value):
    page = text(coordinator.get(f"{BASE}?sort={value}"))
    assert names(page) == expected("name")
    assert 'aria-sort="ascending"' in header(page, "name")


def test_the_headers_say_which_column_sorts_and_link_to_the_other_order(coordinator, people):
    page = text(coordinator.get(BASE))
    assert page.count("aria-sort=") == 1
    assert 'aria-sort="ascending"' in header(page, "name")
    assert link(page, "name") == f"{BASE}?sort=-name"  # the sorted column turns round
    assert link(page, "status") == f"{BASE}?sort=status"  # another column starts ascending
    assert "sort descending" in header(page, "name") and "sort ascending" in header(page, "status")
    assert "#sort-table-ascending" in header(page, "name") and "#sort-table-none" in header(page, "status")

    page = text(coordinator.get(f"{BASE}?sort=-recruited_on"))
    assert page.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in header(page, "recruited_on")
    assert "#sort-table-descending" in header(page, "recruited_on")
    assert link(page, "recruited_on") == f"{BASE}?sort=recruited_on"
    assert link(page, "name") == BASE  # by name is the list's own order: no argument


def test_the_sort_stays_through_the_pages_and_the_filters(app, coordinator, people):
    app.config["PAGE_SIZE"] = 2
    order = expected("recruited_on", True)
    seen = []
    for number in (1, 2, 3, 4):
        page = text(coordinator.get(f"{BASE}?sort=-recruited_on&page={number}"))
        seen += names(page)
        pager = page.split('class="pagination"', 1)[1] if number < 4 else ""
        if number < 4:
            assert f"page={number + 1}" in pager and "sort=-recruited_on" in pager
    assert seen == order  # every row on exactly one page, in order (two share a first-contact day)

    page = text(coordinator.get(f"{BASE}?sort=status&channel=press&page=1"))
    assert names(page) == ["Anna Alm", "Frida Fog"]
    # The filter form sends the sort with the filters; a sort link keeps the filters and starts at page 1.
    assert '<input type="hidden" name="sort" value="status">' in page
    assert link(page, "status") == f"{BASE}?channel=press&sort=-status"
    assert "page=" not in link(page, "age")
    # Clearing the filters keeps the sort.
    assert f'<a href="{BASE}?sort=status">Clear</a>' in page

    page = text(coordinator.get(BASE))
    assert 'name="sort"' not in page  # the list's own order needs no argument


@pytest.mark.parametrize("value", ["status", "-channel", "age"])
def test_sorting_costs_no_statement(coordinator, people, count_queries, value):
    def statements(path):
        coordinator.get(path)  # warm
        with count_queries() as queries:
            assert coordinator.get(path).status_code == 200
        return len(queries)

    assert statements(f"{BASE}?sort={value}") == statements(BASE)
