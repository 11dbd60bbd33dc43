"""The catalogues: complete in Danish and English for the core and for every plugin domain, in step
with the source, and each plugin's strings translated through its own domain only.

Everything is walked from the source tree (``tests/catalogues.py``), so new packages, templates and
strings are covered without touching this file. When a test here fails because of new strings,
run ``make i18n-extract`` and translate the new Danish entries.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import Domain, force_locale, gettext

from core.i18n import plugin_domain
from tests.catalogues import (
    LOCALES,
    ROOT,
    compile_catalogues,
    extract_source,
    message_key,
    message_keys,
    read_catalogue,
    translation_domains,
)

DOMAINS = translation_domains()
PLUGIN_DOMAINS = [d for d in DOMAINS if d.module]
BRACES = re.compile(r"\{[^{}]*\}")
PYTHON_FORMAT = re.compile(r"%(?:\(\w+\))?[sdif%]")
HINT = "run `make i18n-extract` and translate the new entries"


@pytest.fixture(scope="module", autouse=True)
def _compiled():
    compile_catalogues()


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def test_the_core_and_every_plugin_package_are_domains():
    names = [d.name for d in DOMAINS]
    assert names[0] == "messages"
    assert {"network_recruitment", "middelfart", "ishoej"} <= set(names)
    assert len(names) == len(set(names)), "two packages would share a translation domain"


@pytest.mark.parametrize("domain", DOMAINS, ids=str)
def test_the_template_is_up_to_date_with_the_source(domain):
    assert domain.pot.exists(), f"{domain.pot} is missing: {HINT}"
    source = message_keys(extract_source(domain.source))
    template = message_keys(read_catalogue(domain.pot))
    assert not source - template, f"strings in the source but not in {domain.pot.name}: {sorted(source - template)}; {HINT}"
    assert not template - source, f"strings in {domain.pot.name} no longer in the source: {sorted(template - source)}; {HINT}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", DOMAINS, ids=str)
def test_the_catalogue_has_every_string_of_the_source(domain, locale):
    po = domain.po(locale)
    assert po.exists(), f"{po.relative_to(ROOT)} is missing: {HINT}"
    source = message_keys(extract_source(domain.source))
    catalogue = message_keys(read_catalogue(po, locale))
    assert not source - catalogue, f"missing in {po.relative_to(ROOT)}: {sorted(source - catalogue)}; {HINT}"
    assert not catalogue - source, f"stale in {po.relative_to(ROOT)}: {sorted(catalogue - source)}; {HINT}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", DOMAINS, ids=str)
def test_the_catalogue_has_no_untranslated_and_no_fuzzy_entries(domain, locale):
    catalog = read_catalogue(domain.po(locale), locale)
    assert str(catalog.locale) == locale
    assert not catalog.fuzzy, f"{domain.po(locale).name} ({locale}) is marked fuzzy in its header"
    untranslated = [m.id for m in catalog if m.id and not all(s.strip() for s in _strings(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated in {domain.name} ({locale}): {untranslated}"
    assert not fuzzy, f"fuzzy in {domain.name} ({locale}): {fuzzy}"
    for message in catalog:
        if message.id and isinstance(message.id, (list, tuple)):
            assert len(_strings(message)) == catalog.num_plurals, f"plural forms missing for {message.id!r} ({locale})"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("domain", DOMAINS, ids=str)
def test_translations_keep_every_placeholder(domain, locale):
    """``%(name)s`` (gettext) and ``{min}`` (marshmallow) placeholders survive translation, and a
    translation brings no ``%`` of its own (Jinja's gettext formats every string with ``%``)."""
    catalog = read_catalogue(domain.po(locale), locale)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, f"babel's checks fail in {domain.name} ({locale}): {problems}"
    for message in catalog:
        if not message.id:
            continue
        ids, strings = _ids(message), [s for s in _strings(message) if s]  # empty ones: the untranslated test
        if not strings:
            continue
        for pattern in (BRACES, PYTHON_FORMAT):
            expected = set().union(*(pattern.findall(i) for i in ids))
            found = [set(pattern.findall(s)) for s in strings]
            if len(ids) == 1:  # exactly the msgid's placeholders
                assert found[0] == expected, f"{message.id!r} -> {strings[0]!r} ({locale})"
            else:  # a plural form may leave the number out, but all forms together keep every one
                assert all(f <= expected for f in found) and set().union(*found) == expected, f"{message.id!r} -> {strings!r} ({locale})"
        if "%" not in "".join(ids):
            assert not any("%" in s for s in strings), f"{message.id!r} -> {strings!r}: a '%' the msgid does not have ({locale})"


@pytest.mark.parametrize("domain", DOMAINS, ids=str)
def test_danish_is_not_a_copy_of_the_english(domain):
    """A catalogue filled with the English text would pass the untranslated check; Danish is the
    default language, so most strings must differ. Names, codes and loanwords may stay."""
    catalog = read_catalogue(domain.po("da"), "da")
    messages = [m for m in catalog if m.id]
    same = [m.id for m in messages if _strings(m) == _ids(m)[: len(_strings(m))]]
    assert len(same) <= max(2, len(messages) // 10), f"{domain.name}: Danish equals the English for {same}"


@pytest.mark.parametrize("domain", PLUGIN_DOMAINS, ids=str)
def test_plugin_strings_are_marked_with_the_plugins_own_domain(domain):
    """flask_babel's own gettext/lazy_gettext translate through the core catalogue, where a
    plugin's strings are not: a plugin package marks its strings with its own domain."""
    forbidden = {"gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "lazy_pgettext", "_", "_l"}
    offenders = []
    for path in sorted(domain.source.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                offenders += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name in forbidden]
    assert not offenders, f"{domain.name} uses the core domain: {offenders}"
    if not list(extract_source(domain.source)):
        return
    module = importlib.import_module(domain.module)
    own = getattr(module, "domain", None)
    assert isinstance(own, Domain), f"{domain.module} has strings but no `domain = plugin_domain(__file__, {domain.name!r})`"
    assert own.domain == [domain.name]
    assert [Path(d).resolve() for d in own.translation_directories] == [domain.directory.resolve()]


@pytest.mark.parametrize("domain", PLUGIN_DOMAINS, ids=str)
def test_a_plugin_string_is_translated_through_its_own_domain(app, domain):
    if not list(extract_source(domain.source)):
        pytest.skip(f"{domain.name} has no strings")
    module = importlib.import_module(domain.module)
    catalogues = {locale: read_catalogue(domain.po(locale), locale) for locale in LOCALES}
    core_da = read_catalogue(ROOT / "translations" / "da" / "LC_MESSAGES" / "messages.po", "da")
    with app.test_request_context("/"):
        # The plugin's title, as the pages show it.
        info = getattr(module, "PLUGIN", None)
        if info is not None and not isinstance(info.title, str):
            with force_locale("en"):
                english = str(info.title)
            with force_locale("da"):
                danish = str(info.title)
            assert danish == catalogues["da"][english].string
        # Every string of the catalogue, through the domain, in both languages.
        for locale, catalog in catalogues.items():
            with force_locale(locale):
                for message in catalog:
                    if not message.id or isinstance(message.id, (list, tuple)):
                        continue
                    assert module.domain.gettext(message.id) == message.string, (domain.name, locale, message.id)
                    if locale == "da" and message.string != message.id and core_da.get(message.id) is None:
                        # The core catalogue does not know the plugin's string: it is the plugin's own.
                        assert gettext(message.id) == message.id, (domain.name, message.id)


def test_core_strings_are_not_translated_by_a_plugin_domain(app):
    core_da = read_catalogue(ROOT / "translations" / "da" / "LC_MESSAGES" / "messages.po", "da")
    with app.test_request_context("/"), force_locale("da"):
        core_only = [m for m in core_da if m.id and not isinstance(m.id, (list, tuple)) and m.string and m.string != m.id]
        assert core_only and all(gettext(m.id) == m.string for m in core_only)
        for domain in PLUGIN_DOMAINS:
            module = importlib.import_module(domain.module)
            own = getattr(module, "domain", None)
            if own is None:
                continue
            plugin_ids = message_keys(read_catalogue(domain.po("da"), "da"))
            for message in core_only:
                if message_key(message) not in plugin_ids:
                    assert own.gettext(message.id) == message.id, (domain.name, message.id)


def test_the_same_string_in_two_domains_keeps_each_translation(app, tmp_path):
    """Two plugins (and the core) may use the same msgid with different translations: each domain
    answers with its own, whatever order they are loaded in."""
    msgid = "Mentor"
    domains = {}
    for name, danish in (("first_plugin", "Frivillig mentor"), ("second_plugin", "Netværksmentor")):
        package = tmp_path / name
        (package / "translations" / "da" / "LC_MESSAGES").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        catalog = Catalog(locale="da", domain=name)
        catalog.add(msgid, danish)
        with (package / "translations" / "da" / "LC_MESSAGES" / f"{name}.mo").open("wb") as fh:
            write_mo(fh, catalog)
        domains[name] = (plugin_domain(str(package / "__init__.py"), name), danish)
    with app.test_request_context("/"), force_locale("da"):
        core_translation = gettext(msgid)
        for order in (list(domains), list(reversed(domains))):
            for name in order:
                own, danish = domains[name]
                assert own.gettext(msgid) == danish
        assert gettext(msgid) == core_translation
        assert core_translation not in {danish for _, danish in domains.values()}
