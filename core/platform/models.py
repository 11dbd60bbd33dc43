from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.tenancy import TenantScoped, tenant_context, utcnow


class PluginEnablement(TenantScoped, db.Model):
    """A plugin a tenant has switched on, with the tenant's own values for its settings."""

    __tablename__ = "plugin_enablement"
    __table_args__ = (UniqueConstraint("tenant_id", "plugin"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(80))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)

    @classmethod
    def names_for(cls, tenant) -> frozenset[str]:
        """The names of the plugins ``tenant`` has enabled."""
        with tenant_context(tenant):
            return frozenset(db.session.scalars(select(cls.plugin)))

    @classmethod
    def settings_for(cls, tenant) -> dict[str, dict]:
        """``{plugin name: the tenant's own setting values}`` for every plugin ``tenant`` has enabled."""
        with tenant_context(tenant):
            return {name: settings or {} for name, settings in db.session.execute(select(cls.plugin, cls.settings))}
