"""Demo data: the three demo municipalities and an account per role."""
from core.accounts import services as accounts
from core.platform.services import create_tenant, get_tenant_by_slug

DEMO_PASSWORD = "mentor-demo-2026"
DEMO_TENANTS = [
    ("middelfart", "Middelfart Kommune", ["middelfart"]),
    ("ishoej", "Ishøj Kommune", ["ishoej"]),
    ("eksempel", "Eksempel Kommune", ["network_recruitment"]),
]
DEMO_ACCOUNTS = [("admin@mentorkorps.dk", None, "platform-admin")] + [
    (f"{role_da}@{slug}.dk", slug, role)
    for slug, _, _ in DEMO_TENANTS
    for role, role_da in (("coordinator", "koordinator"), ("caseworker", "sagsbehandler"), ("mentor", "mentor"))
]
DEMO_NAMES = {"coordinator": "Karen Koordinator", "caseworker": "Søren Sagsbehandler", "mentor": "Mette Mentor"}


def load_demo() -> bool:
    """Create what is missing; returns whether anything was created."""
    created = False
    for slug, name, plugins in DEMO_TENANTS:
        if get_tenant_by_slug(slug) is None:
            create_tenant(slug, name, plugins)
            created = True
    for email, slug, role in DEMO_ACCOUNTS:
        if accounts.find_user(email) is not None:
            continue
        if slug is None:
            accounts.create_user(email, DEMO_PASSWORD, name="Platform Admin", platform_admin=True)
        else:
            user = accounts.create_user(email, DEMO_PASSWORD, name=DEMO_NAMES[role])
            accounts.add_membership(user, get_tenant_by_slug(slug), role)
        created = True
    return created
