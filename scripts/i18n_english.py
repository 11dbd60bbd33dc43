"""English is the source language: fill every empty msgstr of the English catalogues with its msgid.

Usage: ``python scripts/i18n_english.py <catalogue folder>...`` (``make i18n-extract`` runs it).
Entries that already have an English text are left as they are, so a reviewed wording stays.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill(po_path: Path) -> int:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
            if all(strings):
                continue
            singular, plural = message.id[0], message.id[1]
            message.string = tuple(s or (singular if i == 0 else plural) for i, s in enumerate(
                strings + [""] * (catalog.num_plurals - len(strings))))
        elif not message.string:
            message.string = message.id
        else:
            continue
        message.flags.discard("fuzzy")
        filled += 1
    if filled or catalog.fuzzy:
        catalog.fuzzy = False
        with po_path.open("wb") as fh:
            write_po(fh, catalog, width=76, include_lineno=False)
    return filled


def main(folders: list[str]) -> None:
    for folder in folders:
        for po_path in sorted(Path(folder).glob("en/LC_MESSAGES/*.po")):
            n = fill(po_path)
            if n:
                print(f"{po_path}: {n} English entries filled from their msgid")


if __name__ == "__main__":
    main(sys.argv[1:])
