"""Classification of the support plan's routes for tests/securite/test_url_policy.py."""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile

from tests.factories import ProjetFactory, SejourFactory

# Lists filtered by usagers.projet.access.projets_visibles (tests/projet/test_views.py,
# test_api.py), the SERAFIN-PH search (reference data), and POST-only operations whose service
# checks projet_can_edit (404 out of scope through projet_get; tests/projet/test_api.py).
PROJET_NO_USAGER_DATA = {
    "projet:echeances",
    "projet:transition",
    "projet:nouvelle-version",
    "projet:supprimer",
    "projet-api:list",
    "projet-api:echeances",
    "projet-api:serafin",
    "projet-api:transition",
    "projet-api:nouvelle-version",
    "projet-api:besoins",
    "projet-api:accords",
    "projet-api:bilans",
    "projet-api:evaluations",
}


def _projet(world: Any) -> Any:
    return ProjetFactory(sejour=SejourFactory(unite=world.unite_a))


def _usager(world: Any) -> dict[str, Any]:
    usager = SejourFactory(unite=world.unite_a).usager
    return {"usager_pk": usager.pk, "_usager": usager}


def _plan(world: Any) -> dict[str, Any]:
    projet = _projet(world)
    return {"pk": projet.pk, "_usager": projet.usager}


def _ajouter(world: Any) -> dict[str, Any]:
    return _plan(world) | {"element": "attente"}


def _objectif(world: Any) -> dict[str, Any]:
    from usagers.projet.models import Besoin, ConceptSerafin, Objectif

    projet = _projet(world)
    besoin = Besoin.objects.create(projet=projet, code=ConceptSerafin.objects.get(code="1.2.1.3"))
    objectif = Objectif.objects.create(projet=projet, besoin=besoin, titre="Marcher")
    return {"pk": projet.pk, "objectif_pk": objectif.pk, "_usager": projet.usager}


def _accord(world: Any) -> dict[str, Any]:
    from usagers.projet.models import Accord

    projet = _projet(world)
    accord = Accord(
        projet=projet,
        partie="usager",
        forme="signature",
        date=datetime.date(2025, 1, 10),
        enregistre_par=projet.referent,
    )
    accord.document.save("accord.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    accord.save()
    return {"pk": projet.pk, "accord_pk": accord.pk, "_usager": projet.usager}


PROJET_USAGER_ROUTES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "projet:usager": _usager,
    "projet:creer": _usager,
    "projet:detail": _plan,
    "projet:modifier": _plan,
    "projet:projet-de-vie": _plan,
    "projet:ajouter": _ajouter,
    "projet:objectif-modifier": _objectif,
    "projet:evaluer": _objectif,
    "projet:historique": _plan,
    "projet:falc": _plan,
    "projet:pdf": _plan,
    "projet:accord-document": _accord,
    "projet-api:detail": _plan,
    "projet-api:objectifs": _plan,
}
