"""CPR numbers: validation as the CPR office issues them, encryption, the keyed look-up hash, masking."""
from datetime import date

import pytest
from flask import Flask

from core.referrals import cpr

# 0707614285 passes the modulus-11 check; 0101001234 does not, and is valid all the same.
WITH_CHECK = "070761-4285"
WITHOUT_CHECK = "0101001234"


@pytest.fixture
def keyed_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="s", CPR_KEY="test-cpr-key")
    with app.app_context():
        yield app


def test_numbers_with_and_without_the_modulus_11_check_are_valid():
    assert cpr.normalise(WITH_CHECK) == "0707614285"
    assert cpr.normalise(WITHOUT_CHECK) == WITHOUT_CHECK
    assert cpr.birth_date(WITH_CHECK) == date(1961, 7, 7)


@pytest.mark.parametrize("value", ["", "123", "3213001234", "0113001234", "abcdefghij", "07076142851",
                                   "3102001234"])
def test_invalid_numbers_are_refused(value):
    with pytest.raises(cpr.InvalidCPR):
        cpr.normalise(value)


def test_masked_shows_the_birth_date_part_only():
    assert cpr.mask(WITH_CHECK) == "070761-xxxx"


def test_encrypted_values_differ_each_time_and_decrypt_to_the_number(keyed_app):
    first, second = cpr.encrypt(WITH_CHECK), cpr.encrypt(WITH_CHECK)
    assert first != second
    assert b"0707614285" not in first and b"070761" not in first
    assert cpr.decrypt(first) == cpr.decrypt(second) == "0707614285"


def test_another_key_cannot_decrypt_and_gives_another_hash(keyed_app):
    token, digest = cpr.encrypt(WITH_CHECK), cpr.lookup_hash(WITH_CHECK)
    keyed_app.config["CPR_KEY"] = "another-key"
    with pytest.raises(cpr.InvalidToken):
        cpr.decrypt(token)
    assert cpr.lookup_hash(WITH_CHECK) != digest


def test_the_lookup_hash_is_stable_and_ignores_formatting(keyed_app):
    assert cpr.lookup_hash("070761-4285") == cpr.lookup_hash("0707614285")
    assert cpr.lookup_hash(WITH_CHECK) != cpr.lookup_hash(WITHOUT_CHECK)
    assert "0707614285" not in cpr.lookup_hash(WITH_CHECK)
