"""Reads on the organisation model, always through the access policy."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from securite import access
from securite.models import Utilisateur
from usagers.models import Sejour

from .models import CapaciteAutorisee, Etablissement, Unite


@dataclass(frozen=True)
class Occupation:
    etablissement: Etablissement
    places: int
    presents: int

    @property
    def taux(self) -> int | None:
        """Occupancy in percent, None when no place is authorised."""
        if not self.places:
            return None
        return round(100 * self.presents / self.places)


def _en_cours(jour: date) -> Q:
    return Q(date_entree__lte=jour) & (Q(date_sortie__isnull=True) | Q(date_sortie__gte=jour))


def occupation_list(*, user: Utilisateur, jour: date) -> list[Occupation]:
    """Authorised places and people present today, per visible establishment (2 queries)."""
    places = (
        CapaciteAutorisee.objects.filter(etablissement=OuterRef("pk"))
        .values("etablissement")
        .annotate(total=Sum("places"))
        .values("total")
    )
    presents = (
        Sejour.objects.filter(_en_cours(jour), etablissement=OuterRef("pk"))
        .values("etablissement")
        .annotate(total=Count("usager", distinct=True))
        .values("total")
    )
    rows = (
        access.etablissements_visibles(user)
        .annotate(
            places_total=Coalesce(Subquery(places, output_field=IntegerField()), 0),
            presents_total=Coalesce(Subquery(presents, output_field=IntegerField()), 0),
        )
        .order_by("nom")
    )
    return [Occupation(e, e.places_total, e.presents_total) for e in rows]


def unite_list_with_presents(
    *, user: Utilisateur, jour: date, etablissement: Etablissement | None = None
) -> list[Unite]:
    """Visible units with `presents_total` (people with a current stay in the unit)."""
    presents = (
        Sejour.objects.filter(_en_cours(jour), unite=OuterRef("pk"))
        .values("unite")
        .annotate(total=Count("usager", distinct=True))
        .values("total")
    )
    unites = access.unites_visibles(user).select_related("etablissement")
    if etablissement is not None:
        unites = unites.filter(etablissement=etablissement)
    return list(
        unites.annotate(
            presents_total=Coalesce(Subquery(presents, output_field=IntegerField()), 0)
        ).order_by("etablissement__nom", "nom")
    )
