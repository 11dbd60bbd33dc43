"""No import cycles between the core's service layers.

A cycle is often hidden by an import inside a function (it then "works" until someone moves it to
the top of the file, or imports the modules in the other order). So the graph is read from the
source, imports inside functions included (``if TYPE_CHECKING:`` blocks excluded), and no service
module may reach another service module that reaches it back, through any path of core modules.
The services are every ``core/*/services.py`` and the plugin manager (``core/hooks/manager.py``,
which once imported ``core/platform/services.py`` while that imported it back).

A second test imports each of them alone in a fresh interpreter, so that one which works only
because another was imported first fails here.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"


def core_modules() -> dict[str, Path]:
    modules = {}
    for path in CORE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(node) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree):
    """Every Import/ImportFrom node, at any depth, outside ``if TYPE_CHECKING:``."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        pending.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """module -> the core modules it imports (anywhere in its source)."""
    modules = core_modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(resolve(alias.name) for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:  # `from core.x import services` imports the module core.x.services
                full = f"{base}.{alias.name}"
                targets.add(full if full in modules else resolve(base))
        graph[name] = {t for t in targets if t and t != name}
    return graph


def path_between(graph, start: str, goal: str) -> list[str] | None:
    previous, queue = {start: None}, deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for target in sorted(graph.get(node, ())):
            if target not in previous:
                previous[target] = node
                queue.append(target)
    return None


def service_modules() -> list[str]:
    names = sorted(f"core.{p.parent.name}.services" for p in CORE.glob("*/services.py"))
    return names + ["core.hooks.manager"]


def test_the_graph_reader_sees_imports_inside_functions():
    graph = import_graph()
    # `from core.accounts import services as accounts` inside create_mentor_account, for instance.
    assert "core.accounts.services" in graph["core.volunteers.services"]
    assert "core.training.services" in graph["core.training.api"]
    assert {"core.platform.services", "core.volunteers.services", "core.training.services",
            "core.hooks.manager"} <= set(service_modules())


def test_no_import_cycle_between_service_modules():
    graph = import_graph()
    services = service_modules()
    cycles = []
    for i, first in enumerate(services):
        for second in services[i + 1:]:
            there, back = path_between(graph, first, second), path_between(graph, second, first)
            if there and back:
                cycles.append(" -> ".join(there) + "  and back: " + " -> ".join(back))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_each_service_module_imports_alone_in_a_fresh_interpreter():
    modules = service_modules() + ["core.training.queries"]
    runs = {name: subprocess.Popen([sys.executable, "-c", f"import {name}"], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in modules}
    failures = {}
    for name, process in runs.items():
        _out, err = process.communicate(timeout=120)
        if process.returncode != 0:
            failures[name] = err.strip().splitlines()[-1:]
    assert not failures, failures
