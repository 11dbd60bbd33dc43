"""Flask extensions, created unbound and bound to an app in :func:`core.create_app`."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from core.api_base import MentorkorpsApi

# Named constraints keep Alembic's batch mode (SQLite) and downgrades deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantSession(FlaskSession):
    """The application's session: the tenancy mechanism (:mod:`core.tenancy`) below the queries.

    - ``get()`` (and ``get_one()``, ``Query.get()``) never hands out a row of another tenant from
      the identity map: one session may load rows of several tenants in turn (the CLI, the demo
      loader, jobs), and a primary-key lookup is answered from the identity map without SQL, so
      the query filter alone cannot stop it.
    - ``flush()`` marks the unit of work's own Core statements (INSERT/UPDATE/DELETE of the objects
      the flush events have already checked, and relationship association rows) so that the guard
      against Core and text statements on tenant tables lets them through.
    """

    def _get_impl(self, *args, **kwargs):
        from core.tenancy import visible_in_tenant_context

        return visible_in_tenant_context(super()._get_impl(*args, **kwargs))

    def flush(self, objects=None):
        from core.tenancy import unit_of_work

        with unit_of_work():
            super().flush(objects)


db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate()
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
api = MentorkorpsApi()
