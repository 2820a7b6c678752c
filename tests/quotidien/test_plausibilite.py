"""Plausibility of measurements: the impossible is refused in French, the abnormal flagged."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from usagers.quotidien.plausibilite import (
    MESURES,
    TypeObservation,
    nombre_fr,
    perte_de_poids,
    valeur_verifier,
)

T = TypeObservation


@pytest.mark.parametrize(
    ("type", "valeur", "message"),
    [
        (T.TEMPERATURE, "60", "Une température de 60 °C est impossible"),
        (T.POIDS, "0", "Un poids de 0 kg est impossible"),
        (T.SPO2, "120", "Une saturation de 120 % est impossible"),
        (T.POULS, "5", "Un pouls de 5 bpm est impossible"),
        (T.ALGOPLUS, "7", "Un score Algoplus de 7 /5 est impossible"),
        (T.SELLES, "9", "Un type de selles de 9 est impossible"),
        (T.DOULEUR_EN, "-1", "Une EN de -1 /10 est impossible"),
    ],
)
def test_an_impossible_value_is_refused_with_a_french_message(type, valeur, message):
    with pytest.raises(ValidationError) as error:
        valeur_verifier(type, valeur)
    assert message in error.value.messages[0]
    assert "Vérifiez la saisie" in error.value.messages[0]


@pytest.mark.parametrize(
    ("type", "valeur", "anomalie"),
    [
        (T.TEMPERATURE, "38,6", "Température 38,6 °C, au-dessus de 37,9 °C"),
        (T.TEMPERATURE, "35", "Température 35 °C, sous 35,5 °C"),
        (T.SPO2, "89", "Saturation en oxygène 89 %, sous 94 %"),
        (T.DOULEUR_EN, "6", "Douleur 6 /10, au-dessus de 3 /10"),
        (T.ALGOPLUS, "2", "Douleur 2 /5, au-dessus de 1 /5"),
        (T.GLYCEMIE, "0.55", "Glycémie capillaire 0,55 g/L, sous 0,7 g/L"),
        (T.SELLES, "1", "Selles 1, sous 3"),
        (T.REPAS, "25", "Repas 25 %, sous 50 %"),
    ],
)
def test_an_abnormal_value_is_accepted_and_flagged(type, valeur, anomalie):
    verdict = valeur_verifier(type, valeur)
    assert verdict.is_anormale
    assert verdict.motif_anomalie == anomalie


@pytest.mark.parametrize(
    ("type", "valeur"),
    [(T.TEMPERATURE, "37.2"), (T.POULS, "72"), (T.SPO2, "97"), (T.POIDS, "61.4"), (T.REPAS, "100")],
)
def test_a_normal_value_is_not_flagged(type, valeur):
    assert not valeur_verifier(type, valeur).is_anormale


def test_values_are_rounded_to_the_precision_of_the_measure():
    assert valeur_verifier(T.TEMPERATURE, "37,25").valeur == Decimal("37.3")
    assert valeur_verifier(T.POULS, "71.6").valeur == Decimal("72")


def test_a_non_number_is_refused():
    with pytest.raises(ValidationError, match="n'est pas un nombre"):
        valeur_verifier(T.POIDS, "soixante")


def test_a_meal_takes_quarters_only():
    with pytest.raises(ValidationError, match="choisissez l'une des valeurs 0, 25, 50, 75, 100"):
        valeur_verifier(T.REPAS, "40")


def test_blood_pressure_needs_both_values_in_the_right_order():
    with pytest.raises(ValidationError, match="indiquez aussi la diastolique"):
        valeur_verifier(T.TENSION, "120")
    with pytest.raises(ValidationError, match="inférieure à la systolique"):
        valeur_verifier(T.TENSION, "80", "120")
    with pytest.raises(ValidationError, match="Une diastolique de 250 mmHg est impossible"):
        valeur_verifier(T.TENSION, "280", "250")
    verdict = valeur_verifier(T.TENSION, "165", "95")
    assert verdict.valeur_2 == Decimal("95")
    assert verdict.motif_anomalie == (
        "Systolique 165 mmHg, au-dessus de 140 mmHg ; Diastolique 95 mmHg, au-dessus de 90 mmHg"
    )


def test_every_measure_has_a_unit_a_sensible_range_and_a_category():
    for mesure in MESURES.values():
        assert mesure.minimum < mesure.maximum
        if mesure.normale_min is not None and mesure.normale_max is not None:
            assert mesure.minimum <= mesure.normale_min < mesure.normale_max <= mesure.maximum
        assert mesure.categories
    assert set(MESURES) == set(TypeObservation.values)


def test_weight_loss_of_five_percent_in_a_month_is_flagged():
    now = datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC)
    history = [
        (now - datetime.timedelta(days=28), Decimal("60")),
        (now - datetime.timedelta(days=3), Decimal("58")),
    ]
    assert perte_de_poids(Decimal("56.8"), now, history) == "Perte de poids de 5 % en 1 mois"
    assert perte_de_poids(Decimal("58"), now, history) == ""


def test_weight_loss_of_ten_percent_in_six_months_is_flagged():
    now = datetime.datetime(2026, 5, 20, 9, tzinfo=datetime.UTC)
    history = [(now - datetime.timedelta(days=170), Decimal("70"))]
    assert perte_de_poids(Decimal("63"), now, history) == "Perte de poids de 10 % en 6 mois"
    assert perte_de_poids(Decimal("64"), now, history) == ""


def test_numbers_are_written_the_french_way():
    assert nombre_fr(Decimal("37.50")) == "37,5"
    assert nombre_fr(Decimal("100")) == "100"
