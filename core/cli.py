"""The ``mentorkorps`` command line (CONTRACT.md section 2). ``mentorkorps db ...`` is Flask-Migrate's."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from core.errors import ServiceError
from core.extensions import db


def _create_app():
    from core import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """Mentorkorps: volunteer mentor corps for municipalities."""


def _fail(error: ServiceError):
    db.session.rollback()
    raise click.ClickException(str(error.message))


tenant_cli = click.Group("tenant", help="Municipalities (tenants).")
user_cli = click.Group("user", help="Users and their memberships.")


@tenant_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The municipality's name as shown on pages.")
@click.option("--plugin", "plugins", multiple=True, help="Enable this plugin (repeatable).")
@with_appcontext
def tenant_create(slug, name, plugins):
    """Create a municipality with the short name SLUG (used in URLs)."""
    from core.platform.services import create_tenant

    try:
        tenant = create_tenant(slug, name, plugins)
        db.session.commit()
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {tenant.slug} ({tenant.name}) with plugins: {', '.join(plugins) or '-'}")


@tenant_cli.command("plugin")
@click.argument("slug")
@click.argument("plugin")
@click.option("--enable/--disable", default=True)
@with_appcontext
def tenant_plugin(slug, plugin, enable):
    """Enable or disable PLUGIN for the municipality SLUG."""
    from core.platform.services import get_tenant_by_slug, set_plugin_enabled

    tenant = get_tenant_by_slug(slug)
    if tenant is None:
        raise click.ClickException(f"No municipality {slug!r}")
    try:
        set_plugin_enabled(tenant, plugin, enable)
        db.session.commit()
    except ServiceError as error:
        _fail(error)
    click.echo(f"{plugin} {'enabled' if enable else 'disabled'} for {slug}")


@user_cli.command("create")
@click.argument("email")
@click.option("--tenant", "slug", help="The municipality the user belongs to.")
@click.option("--role", type=click.Choice(["coordinator", "caseworker", "mentor"]))
@click.option("--platform-admin", is_flag=True, help="Administrator of the whole platform.")
@click.option("--name", default="", help="The user's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def user_create(email, slug, role, platform_admin, name, password_stdin):
    """Create a user, or add a membership to an existing one."""
    from core.accounts import services as accounts
    from core.platform.services import get_tenant_by_slug

    if platform_admin == bool(slug or role):
        raise click.UsageError("give either --tenant and --role, or --platform-admin")
    if slug and not role:
        raise click.UsageError("--role is required with --tenant")
    tenant = None
    if slug:
        tenant = get_tenant_by_slug(slug)
        if tenant is None:
            raise click.ClickException(f"No municipality {slug!r}")
    user = accounts.find_user(email)
    try:
        if user is None:
            password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt("Password", hide_input=True, confirmation_prompt=True)
            user = accounts.create_user(email, password, name=name, platform_admin=platform_admin)
        elif platform_admin:
            user.is_platform_admin = True
        if tenant is not None:
            accounts.add_membership(user, tenant, role)
        db.session.commit()
    except ServiceError as error:
        _fail(error)
    click.echo(f"User {user.email}: " + (f"{role} in {slug}" if tenant else "platform administrator"))


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo municipalities and accounts (does nothing when they are there)."""
    from core.demo import load_demo

    created = load_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data is already there.")


@click.command("info")
@with_appcontext
def info_command():
    """Print where to sign in and the demo accounts."""
    from core.demo import DEMO_PASSWORD, demo_accounts, demo_tenants

    port = current_app.config.get("PORT") or __import__("os").environ.get("PORT", "5000")
    example = f"  (e.g. http://127.0.0.1:{port}/{demo_tenants()[0].slug}/)" if demo_tenants() else ""
    click.echo(f"\nMentorkorps: http://127.0.0.1:{port}/{example}")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, slug, role in demo_accounts():
        click.echo(f"  {email:32} {slug or '(platform)':12} {role}")
    click.echo("")


@click.command("import")
@click.option("--tenant", "slug", required=True, help="The municipality to import into.")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def import_command(slug, path):
    """Import a corps' records from PATH: an .xlsx workbook or a folder of CSV files (docs/import.md).
    Nothing is imported if any row has a problem; re-importing the same file changes nothing."""
    from flask_babel import force_locale

    from core.transfer.services import ImportRefused, import_records

    tenant = _tenant_or_fail(slug)
    terminal = _on_terminal()
    bar = None

    def start(total):
        nonlocal bar
        if terminal:  # a progress bar on a terminal only, not in a log or a pipe
            bar = click.progressbar(length=total, label="Importing").__enter__()

    with force_locale("en"):  # the command line speaks English, as its other messages do
        try:
            counts = import_records(tenant, path, on_plan=start, progress=lambda n: bar.update(n) if bar else None)
            db.session.commit()
        except ImportRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{len(refused.problems)} problem(s); nothing was imported.", err=True)
            sys.exit(1)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
    for sheet, count in counts.items():
        click.echo(f"{sheet}: {count['inserted']} inserted, {count['updated']} updated, {count['unchanged']} unchanged")


@click.command("export")
@click.option("--tenant", "slug", required=True, help="The municipality to export.")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def export_command(slug, path):
    """Export the municipality's records to PATH: a workbook when PATH ends in .xlsx, otherwise a
    folder of CSV files (made if missing), in the import format."""
    from core.transfer.services import export_records

    tenant = _tenant_or_fail(slug)
    counts = export_records(tenant, path)
    db.session.commit()
    click.echo(f"Exported to {path}: " + ", ".join(f"{sheet} {n}" for sheet, n in counts.items()))


def _on_terminal() -> bool:
    return sys.stdout.isatty()


def _tenant_or_fail(slug):
    from core.platform.services import get_tenant_by_slug

    tenant = get_tenant_by_slug(slug)
    if tenant is None:
        raise click.ClickException(f"No municipality {slug!r}")
    return tenant


def register(app):
    app.cli.add_command(tenant_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(info_command)
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
