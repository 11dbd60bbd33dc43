"""Municipality-specific behaviour lives in municipalities/ and plugins/, behind hooks: the core's
code, templates and documentation strings name no municipality (nor the demo's example one)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = re.compile(r"middelfart|ish(?:oe|ø)j|vallensb|eksempel|slagelse|cph west", re.IGNORECASE)


def test_the_core_names_no_municipality():
    offenders, scanned = [], 0
    for path in sorted((ROOT / "core").rglob("*")):
        if path.suffix not in (".py", ".html", ".js", ".css") or "__pycache__" in path.parts:
            continue
        scanned += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if NAMES.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert scanned > 50
    assert not offenders, "\n".join(offenders)
