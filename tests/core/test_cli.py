"""The command line of CONTRACT.md section 2: ``tenant create``, ``user create``, ``demo``."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from core.accounts.models import Membership, User
from core.accounts.services import authenticate, membership_of
from core.demo import DEMO_PASSWORD, demo_accounts, demo_tenants
from core.platform.services import enabled_plugin_names, get_tenant_by_slug
from core.tenancy import Municipality, unscoped
from tests.conftest import csrf_token

CLI_PASSWORD = "cli-password-1234"


@pytest.fixture
def run(app, db):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        db.session.commit()  # the command runs in its own session: leave the database to it
        result = runner.invoke(args=list(args), input=input)
        db.session.rollback()  # and read what it committed afresh
        return result

    return run


def _danish(app, msgid, **kwargs):
    with app.app_context(), force_locale("da"):
        return gettext(msgid, **kwargs)


def test_tenant_create_with_plugins(run, db):
    result = run("tenant", "create", "testby", "--name", "Testby Kommune", "--plugin", "network_recruitment")
    assert result.exit_code == 0, result.output
    assert "testby" in result.output
    tenant = get_tenant_by_slug("testby")
    assert tenant.name == "Testby Kommune"
    assert enabled_plugin_names(tenant) == {"network_recruitment"}


def test_tenant_create_refuses_a_taken_or_bad_slug_with_a_message(app, run, db):
    assert run("tenant", "create", "testby", "--name", "Testby").exit_code == 0
    taken = run("tenant", "create", "testby", "--name", "Testby igen")
    assert taken.exit_code == 1
    assert _danish(app, "A municipality with this short name already exists.") in taken.output
    bad = run("tenant", "create", "Test By", "--name", "Testby")
    assert bad.exit_code == 1
    assert _danish(app, "The short name must be 2-40 lower-case letters, digits or dashes.") in bad.output
    assert run("tenant", "create", "api", "--name", "Reserved").exit_code == 1
    assert db.session.scalar(select(func.count(Municipality.id))) == 1


def test_tenant_create_refuses_another_municipalitys_plugin_and_creates_nothing(run, db):
    result = run("tenant", "create", "testby", "--name", "Testby", "--plugin", "middelfart")
    assert result.exit_code == 1
    assert get_tenant_by_slug("testby") is None


def test_tenant_plugin_enables_and_disables(run, db):
    run("tenant", "create", "testby", "--name", "Testby")
    assert run("tenant", "plugin", "testby", "network_recruitment", "--enable").exit_code == 0
    assert enabled_plugin_names(get_tenant_by_slug("testby")) == {"network_recruitment"}
    assert run("tenant", "plugin", "testby", "network_recruitment", "--disable").exit_code == 0
    assert enabled_plugin_names(get_tenant_by_slug("testby")) == frozenset()


def test_user_create_with_tenant_role_and_password_from_stdin(app, run, db, tenant):
    result = run("user", "create", "Karen@Testby.dk", "--tenant", tenant.slug, "--role", "caseworker",
                 "--name", "Karen", "--password-stdin", input=CLI_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = authenticate("karen@testby.dk", CLI_PASSWORD)
    assert user is not None and user.name == "Karen" and not user.is_platform_admin
    assert membership_of(user, tenant).role == "caseworker"
    # The account works through the login form.
    client = app.test_client()
    response = client.post(f"/{tenant.slug}/login", data={"email": "karen@testby.dk", "password": CLI_PASSWORD,
                                                          "csrf_token": csrf_token(client, f"/{tenant.slug}/login")})
    assert response.status_code == 302 and response.location == f"/{tenant.slug}/"


def test_user_create_adds_a_membership_to_an_existing_user(run, db, tenant, other_tenant):
    run("user", "create", "mette@example.dk", "--tenant", tenant.slug, "--role", "mentor", "--password-stdin",
        input=CLI_PASSWORD + "\n")
    result = run("user", "create", "mette@example.dk", "--tenant", other_tenant.slug, "--role", "coordinator")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "mette@example.dk"))
    assert membership_of(user, tenant).role == "mentor"
    assert membership_of(user, other_tenant).role == "coordinator"
    assert authenticate("mette@example.dk", CLI_PASSWORD) is not None  # the password is kept


def test_user_create_platform_admin(run, db):
    result = run("user", "create", "admin@example.dk", "--platform-admin", "--password-stdin",
                 input=CLI_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = authenticate("admin@example.dk", CLI_PASSWORD)
    assert user.is_platform_admin
    with unscoped():
        assert db.session.scalar(select(func.count(Membership.id)).where(Membership.user_id == user.id)) == 0


@pytest.mark.parametrize("args, code", [
    (["user", "create", "a@example.dk", "--platform-admin", "--tenant", "middelfart", "--role", "mentor"], 2),
    (["user", "create", "a@example.dk"], 2),
    (["user", "create", "a@example.dk", "--tenant", "middelfart"], 2),
    (["user", "create", "a@example.dk", "--tenant", "middelfart", "--role", "boss"], 2),
    (["user", "create", "a@example.dk", "--tenant", "nowhere", "--role", "mentor", "--password-stdin"], 1),
])
def test_user_create_refuses_wrong_arguments(run, db, tenant, args, code):
    result = run(*args, input=CLI_PASSWORD + "\n")
    assert result.exit_code == code, result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_user_create_refuses_a_short_password(app, run, db, tenant):
    result = run("user", "create", "a@example.dk", "--tenant", tenant.slug, "--role", "mentor", "--password-stdin",
                 input="short\n")
    assert result.exit_code == 1
    assert _danish(app, "The password must be at least %(n)s characters.", n=10) in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def _counts(db):
    with unscoped():
        return (db.session.scalar(select(func.count(Municipality.id))), db.session.scalar(select(func.count(User.id))),
                db.session.scalar(select(func.count(Membership.id))))


def test_demo_loads_the_demo_data_and_is_idempotent(run, db):
    first = run("demo")
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert {demo.slug for demo in demo_tenants()} == {"middelfart", "ishoej", "eksempel"}  # CONTRACT.md section 1
    assert counts == (len(demo_tenants()), len(demo_accounts()), len(demo_accounts()) - 1)
    for demo in demo_tenants():
        tenant = get_tenant_by_slug(demo.slug)
        assert tenant.name == demo.name and enabled_plugin_names(tenant) == set(demo.plugins)
    for email, slug, role in demo_accounts():
        user = authenticate(email, DEMO_PASSWORD)
        assert user is not None, email
        if slug is None:
            assert user.is_platform_admin
        else:
            assert membership_of(user, get_tenant_by_slug(slug)).role == role

    second = run("demo")
    assert second.exit_code == 0, second.output
    assert second.output != first.output
    assert _counts(db) == counts


def test_the_installed_command_has_the_contract_commands(database_url):
    command = shutil.which("mentorkorps", path=str(Path(sys.executable).parent))
    assert command, "the mentorkorps console script is not installed in the venv"
    env = {**os.environ, "DATABASE_URL": database_url}
    listing = subprocess.run([command, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert listing.returncode == 0, listing.stderr
    for name in ("db", "tenant", "user", "demo"):
        assert f"  {name} " in listing.stdout or f"  {name}\n" in listing.stdout, listing.stdout
    user_help = subprocess.run([command, "user", "create", "--help"], capture_output=True, text=True, env=env,
                               timeout=60)
    for option in ("--tenant", "--role", "--platform-admin", "--password-stdin"):
        assert option in user_help.stdout
