"""CPR numbers: validated, stored encrypted, found by a keyed hash, shown masked.

- Validation is python-stdnum's: ten digits, a real date and a birth date not in the future. The
  modulus-11 check is deliberately not applied: the CPR office has issued numbers without it since
  2007, so a number that fails it is still valid.
- ``encrypt``/``decrypt`` use Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) with a
  key derived from the configured ``CPR_KEY``; a random IV per value, so equal numbers do not look
  equal in the database.
- ``lookup_hash`` is an HMAC-SHA256 of the number under a second key derived from the same
  ``CPR_KEY``: the same number always gives the same hash, so an existing citizen can be found
  without decrypting every row, and the hash is useless without the key.
- ``CPR_KEY`` comes from configuration (the environment or ``instance/``), never from the
  repository. Outside production, when none is configured, a key is derived from ``SECRET_KEY``
  so development and tests work; production refuses to start without one (core.security).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError


class InvalidCPR(ValueError):
    """Not a CPR number (wrong length, not digits, no such date, or born in the future)."""


def normalise(value: str) -> str:
    """The ten digits of a valid CPR number (spaces and the dash removed), or :class:`InvalidCPR`."""
    try:
        return stdnum_cpr.validate(value or "")
    except ValidationError as error:
        raise InvalidCPR(str(error)) from None


def birth_date(cpr: str) -> date:
    """The birth date a valid CPR number encodes (the CPR office's century rule)."""
    return stdnum_cpr.get_birth_date(normalise(cpr))


def mask(cpr: str) -> str:
    """``010203-xxxx``: the birth date part only."""
    digits = normalise(cpr)
    return f"{digits[:6]}-xxxx"


def _key_material() -> bytes:
    key = current_app.config.get("CPR_KEY")
    if not key:
        # Development and tests only: core.security refuses to start production without CPR_KEY.
        key = "derived-from-secret-key:" + str(current_app.config["SECRET_KEY"])
    return key.encode("utf-8") if isinstance(key, str) else key


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"mentorkorps-cpr", info=purpose).derive(_key_material())


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encryption")))


def encrypt(cpr: str) -> bytes:
    return _fernet().encrypt(normalise(cpr).encode("ascii"))


def decrypt(token: bytes) -> str:
    """The CPR number, or :class:`InvalidToken` when the key is not the one it was stored with."""
    return _fernet().decrypt(bytes(token)).decode("ascii")


def lookup_hash(cpr: str) -> str:
    return hmac.new(_derive(b"lookup"), normalise(cpr).encode("ascii"), hashlib.sha256).hexdigest()


__all__ = ["InvalidCPR", "InvalidToken", "birth_date", "decrypt", "encrypt", "lookup_hash", "mask", "normalise"]
