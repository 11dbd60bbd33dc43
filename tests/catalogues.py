"""The translation domains of the project, their catalogues and how their sources are extracted.

Mirrors the Makefile's ``i18n-extract``/``i18n`` targets so the tests can check the committed
catalogues against the source without running make: the core (domain ``messages``, sources
``core/``, catalogues ``translations/``) and every package under ``plugins/`` and
``municipalities/`` (domain = the package's name, catalogues in the package's ``translations/``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("da", "en")
MAPPING = ROOT / "translations" / "babel.cfg"
# The Makefile's EXTRACT_KEYWORDS on top of babel's defaults (_ gettext ngettext pgettext ...).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2)}


@dataclass(frozen=True)
class TranslationDomain:
    name: str
    source: Path  # the package whose strings belong to the domain
    directory: Path  # <directory>/<locale>/LC_MESSAGES/<name>.po
    module: str | None = None  # the plugin's import name (None for the core)

    @property
    def pot(self) -> Path:
        return self.directory / f"{self.name}.pot"

    def po(self, locale: str) -> Path:
        return self.directory / locale / "LC_MESSAGES" / f"{self.name}.po"

    def __str__(self) -> str:  # readable test ids
        return self.name


def translation_domains() -> list[TranslationDomain]:
    domains = [TranslationDomain("messages", ROOT / "core", ROOT / "translations")]
    for parent in ("plugins", "municipalities"):
        for init in sorted((ROOT / parent).glob("*/__init__.py")):
            package = init.parent
            domains.append(TranslationDomain(package.name, package, package / "translations", f"{parent}.{package.name}"))
    return domains


def read_catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def message_key(message) -> tuple:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def message_keys(catalog: Catalog) -> set[tuple]:
    return {message_key(m) for m in catalog if m.id}


@lru_cache(maxsize=None)
def extract_source(source: Path) -> Catalog:
    """What ``pybabel extract`` finds in ``source`` today (python and Jinja templates)."""
    with MAPPING.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(MAPPING))
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


@lru_cache(maxsize=None)
def compile_catalogues() -> None:
    """Compile every catalogue once per test run (what ``make i18n`` does), so a run straight after
    editing a .po sees the edit. Each .mo is written to a file of its own and moved into place, so
    runs side by side never read half a file."""
    for domain in translation_domains():
        for locale in LOCALES:
            po = domain.po(locale)
            if not po.exists():
                continue
            mo = po.with_suffix(".mo")
            tmp = mo.with_name(f".{mo.stem}.{os.getpid()}.tmp.mo")  # git-ignored like every .mo
            with tmp.open("wb") as fh:
                write_mo(fh, read_catalogue(po, locale), use_fuzzy=True)
            tmp.replace(mo)
