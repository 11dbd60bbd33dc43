from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.tenancy import TenantScoped, utcnow


class PluginEnablement(TenantScoped, db.Model):
    """A plugin a tenant has switched on, with the tenant's own values for its settings."""

    __tablename__ = "plugin_enablement"
    __table_args__ = (UniqueConstraint("tenant_id", "plugin"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(80))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled_at: Mapped[datetime] = mapped_column(default=utcnow)
