"""The fixtures of the course page tests serve the group-meeting tests too."""
from tests.core.training.conftest import coordinator, days, in_tenant, volunteer_factory  # noqa: F401
