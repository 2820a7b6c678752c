"""NIR / NIA keys, COG codes and name normalisation (usagers/identifiants.py)."""

import pytest
from django.core.exceptions import ValidationError

from usagers.identifiants import (
    OID_INS_NIA,
    OID_INS_NIR,
    OID_INS_NIR_DEMO,
    OID_INS_NIR_TEST,
    cog_lookup,
    cog_search,
    cog_validate,
    ins_name_form,
    matricule_ins_validate,
    nir_key,
    nir_with_key,
    normalise_text,
)

# A documented example: 2 69 05 49 588 157 80 (INSEE's example NIR, key 80).
NIR_EXEMPLE = "269054958815780"


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return exc.value.code or ""


def test_a_valid_nir_is_accepted_and_normalised_without_spaces():
    assert matricule_ins_validate("2 69 05 49 588 157 80") == NIR_EXEMPLE


def test_the_key_is_97_minus_the_number_modulo_97():
    assert nir_key("2690549588157") == 80
    assert nir_with_key("2690549588157") == NIR_EXEMPLE


def test_a_wrong_key_is_refused_with_the_expected_key_in_the_message():
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate("269054958815781")
    assert _code(exc) == "ins_cle"
    assert "81" in exc.value.messages[0] and "80" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("thirteen", "replaced"),
    [("175032A045123", "1750319045123"), ("285112B033051", "2851118033051")],
)
def test_corsican_departments_compute_the_key_with_19_for_2a_and_18_for_2b(thirteen, replaced):
    """2A -> 19, 2B -> 18 in the number (INSEE rule)."""
    expected = 97 - int(replaced) % 97
    assert nir_key(thirteen) == expected
    assert matricule_ins_validate(nir_with_key(thirteen)) == nir_with_key(thirteen)


def test_a_corsican_nir_with_the_key_computed_as_digits_is_refused():
    thirteen = "175032A045123"
    naive = 97 - int("1750320045123") % 97
    if naive == nir_key(thirteen):  # pragma: no cover - not the case for this number
        pytest.skip("same key by chance")
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate(f"{thirteen}{naive:02d}")
    assert _code(exc) == "ins_cle"


def test_a_test_nir_and_a_demo_nir_are_valid_in_their_namespaces():
    test_nir = nir_with_key("2400569123017")
    assert matricule_ins_validate(test_nir, OID_INS_NIR_TEST) == test_nir
    assert matricule_ins_validate(test_nir, OID_INS_NIR_DEMO) == test_nir


def test_a_nia_starting_with_7_or_8_needs_the_nia_oid():
    nia = nir_with_key("7500399352104")
    assert matricule_ins_validate(nia, OID_INS_NIA) == nia
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate(nia, OID_INS_NIR)
    assert _code(exc) == "ins_nia_oid"


def test_a_nia_with_a_wrong_key_is_refused():
    nia = nir_with_key("8500399352104")
    wrong = nia[:13] + f"{(int(nia[13:]) + 1) % 97:02d}"
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate(wrong, OID_INS_NIA)
    assert _code(exc) == "ins_cle"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("26905495881578", "ins_longueur"),
        ("2690549588157800", "ins_longueur"),
        ("", "ins_longueur"),
        ("569054958815780", "ins_format"),
        ("2690549X8815780", "ins_format"),
        ("269004958815780", "ins_mois"),
        ("269154958815780", "ins_mois"),
    ],
)
def test_malformed_matricules_are_refused_with_a_precise_code(value, code):
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate(value)
    assert _code(exc) == code


def test_an_unknown_month_of_the_insee_range_is_accepted():
    """Months 20+ exist for people whose birth month is unknown (RNIPP)."""
    nir = nir_with_key("1412099352087")
    assert matricule_ins_validate(nir) == nir


def test_an_unknown_oid_is_refused():
    with pytest.raises(ValidationError) as exc:
        matricule_ins_validate(NIR_EXEMPLE, "1.2.3")
    assert _code(exc) == "ins_oid"


# ---------------------------------------------------------------------------------------------
# COG
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "libelle"),
    [
        ("69123", "Lyon"),
        ("2A004", "Ajaccio"),
        ("2b033", "Bastia"),
        ("75056", "Paris"),
        ("75112", "Paris 12e Arrondissement"),
        ("97411", "Saint-Denis"),
        ("98818", "Nouméa"),
        ("99350", "Maroc"),
        ("99115", "Tchécoslovaquie"),
    ],
)
def test_known_communes_and_countries_are_accepted(code, libelle):
    assert cog_validate(code) == code.upper()
    assert cog_lookup(code).libelle == libelle


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("99999", "cog_inconnu"),
        ("00000", "cog_inconnu"),
        ("6912", "cog_format"),
        ("LYON", "cog_format"),
        ("99100", "cog_france"),
    ],
)
def test_unknown_or_malformed_codes_are_refused(code, error):
    with pytest.raises(ValidationError) as exc:
        cog_validate(code)
    assert exc.value.code == error


def test_a_commune_is_found_by_the_start_of_its_name_without_accents():
    assert any(lieu.code == "69259" for lieu in cog_search("venissieux"))


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
def test_accents_case_and_hyphens_are_normalised_for_search():
    assert normalise_text("Hélène") == normalise_text("HELENE") == "helene"
    assert normalise_text("Dupont-Moretti") == "dupont moretti"
    assert normalise_text("  D'Œuvre  Lætitia ") == "d oeuvre laetitia"


def test_the_ins_form_is_upper_case_without_diacritics_keeping_hyphens():
    assert ins_name_form("Marie-Hélène  d\u2019Arc") == "MARIE-HELENE D'ARC"
