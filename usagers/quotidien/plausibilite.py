"""Plausibility of observations (constantes): units, impossible values, abnormal values.

Pure functions, no database. Two ranges per measure:
- *possible*: outside it the value cannot be a real measurement (a temperature of 60 °C, a
  weight of 0): it is refused, so a typing error never reaches the record;
- *normale*: outside it the value is real but abnormal: it is saved and flagged, and shows in
  the alerts of "ma journée".
The normal ranges are the usual adult thresholds of care protocols (fever at 38 °C, SpO2 under
94 %, pain from 4/10 on a self-report scale, Algoplus from 2/5, Bristol 1-2 and 6-7); an
establishment caring for children or for people with chronic conditions adjusts them later.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models

from securite.models import Categorie


class TypeObservation(models.TextChoices):
    POIDS = "poids", "Poids"
    TAILLE = "taille", "Taille"
    TENSION = "tension", "Pression artérielle"
    POULS = "pouls", "Pouls"
    TEMPERATURE = "temperature", "Température"
    GLYCEMIE = "glycemie", "Glycémie capillaire"
    SPO2 = "spo2", "Saturation en oxygène (SpO2)"
    DOULEUR_EVA = "douleur_eva", "Douleur (EVA, auto-évaluation)"
    DOULEUR_EN = "douleur_en", "Douleur (EN, auto-évaluation)"
    ALGOPLUS = "algoplus", "Douleur (Algoplus, hétéro-évaluation)"
    SELLES = "selles", "Selles (échelle de Bristol)"
    SOMMEIL = "sommeil", "Sommeil"
    REPAS = "repas", "Repas (part consommée)"


@dataclass(frozen=True)
class Mesure:
    type: str
    sujet: str  # subject of the refusal message, with its article: "Une température"
    unite: str
    minimum: Decimal
    maximum: Decimal
    normale_min: Decimal | None
    normale_max: Decimal | None
    decimales: int
    # Categories the measure may be filed under, in order of preference: vital signs are care;
    # stools, sleep and meals are also written by educative teams (internat of an IME).
    categories: tuple[str, ...] = (Categorie.SOINS,)
    valeurs_admises: tuple[Decimal, ...] = ()

    @property
    def libelle(self) -> str:
        return str(TypeObservation(self.type).label)

    def avec_unite(self, value: Decimal) -> str:
        return f"{nombre_fr(value)} {self.unite}".strip()


def _d(value: str) -> Decimal:
    return Decimal(value)


_VIE_QUOTIDIENNE = (Categorie.SOINS, Categorie.EDUCATIF)
T = TypeObservation
MESURES: dict[str, Mesure] = {
    m.type: m
    for m in (
        Mesure(T.POIDS, "Un poids", "kg", _d("1"), _d("350"), None, None, 1),
        Mesure(T.TAILLE, "Une taille", "cm", _d("30"), _d("250"), None, None, 0),
        # Systolic pressure; the diastolic one is TENSION_DIASTOLIQUE below.
        Mesure(T.TENSION, "Une systolique", "mmHg", _d("40"), _d("300"), _d("90"), _d("140"), 0),
        Mesure(T.POULS, "Un pouls", "bpm", _d("20"), _d("250"), _d("50"), _d("100"), 0),
        Mesure(
            T.TEMPERATURE, "Une température", "°C", _d("30"), _d("45"), _d("35.5"), _d("37.9"), 1
        ),
        Mesure(
            T.GLYCEMIE, "Une glycémie", "g/L", _d("0.10"), _d("8.00"), _d("0.70"), _d("1.80"), 2
        ),
        Mesure(T.SPO2, "Une saturation", "%", _d("50"), _d("100"), _d("94"), None, 0),
        Mesure(T.DOULEUR_EVA, "Une EVA", "/10", _d("0"), _d("10"), None, _d("3.9"), 1),
        Mesure(T.DOULEUR_EN, "Une EN", "/10", _d("0"), _d("10"), None, _d("3"), 0),
        Mesure(T.ALGOPLUS, "Un score Algoplus", "/5", _d("0"), _d("5"), None, _d("1"), 0),
        Mesure(
            T.SELLES,
            "Un type de selles",
            "",
            _d("1"),
            _d("7"),
            _d("3"),
            _d("5"),
            0,
            _VIE_QUOTIDIENNE,
        ),
        Mesure(
            T.SOMMEIL,
            "Une durée de sommeil",
            "h",
            _d("0"),
            _d("24"),
            _d("4"),
            None,
            1,
            _VIE_QUOTIDIENNE,
        ),
        Mesure(
            T.REPAS,
            "Une part de repas",
            "%",
            _d("0"),
            _d("100"),
            _d("50"),
            None,
            0,
            _VIE_QUOTIDIENNE,
            tuple(_d(v) for v in ("0", "25", "50", "75", "100")),
        ),
    )
}
TENSION_DIASTOLIQUE = Mesure(
    T.TENSION, "Une diastolique", "mmHg", _d("20"), _d("200"), _d("50"), _d("90"), 0
)

# Weight loss that signals undernutrition (HAS 2019/2021 criteria): 5 % in one month, 10 % in
# six months.
PERTE_POIDS = ((timedelta(days=31), Decimal("5")), (timedelta(days=183), Decimal("10")))


def nombre_fr(value: Decimal | int | float | None) -> str:
    """A number as French users write it: decimal comma, no trailing zeros."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def _parse(raw: object, libelle: str) -> Decimal:
    if isinstance(raw, Decimal):
        return raw
    try:
        return Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{libelle} : « {raw} » n'est pas un nombre.") from None


def _check_range(mesure: Mesure, value: Decimal) -> Decimal:
    value = value.quantize(Decimal(1).scaleb(-mesure.decimales), rounding=ROUND_HALF_UP)
    if not mesure.minimum <= value <= mesure.maximum:
        raise ValidationError(
            f"{mesure.sujet} de {mesure.avec_unite(value)} est impossible : la valeur doit "
            f"être comprise entre {nombre_fr(mesure.minimum)} et "
            f"{mesure.avec_unite(mesure.maximum)}. Vérifiez la saisie."
        )
    if mesure.valeurs_admises and value not in mesure.valeurs_admises:
        admises = ", ".join(nombre_fr(v) for v in mesure.valeurs_admises)
        raise ValidationError(
            f"{mesure.libelle} : choisissez l'une des valeurs {admises} {mesure.unite}."
        )
    return value


def _hors_normale(mesure: Mesure, value: Decimal, nom: str) -> str:
    if mesure.normale_min is not None and value < mesure.normale_min:
        return f"{nom} {mesure.avec_unite(value)}, sous {mesure.avec_unite(mesure.normale_min)}"
    if mesure.normale_max is not None and value > mesure.normale_max:
        return f"{nom} {mesure.avec_unite(value)}, au-dessus de " + mesure.avec_unite(
            mesure.normale_max
        )
    return ""


@dataclass(frozen=True)
class Verdict:
    valeur: Decimal
    valeur_2: Decimal | None
    motif_anomalie: str  # empty when normal

    @property
    def is_anormale(self) -> bool:
        return bool(self.motif_anomalie)


def valeur_verifier(type: str, valeur: object, valeur_2: object = None) -> Verdict:
    """Check one measurement: refuse the impossible (ValidationError, in French), flag the
    abnormal. `valeur_2` is the diastolic pressure, required for TENSION only."""
    if type not in MESURES:
        raise ValidationError("Type de mesure inconnu.")
    mesure = MESURES[type]
    nom = mesure.libelle.split(" (")[0]
    if type == T.TENSION:
        haute = _check_range(mesure, _parse(valeur, "Systolique"))
        if valeur_2 is None or valeur_2 == "":
            raise ValidationError("Pression artérielle : indiquez aussi la diastolique.")
        basse = _check_range(TENSION_DIASTOLIQUE, _parse(valeur_2, "Diastolique"))
        if basse >= haute:
            raise ValidationError(
                "Pression artérielle : la diastolique doit être inférieure à la systolique."
            )
        motifs = [
            m
            for m in (
                _hors_normale(mesure, haute, "Systolique"),
                _hors_normale(TENSION_DIASTOLIQUE, basse, "Diastolique"),
            )
            if m
        ]
        return Verdict(haute, basse, " ; ".join(motifs))
    value = _check_range(mesure, _parse(valeur, nom))
    return Verdict(value, None, _hors_normale(mesure, value, nom))


def perte_de_poids(
    poids: Decimal, mesuree_le: datetime, historique: Iterable[tuple[datetime, Decimal]]
) -> str:
    """Undernutrition signal: the loss against the oldest weight within each window."""
    anciens = sorted((d, v) for d, v in historique if d < mesuree_le)
    for fenetre, seuil in PERTE_POIDS:
        dans_fenetre = [v for d, v in anciens if d >= mesuree_le - fenetre]
        if not dans_fenetre or not dans_fenetre[0]:
            continue
        perte = (dans_fenetre[0] - poids) * 100 / dans_fenetre[0]
        if perte >= seuil:
            mois = "1 mois" if fenetre.days <= 31 else "6 mois"
            return f"Perte de poids de {nombre_fr(perte.quantize(Decimal(1)))} % en {mois}"
    return ""
