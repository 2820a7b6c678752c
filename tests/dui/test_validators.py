import pytest
from django.core.exceptions import ValidationError

from dui.demo_data import finess_with_key
from dui.validators import adeli_validate, finess_validate, luhn_is_valid, rpps_validate


@pytest.mark.parametrize(
    "finess",
    ["750712184", "750803447", "130786049", "010780054", " 690781810 "],
)
def test_real_finess_numbers_are_accepted(finess):
    """Published FINESS numbers (AP-HP, AP-HM, HCL…) pass the Luhn key."""
    assert finess_validate(finess) == finess.strip()


def test_corsican_finess_accepts_2a_and_2b_with_their_key():
    """2A/2B compute their key like 20, and the letter is kept upper-case."""
    number = finess_with_key("2A000001")
    assert finess_validate(number.lower()) == number
    assert finess_validate(finess_with_key("2B000123")).startswith("2B")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("75071218", "finess_longueur"),
        ("7507121845", "finess_longueur"),
        ("75071218A", "finess_format"),
        ("2C0000012", "finess_format"),
        ("000000000", "finess_departement"),
        ("750712185", "finess_cle"),
    ],
)
def test_invalid_finess_is_refused_with_a_precise_code(value, code):
    with pytest.raises(ValidationError) as error:
        finess_validate(value)
    assert error.value.code == code
    assert "FINESS" in error.value.messages[0] or "département" in error.value.messages[0]


def test_rpps_checks_length_and_luhn_key():
    assert rpps_validate("10002422979") == "10002422979"
    with pytest.raises(ValidationError, match="11 chiffres"):
        rpps_validate("1000242297")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        rpps_validate("10002422978")


def test_adeli_accepts_nine_characters_and_corsica():
    assert adeli_validate("751234567") == "751234567"
    assert adeli_validate("2a1234567") == "2A1234567"
    with pytest.raises(ValidationError):
        adeli_validate("75123456")


def test_luhn_detects_a_single_digit_error():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")
