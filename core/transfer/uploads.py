"""An uploaded workbook kept between "check" and "confirm": a file in the instance folder (never
served), named by its tenant, its user and a random token that only the user's session knows, and
removed when the import is confirmed or after an hour."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_SECONDS = 60 * 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32): 256 bits


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "records"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(tenant_id: int, user_id: int, token: str) -> Path | None:
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    return _folder() / f"{int(tenant_id)}-{int(user_id)}-{token}.xlsx"


def sweep(now: float | None = None) -> None:
    """Remove the uploads older than an hour (nobody confirmed them)."""
    now = now or time.time()
    for path in _folder().glob("*.xlsx"):
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
        except FileNotFoundError:  # another worker swept it first
            pass


def keep(file_storage, tenant_id: int, user_id: int) -> str:
    """Store the uploaded file; the token to find it again."""
    sweep()
    token = secrets.token_urlsafe(32)
    file_storage.save(_path(tenant_id, user_id, token))
    return token


def find(tenant_id: int, user_id: int, token: str) -> Path | None:
    """The upload of this tenant and user under ``token``, unless it is gone or older than an hour."""
    path = _path(tenant_id, user_id, token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > KEEP_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path


def discard(tenant_id: int, user_id: int, token: str) -> None:
    path = _path(tenant_id, user_id, token)
    if path is not None:
        path.unlink(missing_ok=True)
