"""Curves as server-rendered SVG: coordinates inside the plot, the normal band, the summary."""

import datetime
from decimal import Decimal

from usagers.quotidien.charts import GAUCHE, HAUTEUR, LARGEUR, courbe, imc
from usagers.quotidien.models import Observation

DEBUT = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
FIN = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)


def _obs(days, valeur, valeur_2=None, anormale=False, type="temperature"):
    return Observation(
        type=type,
        mesuree_le=DEBUT + datetime.timedelta(days=days),
        valeur=Decimal(valeur),
        valeur_2=Decimal(valeur_2) if valeur_2 else None,
        is_anormale=anormale,
    )


def test_points_are_placed_in_time_order_inside_the_plot():
    result = courbe("temperature", [_obs(1, "36.8"), _obs(40, "38.6", anormale=True)], DEBUT, FIN)
    first, second = result.points
    assert GAUCHE <= first.x < second.x <= LARGEUR
    assert 0 <= second.y < first.y <= HAUTEUR  # higher value, higher on screen
    assert second.is_anormale and not first.is_anormale
    assert result.trace == f"{first.x},{first.y} {second.x},{second.y}"
    top, height = result.bande
    assert height > 0 and top > second.y  # 38.6 is above the normal band


def test_blood_pressure_has_two_lines():
    result = courbe("tension", [_obs(1, "130", "80", type="tension")], DEBUT, FIN)
    assert len(result.points) == len(result.points_2) == 1
    assert result.points[0].y < result.points_2[0].y


def test_the_summary_says_the_curve_in_words():
    result = courbe("temperature", [_obs(1, "36.8"), _obs(40, "38.6", anormale=True)], DEBUT, FIN)
    assert result.resume.startswith("2 mesures du 01/03/2026 au 01/06/2026 ; dernière : 38,6 °C")
    assert result.resume.endswith("1 hors des valeurs normales.")


def test_body_mass_index():
    assert imc(Decimal("70"), Decimal("175")) == Decimal("22.9")
    assert imc(None, Decimal("175")) is None
