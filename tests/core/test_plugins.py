"""Per-tenant plugins: a municipality's package only ever runs for its own tenant, and enabling or
disabling a plugin takes effect on the tenant's next request, in every worker, and is audited."""
import pytest
from markupsafe import Markup
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.errors import ServiceError
from core.hooks import hooks_for
from core.hooks.types import MenuItem
from core.platform.models import PluginEnablement
from core.platform.services import enabled_plugin_names, plugin_settings, set_plugin_enabled
from core.tenancy import tenant_context
from tests.conftest import PASSWORD, csrf_token, login, make_app, post_form
from tests.core.helpers import dummy_hook_kwargs, hookspec_names, make_plugin, recording_plugin

TOWN = "testby"  # a municipality package and the tenant whose slug it is
BANNER = "Banner from the test plugin"


def _front_fragment(tenant, slot, context):
    if slot == "front_page":
        return [Markup('<p data-testid="banner">{}</p>').format(BANNER)]


def _banner_plugin():
    return make_plugin(
        "test_banner", settings={"colour": "blue", "size": 3},
        mentorkorps_template_slot=_front_fragment,
        mentorkorps_menu_items=lambda tenant, user, role: [MenuItem("test_banner", "Banner menu entry", "web.front", order=50)],
    )


@pytest.fixture
def town_plugin():
    return recording_plugin(TOWN, kind="municipality")


@pytest.fixture
def banner_plugin():
    return _banner_plugin()


@pytest.fixture
def extra_plugins(town_plugin, banner_plugin):
    return (town_plugin, banner_plugin)


@pytest.fixture
def town(tenant_factory):
    return tenant_factory(TOWN, "Testby Kommune", plugins=(TOWN,))


@pytest.fixture
def neighbour(tenant_factory):
    return tenant_factory("naboby", "Naboby Kommune")


def _call_every_hook(tenant):
    relay = hooks_for(tenant)
    for name in hookspec_names():
        getattr(relay, name)(**dummy_hook_kwargs(name))


# ---- a municipality's package runs for its own tenant only ----------------------------------

def test_a_municipality_plugin_fires_for_its_tenant_and_never_for_another(db, town, neighbour, town_plugin):
    _call_every_hook(neighbour)
    assert town_plugin.calls == []
    _call_every_hook(town)
    assert sorted(town_plugin.calls) == sorted((name, TOWN) for name in hookspec_names())


def test_a_municipality_plugin_cannot_be_enabled_for_another_tenant(db, town, neighbour, town_plugin):
    with pytest.raises(ServiceError):
        set_plugin_enabled(neighbour, TOWN, True)
    db.session.rollback()
    assert TOWN not in enabled_plugin_names(neighbour)
    # Not even a row written behind the service's back makes it run there.
    with tenant_context(neighbour):
        db.session.add(PluginEnablement(plugin=TOWN, settings={}))
        db.session.flush()
    neighbour.plugins_version += 1
    db.session.commit()
    assert TOWN in enabled_plugin_names(neighbour)
    _call_every_hook(neighbour)
    assert town_plugin.calls == []


def test_a_municipality_plugin_does_not_run_for_another_tenant_in_a_request(app, db, town, neighbour, town_plugin,
                                                                            user_factory):
    client = login(app.test_client(), user_factory(neighbour, "coordinator"), neighbour)
    assert client.get(f"/{neighbour.slug}/").status_code == 200
    assert town_plugin.calls == []
    own = login(app.test_client(), user_factory(town, "coordinator"), town)
    assert own.get(f"/{TOWN}/").status_code == 200
    assert (("mentorkorps_menu_items", TOWN) in town_plugin.calls
            and ("mentorkorps_template_slot", TOWN) in town_plugin.calls)
    assert all(slug == TOWN for _, slug in town_plugin.calls)


def test_the_installed_municipality_packages_are_only_enableable_for_their_own_tenant(pm):
    municipalities = {n for n, info in pm.optional_plugins().items() if info.kind == "municipality"}
    assert {"middelfart", "ishoej"} <= municipalities
    for name in municipalities:
        assert name in pm.enableable_for(name)
        assert not (municipalities - {name}) & set(pm.enableable_for(name))
        assert name not in pm.enableable_for("eksempel")


def test_an_unknown_plugin_cannot_be_enabled(db, town):
    with pytest.raises(ServiceError):
        set_plugin_enabled(town, "no_such_plugin", True)


# ---- enabling takes effect on the next request ------------------------------------------------

def _front(client, tenant):
    response = client.get(f"/{tenant.slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_enabling_a_plugin_takes_effect_on_the_next_request(app, db, town, user_factory):
    client = login(app.test_client(), user_factory(town, "coordinator"), town)
    page = _front(client, town)
    assert BANNER not in page and "Banner menu entry" not in page

    set_plugin_enabled(town, "test_banner", True)
    db.session.commit()
    page = _front(client, town)
    assert BANNER in page and "Banner menu entry" in page

    set_plugin_enabled(town, "test_banner", False)
    db.session.commit()
    page = _front(client, town)
    assert BANNER not in page and "Banner menu entry" not in page

    with tenant_context(town):
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.details["plugin"].as_string() == "test_banner")
            .order_by(AuditEvent.id)).all()
    assert actions == ["plugin.enabled", "plugin.disabled"]


def test_enabling_takes_effect_in_every_worker_without_a_restart(app, db, town, user_factory, banner_plugin,
                                                                  town_plugin, _schema):
    """Two apps on one database stand for two worker processes: a change made through one is seen
    by the other's next request, though the other has already cached the tenant's hook relay."""
    user = user_factory(town, "coordinator")
    other_worker = make_app(_schema, (town_plugin, banner_plugin))  # its test client isolates requests
    try:
        client = login(other_worker.test_client(), user, town)
        assert BANNER not in _front(client, town)
        set_plugin_enabled(town, "test_banner", True)
        db.session.commit()
        assert BANNER in _front(client, town)
        set_plugin_enabled(town, "test_banner", False)
        db.session.commit()
        assert BANNER not in _front(client, town)
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_the_platform_admin_enables_and_disables_a_plugin_on_its_page(app, db, town, user_factory):
    admin = user_factory(None, platform_admin=True)
    member = login(app.test_client(), user_factory(town, "coordinator"), town)
    admin_client = app.test_client()
    response = admin_client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                                  "csrf_token": csrf_token(admin_client, "/login")})
    assert response.status_code == 302

    page = admin_client.get(f"/admin/{TOWN}/plugins").get_data(as_text=True)
    assert "test_banner" in page
    assert BANNER not in _front(member, town)

    response = post_form(admin_client, f"/admin/{TOWN}/plugins", {"plugin": "test_banner", "enabled": "1"})
    assert response.status_code == 302
    assert BANNER in _front(member, town)

    response = post_form(admin_client, f"/admin/{TOWN}/plugins", {"plugin": "test_banner", "enabled": "0"})
    assert response.status_code == 302
    assert BANNER not in _front(member, town)

    db.session.expire_all()
    with tenant_context(town):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("plugin.%"))
                                    .order_by(AuditEvent.id)).all()
    changes = [(e.action, e.details.get("plugin"), e.user_id) for e in events]
    assert changes[-2:] == [("plugin.enabled", "test_banner", admin.id), ("plugin.disabled", "test_banner", admin.id)]


def test_the_admin_page_refuses_a_municipality_plugin_for_another_tenant(app, db, town, neighbour, user_factory):
    admin = user_factory(None, platform_admin=True)
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(admin_client, "/login")})
    page = admin_client.get(f"/admin/{neighbour.slug}/plugins").get_data(as_text=True)
    assert f"<code>{TOWN}</code>" not in page  # not even offered
    response = post_form(admin_client, f"/admin/{neighbour.slug}/plugins", {"plugin": TOWN, "enabled": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert TOWN not in enabled_plugin_names(neighbour)
    with tenant_context(neighbour):
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plugin.enabled")).all() == []


def test_the_admin_plugin_page_leads_back_and_describes_every_plugin(app, db, tenant_factory, user_factory):
    import re

    tenant_factory("middelfart", "Middelfart Kommune")
    admin = user_factory(None, platform_admin=True)
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": csrf_token(admin_client, "/login")})
    with admin_client.session_transaction() as session:
        session["lang"] = "en"
    page = admin_client.get("/admin/middelfart/plugins").get_data(as_text=True)
    assert re.search(r'<a href="/admin/"[^>]*>Back to the municipalities</a>', page)
    rows = re.findall(r"<tr>\s*<td>.*?<code>(\w+)</code></td>\s*<td>(.*?)</td>.*?<td class=\"mk-row-actions\">\s*<form",
                      page, re.S)
    names = [name for name, _description in rows]
    assert "middelfart" in names and "network_recruitment" in names
    # Every plugin's row: a description, and its button in a cell that keeps the label on one line.
    assert len(rows) == page.count("<code>")
    descriptions = dict(rows)  # the installed packages' (this module's test plugins have none)
    assert descriptions["network_recruitment"].strip()
    assert "young people aged 15-32" in descriptions["middelfart"]


def test_plugin_settings_fall_back_to_the_declared_defaults(db, town):
    set_plugin_enabled(town, "test_banner", True)
    assert plugin_settings(town, "test_banner") == {"colour": "blue", "size": 3}
    with tenant_context(town):
        row = db.session.scalar(select(PluginEnablement).where(PluginEnablement.plugin == "test_banner"))
        row.settings = {"colour": "red"}
        db.session.flush()  # inside the tenant's context: on PostgreSQL row-level security needs it
    assert plugin_settings(town, "test_banner") == {"colour": "red", "size": 3}


def test_the_relay_is_cached_per_tenant_and_enablement_version(db, town, neighbour):
    """What is cached is the tenant's subset of plugins (no ORM object); each relay is bound to the
    tenant object it was asked for."""
    first = hooks_for(town)
    assert hooks_for(town)._subset is first._subset
    assert hooks_for(neighbour)._subset is not first._subset
    assert "test_banner" in first.removed
    set_plugin_enabled(town, "test_banner", True)
    db.session.commit()
    assert hooks_for(town)._subset is not first._subset
    assert "test_banner" not in hooks_for(town).removed
