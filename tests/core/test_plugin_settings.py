"""A plugin's settings: declared with their rules, shown to the tenant's coordinator on the settings
page in Danish and English, checked by the service (nothing saved unless every value holds), audited,
and read by the plugin's hooks from the relay's cache, so a change takes effect on the next request
in every worker and for no other tenant."""
import pytest
from sqlalchemy import select

from core.audit.models import AuditEvent
from core.errors import ServiceError
from core.hooks import PluginInfo, hooks_for
from core.hooks.types import Code, Setting
from core.platform.services import plugin_settings, set_plugin_enabled, update_plugin_settings
from core.tenancy import tenant_context
from tests.conftest import login, make_app, post_form
from tests.core.helpers import make_plugin

SETTINGS = (
    Setting("max_age", "Highest age", 30, min=15, max=40, help="The oldest young person the corps takes."),
    Setting("postcodes", "Postcodes", ["2635"], kind="list", min=1, max=5),
    Setting("ask_network", "Ask about the network", True, kind="bool"),
    Setting("rhythm", "Meeting rhythm", "monthly", kind="choice",
            choices=(Code("monthly", "Every month"), Code("six_weeks", "Every six weeks"))),
    Setting("greeting", "Greeting", "Hej", kind="text", max=20),
)


def _rule_plugin():
    """Its target-group rule reads the tenant's ``max_age`` through the relay on every call."""
    from core.hooks.types import Finding, Rule

    module = make_plugin("agerule")
    module.PLUGIN = PluginInfo(name="agerule", title="Age rule plugin", settings=SETTINGS)

    def target_group_rules(tenant):
        limit = module.PLUGIN.setting(tenant, "max_age")
        return [Rule("age", "Age", lambda **_: Finding("age", f"limit {limit}", blocking=True))]

    from core.hooks import hookimpl

    module.mentorkorps_target_group_rules = hookimpl(target_group_rules)
    return module


@pytest.fixture
def extra_plugins():
    return (_rule_plugin(),)


@pytest.fixture
def town(tenant_factory):
    return tenant_factory("testby", "Testby Kommune", plugins=("agerule",))


@pytest.fixture
def neighbour(tenant_factory):
    return tenant_factory("naboby", "Naboby Kommune", plugins=("agerule",))


def _limit(tenant):
    rules = [r for batch in hooks_for(tenant).mentorkorps_target_group_rules() for r in batch or []]
    return rules[0].check().message


def test_the_declared_defaults_hold_until_changed(db, town):
    assert plugin_settings(town, "agerule") == {"max_age": 30, "postcodes": ["2635"], "ask_network": True,
                                                "rhythm": "monthly", "greeting": "Hej"}
    assert _limit(town) == "limit 30"


def test_a_change_is_checked_saved_audited_and_read_by_the_hooks_of_that_tenant_only(db, town, neighbour):
    assert _limit(town) == "limit 30" and _limit(neighbour) == "limit 30"  # both relays cached
    update_plugin_settings(town, "agerule", {"max_age": 32, "postcodes": "2635, 2640 2635"})
    db.session.commit()
    assert plugin_settings(town, "agerule")["postcodes"] == ["2635", "2640"]
    assert _limit(town) == "limit 32"
    assert _limit(neighbour) == "limit 30"
    with tenant_context(town):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plugin.settings_updated"))
        assert event.details["plugin"] == "agerule" and event.details["keys"] == ["max_age", "postcodes"]
    with tenant_context(neighbour):
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plugin.settings_updated")) is None


@pytest.mark.parametrize("values, field", [
    ({"max_age": 41}, "max_age"),
    ({"max_age": "32"}, "max_age"),
    ({"max_age": True}, "max_age"),
    ({"postcodes": []}, "postcodes"),
    ({"postcodes": ["1", "2", "3", "4", "5", "6"]}, "postcodes"),
    ({"ask_network": "yes"}, "ask_network"),
    ({"rhythm": "weekly"}, "rhythm"),
    ({"greeting": "x" * 21}, "greeting"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_value_is_refused_by_field_and_nothing_is_saved(db, town, values, field):
    with pytest.raises(ServiceError) as refused:
        update_plugin_settings(town, "agerule", {"greeting": "Goddag", **values})
    assert field in refused.value.errors
    assert plugin_settings(town, "agerule")["greeting"] == "Hej"  # the good value was not saved either


def test_settings_of_a_plugin_the_tenant_has_not_enabled_are_refused(db, tenant_factory):
    other = tenant_factory("andenby", "Andenby Kommune")
    with pytest.raises(ServiceError):
        update_plugin_settings(other, "agerule", {"max_age": 20})
    with pytest.raises(ServiceError):
        update_plugin_settings(other, "no_such_plugin", {"max_age": 20})


def test_the_coordinator_changes_a_setting_on_the_page_and_it_holds_in_every_worker(app, db, town, user_factory,
                                                                                    extra_plugins, _schema):
    user = user_factory(town, "coordinator")
    client = login(app.test_client(), user, town)
    db.session.commit()  # the test's own session holds no transaction while the requests write
    other_worker = make_app(_schema, extra_plugins)
    try:
        with other_worker.app_context():
            from core.platform.services import get_tenant_by_slug

            assert _limit(get_tenant_by_slug("testby")) == "limit 30"  # the other worker has cached it
        page = client.get("/testby/settings/").get_data(as_text=True)
        assert 'data-testid="plugin-settings-agerule"' in page and "Age rule plugin" in page
        assert "The oldest young person the corps takes." in page
        response = post_form(client, "/testby/settings/plugins/agerule", {
            "agerule-max_age": "25", "agerule-postcodes": "2635", "agerule-ask_network": "y",
            "agerule-rhythm": "six_weeks", "agerule-greeting": "Hej"}, page="/testby/settings/")
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        assert plugin_settings(town, "agerule")["max_age"] == 25
        assert plugin_settings(town, "agerule")["rhythm"] == "six_weeks"
        db.session.commit()
        with other_worker.app_context():
            from core.platform.services import get_tenant_by_slug

            assert _limit(get_tenant_by_slug("testby")) == "limit 25"
    finally:
        with other_worker.app_context():
            db.engine.dispose()


def test_the_page_shows_a_refused_value_next_to_its_field(app, db, town, user_factory):
    client = login(app.test_client(), user_factory(town, "coordinator"), town)
    response = post_form(client, "/testby/settings/plugins/agerule", {
        "agerule-max_age": "99", "agerule-postcodes": "2635", "agerule-rhythm": "monthly", "agerule-greeting": "Hej"},
        page="/testby/settings/")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-field="agerule-max_age"' in page and "15" in page and "40" in page
    assert plugin_settings(town, "agerule")["max_age"] == 30


def test_the_settings_section_follows_the_language(app, db, town, user_factory):
    client = login(app.test_client(), user_factory(town, "coordinator"), town)
    danish = client.get("/testby/settings/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Gem indstillingerne for Age rule plugin" in danish
    assert post_form(client, "/lang", {"lang": "en", "next": "/testby/settings/"}, page="/testby/settings/").status_code == 302
    english = client.get("/testby/settings/").get_data(as_text=True)
    assert "Save the settings of Age rule plugin" in english


def test_only_a_coordinator_changes_settings_and_another_tenant_cannot(app, db, town, neighbour, user_factory):
    caseworker = login(app.test_client(), user_factory(town, "caseworker"), town)
    assert caseworker.post("/testby/settings/plugins/agerule", data={"agerule-max_age": "20"}).status_code in (403, 404, 400)
    stranger = login(app.test_client(), user_factory(neighbour, "coordinator"), neighbour)
    response = stranger.post("/testby/settings/plugins/agerule", data={"agerule-max_age": "20"})
    assert response.status_code == 404
    assert plugin_settings(town, "agerule")["max_age"] == 30


def test_a_plugin_without_settings_or_not_enabled_has_no_section(app, db, tenant_factory, user_factory):
    plain = tenant_factory("andenby", "Andenby Kommune")
    client = login(app.test_client(), user_factory(plain, "coordinator"), plain)
    assert "plugin-settings-agerule" not in client.get("/andenby/settings/").get_data(as_text=True)
    assert post_form(client, "/andenby/settings/plugins/agerule", {"agerule-max_age": "20"},
                     page="/andenby/settings/").status_code == 404
    set_plugin_enabled(plain, "agerule", True)
    db.session.commit()
    assert "plugin-settings-agerule" in client.get("/andenby/settings/").get_data(as_text=True)
