"""The API's shared pieces live at the core's level, not in one domain package that the others
import: API helpers in core/api_base.py, schema helpers in core/schemas.py, and one way to cut a
list into pages (core/pagination.py) for the web pages and the API alike."""
from __future__ import annotations

import ast
import re
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
DOMAINS = sorted(p.parent.name for p in CORE.glob("*/api.py"))


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def test_no_api_or_schema_module_imports_another_domains_api_or_schemas():
    assert {"volunteers", "training", "groups"} <= set(DOMAINS)
    offending = []
    for domain in DOMAINS:
        for room in ("api", "schemas"):
            path = CORE / domain / f"{room}.py"
            if not path.exists():
                continue
            for module in imported_modules(path):
                match = re.fullmatch(r"core\.(\w+)\.(api|schemas)(\..*)?", module)
                if match and match.group(1) != domain:
                    offending.append(f"core/{domain}/{room}.py imports {module}")
    assert not offending, offending


def test_every_api_module_uses_the_cores_blueprint():
    for domain in DOMAINS:
        modules = imported_modules(CORE / domain / "api.py")
        assert "core.api_base.Blueprint" in modules, domain
        assert "flask_smorest.Blueprint" not in modules, domain


def test_one_pagination_helper_for_web_and_api():
    """No list cuts its own page (OFFSET, Flask-SQLAlchemy's paginate, a Pagination class of a
    view): core.pagination does, and both the web views and the API reach it."""
    own_paging = re.compile(r"\.offset\(|db\.paginate\(|class Pagination\b")
    offending = [str(path.relative_to(CORE)) for path in CORE.rglob("*.py")
                 if path.name != "pagination.py" and own_paging.search(path.read_text(encoding="utf-8"))]
    assert not offending, offending
    users = {str(path.relative_to(CORE)) for path in CORE.rglob("*.py") if "core.pagination" in path.read_text(encoding="utf-8")}
    assert {"volunteers/services.py", "groups/services.py", "volunteers/views.py", "groups/views.py", "api_base.py"} <= users
