"""Create the instance's secret key once: ``instance/secret_key`` (mode 0600, git-ignored).

``core.create_app`` reads it whenever no SECRET_KEY comes from instance/config.py or the
environment, so everything started from this checkout uses it: ``make run``, ``make serve``,
gunicorn (``gunicorn -c gunicorn.conf.py``) and the ``mentorkorps`` command. An existing key is
never replaced (that would sign everybody out). Usage: python3 scripts/instance_key.py [PATH]
"""
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if not path.read_text(encoding="utf-8").strip():
            print(f"{path} is empty: delete it and run again", file=sys.stderr)
            return 1
        return 0
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(48) + "\n")
    print(f"created the instance's secret key in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "instance" / "secret_key"))
