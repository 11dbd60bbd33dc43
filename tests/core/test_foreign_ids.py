"""A coordinator of tenant A walks every route of A, web and API, with the ids of tenant B's real
rows (volunteers, courses, sessions, group meetings, groups, referrals, matches) in the URL and in
request bodies,
and finds nothing of B: every answer is a 4xx without B's names, and B's rows are unchanged.

The routes come from ``app.url_map`` (as in test_isolation.py), so every new route is walked by
itself. test_isolation.py covers B's *slug*; this covers B's *ids* under A's slug, which only the
tenancy mechanism (and, on PostgreSQL, row-level security) stands in front of.
"""
from sqlalchemy import select

from core.tenancy import _tenant_tables, unscoped
from tests.conftest import api_token, csrf_token, login
from tests.core.helpers import UNSAFE_METHODS, request_methods, tenant_rules
from tests.core.test_tenancy_sealed import two_tenants  # noqa: F401  (the fixture)

# B's rows are all named "Ishoej ..."; its municipality is "Ishøj Kommune" (also JSON-escaped).
B_MARKERS = ("Ishoej", "Ishøj", "Ish\\u00f8j")
ID_ARGUMENTS = {"volunteer_id": "volunteer", "course_id": "course", "session_id": "session",
                "meeting_id": "meeting", "group_id": "group", "referral_id": "referral", "match_id": "match"}


def _path(rule, slug, ids):
    values = {name: slug if name == "tenant" else ids[ID_ARGUMENTS[name]] for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _walked(rule):
    """Rules whose every argument the walk can fill. A rule with an id of another kind of row is
    left out until that kind is added to ``_tenant_rows`` and ``ID_ARGUMENTS``."""
    return all(name == "tenant" or name in ID_ARGUMENTS for name in rule.arguments)


def _body_ids(ids):
    return {"volunteer_id": ids["volunteer"], "volunteer_ids": [ids["volunteer"]], "course_id": ids["course"],
            "session_id": ids["session"], "meeting_id": ids["meeting"], "group_id": ids["group"],
            "referral_id": ids["referral"], "match_id": ids["match"]}


def _snapshot(db, tenant_id):
    """Every row of every tenant table of one tenant (read unscoped, below the mechanism)."""
    rows = {}
    with unscoped():
        for table in sorted(_tenant_tables() & set(db.metadata.tables.values()), key=lambda t: t.name):
            if table.name == "audit_event":
                continue  # reads are audited (the caller's own tenant); B's audit is compared below anyway
            rows[table.name] = sorted(map(tuple, db.session.execute(
                select(table).where(table.c.tenant_id == tenant_id)).all()), key=repr)
    db.session.rollback()
    return rows


def _text_of(response) -> str:
    """The body as text; a workbook (the records export) as the text of its sheets."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(response.get_data())) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return response.get_data(as_text=True)


def _shows_b(response):
    body = _text_of(response)
    return [marker for marker in B_MARKERS if marker in body]


def _session_rule(rule):
    """Rules that end or change the caller's own session (sign out, sign in, password, language)."""
    return any(word in rule.endpoint for word in ("logout", "login", "password", "language", "locale"))


def _walk(app, client, a, ids, *, api, headers=None, token=None, with_ids=True, body_ids=None):
    """Every method of every rule of A (with an id argument, or without when ``with_ids`` is
    false), the URL's ids and the body's ids taken from ``ids``."""
    for rule in tenant_rules(app, api=api):
        if rule.endpoint.startswith("probe") or _session_rule(rule) or not _walked(rule):
            continue
        if with_ids != any(arg in ID_ARGUMENTS for arg in rule.arguments):
            continue
        for method in request_methods(rule):
            kwargs = {"headers": dict(headers or {})}
            if method in UNSAFE_METHODS:
                if api:
                    kwargs["json"] = _body_ids(body_ids or ids)
                else:
                    kwargs["data"] = {**_body_ids(body_ids or ids), "csrf_token": token}
                    kwargs["headers"]["X-CSRFToken"] = token
            yield rule, method, client.open(_path(rule, a.slug, ids), method=method, **kwargs)


def _check_b_ids_in_urls(app, client, a, b_ids, api, **kwargs):
    failures, checked, kinds = [], 0, set()
    for rule, method, response in _walk(app, client, a, b_ids, api=api, **kwargs):
        checked += 1
        kinds.update(arg for arg in rule.arguments if arg in ID_ARGUMENTS)
        if method == "OPTIONS":  # Flask's automatic answer: the Allow header, the same for any id
            pass
        elif not 400 <= response.status_code < 500:
            failures.append(f"{method} {rule.rule} with B's ids: {response.status_code}")
        elif method in ("GET", "HEAD") and response.status_code not in (403, 404):
            failures.append(f"{method} {rule.rule} with B's ids: {response.status_code}, not 403/404")
        if shown := _shows_b(response):
            failures.append(f"{method} {rule.rule} with B's ids shows {shown}")
    # The young person's rows are walked too (a route kind missing here would be skipped silently).
    assert {"referral_id", "match_id", "volunteer_id"} <= kinds, kinds
    return failures, checked


def test_a_coordinator_of_a_finds_nothing_of_b_by_b_ids_on_the_web(app, client, db, two_tenants, user_factory):
    a, b, a_ids, b_ids = two_tenants
    before = _snapshot(db, b.id)
    login(client, user_factory(a, "coordinator"), a)
    token = csrf_token(client, f"/{a.slug}/volunteers/new")
    failures, checked = _check_b_ids_in_urls(app, client, a, b_ids, api=False, token=token)
    assert not failures, "\n".join(failures)
    assert checked >= 15
    assert _snapshot(db, b.id) == before
    assert client.get(f"/{a.slug}/volunteers/{a_ids['volunteer']}").status_code == 200  # the walk was A's


def test_a_coordinator_of_a_finds_nothing_of_b_by_b_ids_in_the_api(app, client, db, two_tenants, user_factory):
    a, b, a_ids, b_ids = two_tenants
    before = _snapshot(db, b.id)
    headers = api_token(client, user_factory(a, "coordinator"))
    failures, checked = _check_b_ids_in_urls(app, client, a, b_ids, api=True, headers=headers)
    assert not failures, "\n".join(failures)
    assert checked >= 10
    assert _snapshot(db, b.id) == before
    assert client.get(f"/api/v1/{a.slug}/volunteers/{a_ids['volunteer']}", headers=headers).status_code == 200


def test_b_ids_in_the_bodies_of_a_requests_reach_nothing_of_b(app, client, db, two_tenants, user_factory):
    """A's own URLs (A's ids, or none), with B's ids where forms and JSON take ids: enrolment,
    invitations, group members, a meeting's group. No answer is a server error or shows B, and no
    row of B changes (no row of A can point at B: the composite foreign keys refuse it)."""
    a, b, a_ids, b_ids = two_tenants
    before = _snapshot(db, b.id)
    login(client, user_factory(a, "coordinator"), a)
    token = csrf_token(client, f"/{a.slug}/volunteers/new")
    headers = api_token(app.test_client(), user_factory(a, "coordinator"))
    failures, checked = [], 0
    for api, kwargs in ((False, {"token": token}), (True, {"headers": headers})):
        for with_ids in (True, False):  # A's rows in the URL, or no id in the URL (lists, new forms)
            for rule, method, response in _walk(app, client, a, a_ids, api=api, with_ids=with_ids,
                                                body_ids=b_ids, **kwargs):
                checked += method in UNSAFE_METHODS
                if response.status_code >= 500:
                    failures.append(f"{method} {rule.rule} with B's ids in the body: {response.status_code}")
                if shown := _shows_b(response):  # A's pages and lists show nothing of B either
                    failures.append(f"{method} {rule.rule} with B's ids in the body shows {shown}")
    assert not failures, "\n".join(failures)
    assert checked >= 20
    assert _snapshot(db, b.id) == before
    assert client.get(f"/{a.slug}/volunteers/{a_ids['volunteer']}").status_code == 200  # still signed in as A
