"""Migration 0003 (tenancy sealed) on a database that already holds data: down to 0002 and up to
head again keeps every row, fills the association table's tenant_id from its groups, and on
SQLite does not let batch mode's table rebuilds cascade into the referencing tables."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.extensions import db
from core.tenancy import tenant_context, unscoped
from tests.conftest import make_app
from tests.core.test_migrations import scratch_database_url  # noqa: F401  (the fixture)

TABLES = ["volunteer", "screening", "volunteer_status_change", "course", "course_session", "course_enrollment",
          "session_attendance", "volunteer_group", "volunteer_group_member", "group_meeting",
          "group_meeting_participant"]


def _counts():
    with unscoped():
        return {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def test_down_to_0002_and_up_again_keeps_every_row(scratch_database_url):
    from core.platform.services import create_tenant
    from tests.core.test_tenancy_sealed import _tenant_rows

    app = make_app(scratch_database_url)
    with app.app_context():
        try:
            upgrade()
            tenants = [create_tenant(slug, slug.title(), ()) for slug in ("aarhus", "odense")]
            db.session.commit()
            for tenant in tenants:
                with tenant_context(tenant):
                    _tenant_rows(db, tenant.slug)
                    db.session.commit()
            ids = {t.slug: t.id for t in tenants}
            before = _counts()
            assert all(before[t] >= 2 for t in TABLES), before
            db.session.remove()

            downgrade(revision="0002")
            with unscoped():
                assert db.session.execute(text("SELECT count(*) FROM volunteer")).scalar() == before["volunteer"]
                db.session.rollback()
            db.session.remove()

            upgrade()
            assert _counts() == before
            with unscoped():
                members = db.session.execute(text(
                    "SELECT m.tenant_id, g.tenant_id FROM volunteer_group_member m "
                    "JOIN volunteer_group g ON g.id = m.group_id")).all()
            assert sorted(members) == sorted((i, i) for i in ids.values())
        finally:
            db.session.remove()
            db.engine.dispose()
