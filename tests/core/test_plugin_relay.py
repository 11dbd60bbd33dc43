"""The per-tenant hook relay across requests, workers and tenants; the order of plugins as a
property of registration; the enablement version under concurrent changes; one tenant context."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from core.hooks import hooks_for
from core.platform.services import set_plugin_enabled
from core.tenancy import Municipality, current_tenant, tenant_context
from tests.conftest import login, make_app
from tests.core.helpers import make_plugin

ROOT = Path(__file__).resolve().parents[2]


def _tenant_banner(tenant, slot, context):
    # Reads the tenant object it is given, as a real plugin would: a relay holding the Municipality
    # of an earlier request would hand over a detached, expired object here.
    if slot == "front_page":
        return [Markup('<p data-testid="who">{}|{}</p>').format(tenant.slug, tenant.name)]


@pytest.fixture
def reader_plugin():
    return make_plugin("tenant_reader", mentorkorps_template_slot=_tenant_banner)


@pytest.fixture
def extra_plugins(reader_plugin):
    return (reader_plugin,)


@pytest.fixture
def towns(tenant_factory):
    return (tenant_factory("alfaby", "Alfaby Kommune", plugins=("tenant_reader",)),
            tenant_factory("betaby", "Betaby Kommune", plugins=("tenant_reader",)))


def _who(client, slug):
    response = client.get(f"/{slug}/")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return re.search(r'data-testid="who">([^<]*)<', response.get_data(as_text=True)).group(1)


def test_a_hook_that_reads_the_tenant_answers_on_every_request(app, towns, user_factory):
    alfa, beta = towns
    a = login(app.test_client(), user_factory(alfa, "coordinator"), alfa)
    b = login(app.test_client(), user_factory(beta, "coordinator"), beta)
    for _ in range(3):  # the relay is cached after the first request; the tenant must not be
        assert _who(a, "alfaby") == "alfaby|Alfaby Kommune"
        assert _who(b, "betaby") == "betaby|Betaby Kommune"


def test_a_hook_that_reads_the_tenant_answers_in_a_second_worker(app, towns, user_factory, reader_plugin, _schema, db):
    alfa, _ = towns
    user = user_factory(alfa, "coordinator")
    other_worker = make_app(_schema, (reader_plugin,))
    try:
        first, second = login(app.test_client(), user, alfa), login(other_worker.test_client(), user, alfa)
        for _ in range(2):
            assert _who(first, "alfaby") == _who(second, "alfaby") == "alfaby|Alfaby Kommune"
        with tenant_context(alfa):
            alfa.name = "Alfaby Kommune (ny)"
        db.session.commit()
        assert _who(second, "alfaby") == "alfaby|Alfaby Kommune (ny)"  # no stale copy in a cache
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_hooks_called_outside_a_request_get_the_current_tenant(app, db, towns):
    alfa, beta = towns
    from core.hooks import current_hooks

    with tenant_context(alfa):
        assert current_tenant() is alfa
        html = "".join(str(p) for parts in current_hooks().mentorkorps_template_slot(slot="front_page", context={})
                       for p in parts or [])
        with tenant_context(beta):  # nested: the inner tenant, then the outer one again
            inner = "".join(str(p) for parts in current_hooks().mentorkorps_template_slot(slot="front_page", context={})
                            for p in parts or [])
        assert current_tenant() is alfa
    assert "alfaby|" in html and "betaby|" in inner
    assert current_tenant() is None


def test_current_hooks_without_a_tenant_raises(app):
    from core.hooks import current_hooks
    from core.tenancy import TenantContextMissing

    with pytest.raises(TenantContextMissing):
        current_hooks()


# ---- the order of plugins is a property of registration ----------------------------------------

def _count_plugins(municipality_opts, reusable_opts, municipality_first):
    municipality = make_plugin("ordby", kind="municipality",
                               mentorkorps_candidate_count=(lambda tenant: 7, municipality_opts))
    reusable = make_plugin("genbrug", mentorkorps_candidate_count=(lambda tenant: 3, reusable_opts))
    return (municipality, reusable) if municipality_first else (reusable, municipality)


@pytest.mark.parametrize("municipality_opts, reusable_opts", [
    ({}, {}),                               # the municipality forgot tryfirst
    ({"trylast": True}, {}),                # the municipality is itself trylast
    ({}, {"tryfirst": True}),               # a reusable plugin tries to go first
    ({"trylast": True}, {"tryfirst": True}),
])
@pytest.mark.parametrize("municipality_first", [True, False])
def test_the_municipality_runs_first_reusable_plugins_next_defaults_last(_schema, db, municipality_opts, reusable_opts,
                                                                        municipality_first):
    plugins = _count_plugins(municipality_opts, reusable_opts, municipality_first)
    app = make_app(_schema, plugins)
    with app.app_context():
        from core.platform.services import create_tenant

        town = create_tenant("ordby", "Ordby Kommune", ("ordby", "genbrug"))
        other = create_tenant("andenby", "Andenby Kommune", ("genbrug",))
        plain = create_tenant("tredjeby", "Tredjeby Kommune")
        try:
            assert hooks_for(town).mentorkorps_candidate_count() == 7       # the municipality wins
            assert hooks_for(other).mentorkorps_candidate_count() == 3      # the reusable plugin, not the default
            assert hooks_for(plain).mentorkorps_candidate_count() == 1      # the default, last
        finally:
            db.session.rollback()
            db.engine.dispose()


def test_a_reusable_plugin_marked_trylast_still_runs_before_the_defaults(_schema, db):
    reusable = make_plugin("sidst", mentorkorps_candidate_count=(lambda tenant: 4, {"trylast": True}))
    app = make_app(_schema, (reusable,))
    with app.app_context():
        from core.platform.services import create_tenant

        town = create_tenant("sidsteby", "Sidsteby", ("sidst",))
        try:
            assert hooks_for(town).mentorkorps_candidate_count() == 4
        finally:
            db.session.rollback()
            db.engine.dispose()


# ---- the enablement version ----------------------------------------------------------------------

@pytest.fixture
def two_plugins():
    return (make_plugin("plug_a"), make_plugin("plug_b"))


def test_two_concurrent_enablements_both_bump_the_version(db, two_plugins, _schema):
    """A change made from a stale copy of the tenant (as a second worker holds one) adds to the
    version in the database rather than writing back an old value plus one."""
    app = make_app(_schema, two_plugins)
    with app.app_context():
        from core.platform.services import create_tenant

        town = create_tenant("versionby", "Versionby")
        db.session.commit()
        town_id, start = town.id, town.plugins_version
        db.session.commit()
        # Another worker enables a plugin meanwhile ...
        with db.engine.begin() as connection:
            connection.execute(update(Municipality).where(Municipality.id == town_id)
                               .values(plugins_version=Municipality.plugins_version + 1))
        # ... while this one still holds the version it read before.
        set_committed_value(town, "plugins_version", start)
        set_plugin_enabled(town, "plug_b", True)
        db.session.commit()
        assert db.session.scalar(select(Municipality.plugins_version).where(Municipality.id == town_id)) == start + 2
        db.engine.dispose()


# ---- one tenant context ------------------------------------------------------------------------

def test_nothing_stores_or_reads_the_tenant_on_flask_g():
    offenders = []
    for folder in ("core", "plugins", "municipalities"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or "node_modules" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\bg\.(tenant\b|_hook_relay|get\(\s*[\"']tenant[\"'])", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
