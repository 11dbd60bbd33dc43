"""Every hookspec is documented (docstring and docs/hooks.md) and tested, and the core calls hooks
only through the per-tenant relay. After Datasette's ``test_plugin_hooks_are_documented`` and
``test_plugin_hooks_have_tests``."""
import ast
import re
from pathlib import Path

import pytest

from core.hooks import specs
from tests.core.helpers import hookspec_names

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "hooks.md"
HOOKS = hookspec_names()


def _doc_sections():
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^## (mentorkorps_\w+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_there_are_hookspecs():
    assert len(HOOKS) >= 17
    assert all(name.startswith("mentorkorps_") for name in HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_has_a_docstring_with_an_example(name):
    doc = getattr(specs, name).__doc__ or ""
    assert len(doc.strip().splitlines()[0]) > 10, f"{name} needs a one-line purpose"
    assert "Example" in doc, f"{name}'s docstring has no example"
    assert f"def {name}(" in doc, f"{name}'s example does not implement {name}"


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_is_documented_in_docs(name):
    sections = _doc_sections()
    assert name in sections, f"docs/hooks.md has no '## {name}' section"
    section = sections[name]
    assert "**Arguments:**" in section and "**Returns:**" in section, f"{name}: arguments or return contract missing"
    assert "```python" in section and f"def {name}(" in section, f"{name}: no example in docs/hooks.md"
    for argument in specs_argnames(name):
        assert f"`{argument}`" in section, f"docs/hooks.md does not describe {name}'s argument {argument!r}"


def specs_argnames(name):
    import inspect

    return list(inspect.signature(getattr(specs, name)).parameters)


def test_docs_document_no_hook_that_does_not_exist():
    assert set(_doc_sections()) <= set(HOOKS)


def _test_functions_outside_this_file():
    """``(name, source)`` of every test function in tests/, this file excepted."""
    this = Path(__file__).resolve()
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.resolve() == this:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                yield node.name, ast.get_source_segment(source, node) or ""


@pytest.mark.parametrize("name", HOOKS)
def test_plugin_hooks_have_tests(name):
    assert any(name in test_name or name in body for test_name, body in _test_functions_outside_this_file()), (
        f"no test mentions the hook {name}: add one to tests/core/test_hookspecs.py")


def test_pm_hook_is_not_used_outside_core_hooks():
    """The core calls hooks only through ``current_hooks()``/``hooks_for()`` — never ``pm.hook.``,
    which would run every tenant's plugins."""
    offenders, scanned = [], 0
    for top in ("core", "plugins", "municipalities", "bench", "scripts"):
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else ():
            if (ROOT / "core" / "hooks") in path.parents:
                continue
            scanned += 1
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if "pm.hook." in line or re.search(r"\.hook\.mentorkorps_", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert scanned > 10
    assert not offenders, "\n".join(offenders)
