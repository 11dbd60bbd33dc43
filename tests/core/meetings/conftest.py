"""The matching fixtures (matching_tenant, mentor_factory, referral_factory) for the meeting pages."""
from tests.core.matching.conftest import extra_plugins, matching_tenant, mentor_factory, referral_factory  # noqa: F401
