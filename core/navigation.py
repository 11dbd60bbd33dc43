from flask_login import current_user

from core.tenancy import current_tenant
from core.access import current_role
from core.hooks import current_hooks
from core.urls import url_for  # each item's link built once per app, not per page


def menu_items():
    """The main navigation of the signed-in member: the menu hook's items for their role."""
    role = current_role()
    items = [item for items in current_hooks().mentorkorps_menu_items(user=current_user, role=role) for item in items]
    seen, result = set(), []
    for item in sorted(items, key=lambda i: (i.order, i.key)):
        if role in item.roles and item.key not in seen:
            seen.add(item.key)
            result.append({"key": item.key, "label": item.label, "url": url_for(item.endpoint, tenant=current_tenant().slug, **item.params)})
    return result
