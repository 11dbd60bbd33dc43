"""Fill empty msgstr entries of a catalogue from a Python file defining ``DA = {msgid: msgstr}``.

Usage: ``python scripts/i18n_fill.py <po file> <translations.py>``. A plural entry's key and value are
tuples. Entries that already have a translation are left as they are; the script prints which keys
it did not find and which entries are still empty, so nothing is silently lost.
"""
from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> int:
    table = runpy.run_path(table_path)["DA"]
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    used, empty = set(), []
    for message in catalog:
        if not message.id:
            continue
        key = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if all(strings):
            continue
        if key in table:
            message.string = table[key]
            used.add(key)
        else:
            empty.append(key)
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, ignore_obsolete=True)
    print(f"filled {len(used)}; not in the catalogue: {len(set(table) - used)}; still empty: {len(empty)}")
    for key in empty:
        print("  EMPTY", repr(key))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
