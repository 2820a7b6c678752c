"""Curves of observations as server-rendered SVG (no script, no style attribute: the strict CSP
holds). Pure: measurements in, coordinates out; the template draws them with CSS classes."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from .models import Observation
from .plausibilite import MESURES, TENSION_DIASTOLIQUE, TypeObservation, nombre_fr

LARGEUR, HAUTEUR = 640, 220
GAUCHE, DROITE, HAUT, BAS = 52, 16, 14, 30


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    is_anormale: bool


@dataclass(frozen=True)
class Graduation:
    position: float
    libelle: str


@dataclass(frozen=True)
class Courbe:
    type: str
    titre: str
    unite: str
    observations: Sequence[Observation]
    points: tuple[Point, ...]
    points_2: tuple[Point, ...]
    trace: str
    trace_2: str
    bande: tuple[float, float] | None  # top and height of the normal range
    axe_y: tuple[Graduation, ...]
    axe_x: tuple[Graduation, ...]
    resume: str
    largeur: int = LARGEUR
    hauteur: int = HAUTEUR

    @property
    def bas_du_trace(self) -> int:
        return HAUTEUR - BAS

    @property
    def gauche(self) -> int:
        return GAUCHE

    @property
    def droite(self) -> int:
        return LARGEUR - DROITE

    @property
    def largeur_trace(self) -> int:
        return LARGEUR - DROITE - GAUCHE

    @property
    def x_libelle_y(self) -> int:
        return GAUCHE - 6

    @property
    def y_libelle_x(self) -> int:
        return HAUTEUR - 8


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round graduations (steps of 1, 2, 2.5 or 5 times a power of ten) between low and high."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.ceil(low / step) * step
    ticks = []
    while value <= high + step * 1e-6:
        ticks.append(round(value, 6))
        value += step
    return ticks


def courbe(
    type: str, observations: Sequence[Observation], debut: datetime, fin: datetime
) -> Courbe:
    """Coordinates of one curve over [debut, fin]; the normal range is a band."""
    mesure = MESURES[type]
    is_tension = type == TypeObservation.TENSION
    valeurs = [float(o.valeur) for o in observations]
    if is_tension:
        valeurs += [float(o.valeur_2) for o in observations if o.valeur_2 is not None]
    bornes = [
        float(b)
        for b in (mesure.normale_min, mesure.normale_max)
        + ((TENSION_DIASTOLIQUE.normale_min,) if is_tension else ())
        if b is not None
    ]
    low = min(valeurs + bornes) if valeurs else float(mesure.minimum)
    high = max(valeurs + bornes) if valeurs else float(mesure.maximum)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    marge = (high - low) * 0.1
    low, high = low - marge, high + marge
    span = (fin - debut).total_seconds() or 1.0
    plot_w, plot_h = LARGEUR - GAUCHE - DROITE, HAUTEUR - HAUT - BAS

    def x_of(moment: datetime) -> float:
        return round(GAUCHE + (moment - debut).total_seconds() / span * plot_w, 1)

    def y_of(value: float) -> float:
        return round(HAUT + (high - value) / (high - low) * plot_h, 1)

    points = tuple(
        Point(x_of(o.mesuree_le), y_of(float(o.valeur)), o.is_anormale) for o in observations
    )
    points_2 = tuple(
        Point(x_of(o.mesuree_le), y_of(float(o.valeur_2)), o.is_anormale)
        for o in observations
        if is_tension and o.valeur_2 is not None
    )
    bande = None
    if mesure.normale_min is not None or mesure.normale_max is not None:
        top = y_of(float(mesure.normale_max) if mesure.normale_max is not None else high)
        bottom = y_of(float(mesure.normale_min) if mesure.normale_min is not None else low)
        if is_tension and TENSION_DIASTOLIQUE.normale_min is not None:
            bottom = y_of(float(TENSION_DIASTOLIQUE.normale_min))
        bande = (top, round(bottom - top, 1))
    axe_y = tuple(
        Graduation(y_of(v), nombre_fr(Decimal(str(round(v, 2))))) for v in _ticks(low, high)
    )
    moments = [debut + (fin - debut) * i / 4 for i in range(5)]
    axe_x = tuple(Graduation(x_of(m), f"{timezone.localtime(m):%d/%m}") for m in moments)
    return Courbe(
        type=type,
        titre=mesure.libelle,
        unite=mesure.unite,
        observations=observations,
        points=points,
        points_2=points_2,
        trace=" ".join(f"{p.x},{p.y}" for p in points),
        trace_2=" ".join(f"{p.x},{p.y}" for p in points_2),
        bande=bande,
        axe_y=axe_y,
        axe_x=axe_x,
        resume=_resume(observations, debut, fin),
    )


def _resume(observations: Sequence[Observation], debut: datetime, fin: datetime) -> str:
    """The curve in words, for screen readers (and everyone)."""
    periode = f"du {timezone.localtime(debut):%d/%m/%Y} au {timezone.localtime(fin):%d/%m/%Y}"
    if not observations:
        return f"Aucune mesure {periode}."
    derniere = observations[-1]
    anormales = sum(1 for o in observations if o.is_anormale)
    texte = (
        f"{len(observations)} mesure{'s' if len(observations) > 1 else ''} {periode} ; "
        f"dernière : {derniere.valeur_affichee} le "
        f"{timezone.localtime(derniere.mesuree_le):%d/%m/%Y à %H:%M}"
    )
    if anormales:
        texte += f" ; {anormales} hors des valeurs normales"
    return texte + "."


def imc(poids: Decimal | None, taille_cm: Decimal | None) -> Decimal | None:
    """Body-mass index from the last weight and height."""
    if not poids or not taille_cm:
        return None
    metres = taille_cm / 100
    return (poids / (metres * metres)).quantize(Decimal("0.1"))
