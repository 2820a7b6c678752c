"""Every route is classified; every route that touches usager data goes through the policy:
an out-of-scope professional gets 404 and leaves a refusal in the audit, an in-scope one is
served and leaves a reading in the audit. A new route that is not classified here fails."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory
from tests.interop.peers.routes import ENVOIS_NO_USAGER_DATA, ENVOIS_USAGER_ROUTES
from tests.projet.routes import PROJET_NO_USAGER_DATA, PROJET_USAGER_ROUTES

# Routes that never show usager data (organisation, account, technical pages).
NO_USAGER_DATA = {
    "admin:*",
    "dui:accueil",  # lists present people through securite.access (tested in tests/dui)
    "dui:etablissement-list",
    "dui:etablissement-create",
    "dui:etablissement",
    "dui:sante",
    "dui:api-etablissement-list",
    "dui:api-etablissement-detail",
    "dui:api-moi",
    "dui:api-schema",
    "dui:api-docs",
    "securite:*",
    "acces:bris-de-glace",
    # The organisme's matrix (directors, technical administrators), and POST-only operations on
    # one record's care team, objections and break-the-glass reviews: 404 and a refusal out of
    # scope (tested in tests/securite/test_views_partage.py and test_views_acces.py).
    "acces:matrice",
    "acces:matrice-retablir",
    "acces:equipe-ajouter",
    "acces:equipe-terminer",
    "acces:opposition-ajouter",
    "acces:opposition-retirer",
    "acces:acces-exceptionnel-revu",
    # Received files not yet tied to a person: identity-vigilance roles of the organisme only
    # (tested in tests/interop/test_documents.py).
    "documents:quarantaine",
    "documents:rapprochements",
    "fhir:metadata",
    "fhir:patient-search",  # filtered by securite.access.usagers_visibles (tests/interop)
    "fhir:patient-search-post",  # the same search by POST (tests/interop/test_fhir_api.py)
    # Lists, searches and admissions: filtered by usagers_visibles or creating a record
    # (tests/usagers/test_views.py, test_api.py).
    "usagers:list",
    "usagers:recherche",
    "usagers:admission",
    "usagers:admission-sejour",
    "dui:usagers-api:list",
    "dui:usagers-api:recherche",
    # POST-only operations on one usager: usager_get(..., action=ECRIRE), 404 out of scope
    # (tested in tests/usagers/test_api.py); the photo goes through usager_consulter.
    "usagers:photo",
    "dui:usagers-api:justificatifs",
    "dui:usagers-api:insi",
    "dui:usagers-api:insi-retenir",
    "dui:usagers-api:sejours",
    "dui:usagers-api:sejour-sortie",
    "dui:usagers-api:entourage",
    "dui:usagers-api:protection",
    "dui:usagers-api:orientation",
    "dui:usagers-api:evaluations",
    "dui:usagers-api:fusion",
    # Daily support (usagers/quotidien): lists over the user's units or establishments, built
    # on securite.access, each person shown leaving a reading (tests/quotidien/test_views.py);
    # the handover mark carries no usager data; event creation is POST-only (usager_get per
    # person in the service, tests/quotidien/test_api.py); totals are counts.
    "quotidien:releve",
    "quotidien:semaine",
    "quotidien:evenement-nouveau",
    "quotidien:incidents",
    "quotidien:incident-nouveau",
    "quotidien-api:ma-journee",
    "quotidien-api:semaine",
    "quotidien-api:evenements",
    "quotidien-api:incidents",
    "quotidien-api:presence-totaux",
}


def _usager_kwargs(world: Any) -> dict[str, Any]:
    usager = SejourFactory(unite=world.unite_a).usager
    return {"pk": usager.pk, "_usager": usager}


def _fhir_patient_kwargs(world: Any) -> dict[str, Any]:
    usager = SejourFactory(unite=world.unite_a).usager
    return {"id": usager.pk, "_usager": usager}


def _document_recu_kwargs(world: Any) -> dict[str, Any]:
    """A received N1 document (administrative category) of an EHPAD resident."""
    import base64

    from interop.builders import cda
    from interop.documents.models import DocumentRecu
    from tests.interop import personas

    usager = SejourFactory(unite=world.unite_a).usager
    raw = cda.cda_n1(
        document=personas.document(),
        patient=personas.VALIDEE_SANS_INS,
        auteur=personas.MEDECIN,
        responsable=personas.MEDECIN,
        structure=personas.EHPAD,
        sejour=None,
        pdf=personas.pdf_minimal(),
    )
    document = DocumentRecu.objects.create(
        organisme=usager.organisme,
        usager=usager,
        categorie="administratif",
        type_code="80788-3",
        titre="Projet personnalisé",
        identifiant="2.25.1",
        has_pdf=True,
        contenu=base64.b64encode(raw).decode(),
        sha256="0" * 64,
        taille=len(raw),
    )
    return {"pk": document.pk, "_usager": usager}


def _sejour_kwargs(world: Any) -> dict[str, Any]:
    sejour = SejourFactory(unite=world.unite_a)
    return {"pk": sejour.usager.pk, "sejour_pk": sejour.pk, "_usager": sejour.usager}


def _contact_kwargs(world: Any) -> dict[str, Any]:
    from tests.factories import ContactFactory

    usager = SejourFactory(unite=world.unite_a).usager
    return {"pk": usager.pk, "contact_pk": ContactFactory(usager=usager).pk, "_usager": usager}


def _mesure_kwargs(world: Any) -> dict[str, Any]:
    from tests.factories import MesureProtectionFactory

    usager = SejourFactory(unite=world.unite_a).usager
    mesure = MesureProtectionFactory(usager=usager)
    return {"pk": usager.pk, "mesure_pk": mesure.pk, "_usager": usager}


def _transmission_kwargs(world: Any) -> dict[str, Any]:
    from tests.factories import TransmissionFactory

    usager = SejourFactory(unite=world.unite_a).usager
    return {"pk": TransmissionFactory(usager=usager).pk, "_usager": usager}


def _evenement_kwargs(world: Any) -> dict[str, Any]:
    import datetime

    from usagers.quotidien.models import Evenement, Participant

    sejour = SejourFactory(unite=world.unite_a)
    debut = datetime.datetime(2026, 5, 4, 10, tzinfo=datetime.UTC)
    evenement = Evenement.objects.create(
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Atelier mémoire",
        nature="activite",
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        cree_par=_auteur(world),
    )
    Participant.objects.create(
        evenement=evenement, usager=sejour.usager, debut=debut, categorie=evenement.categorie
    )
    return {"pk": evenement.pk, "_usager": sejour.usager}


def _absence_kwargs(world: Any) -> dict[str, Any]:
    import datetime

    from usagers.quotidien.models import AbsencePrevue

    usager = SejourFactory(unite=world.unite_a).usager
    absence = AbsencePrevue.objects.create(
        usager=usager,
        debut=datetime.date(2026, 8, 3),
        fin=datetime.date(2026, 8, 14),
        motif="vacances",
        cree_par=_auteur(world),
    )
    return {"pk": absence.pk, "_usager": usager}


def _auteur(world: Any) -> Any:
    from tests.factories import UtilisateurFactory

    return UtilisateurFactory(organisme=world.organisme)


def _incident_kwargs(world: Any) -> dict[str, Any]:
    from tests.factories import EvenementIndesirableFactory

    incident = EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_a))
    return {"pk": incident.pk, "_usager": incident.usager}


def _dlu_kwargs(world: Any) -> dict[str, Any]:
    from tests.factories import DossierLiaisonUrgenceFactory

    usager = SejourFactory(unite=world.unite_a).usager
    DossierLiaisonUrgenceFactory(usager=usager)
    return {"pk": usager.pk, "_usager": usager}


# Routes that show one usager's data: name -> builder of the URL kwargs (and the usager).
USAGER_ROUTES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "acces:consultations": _usager_kwargs,
    "acces:equipe": _usager_kwargs,
    "documents:usager-documents": _usager_kwargs,
    "documents:document": _document_recu_kwargs,
    "documents:document-pdf": _document_recu_kwargs,
    "fhir:patient-read": _fhir_patient_kwargs,
    "usagers:detail": _usager_kwargs,
    "usagers:modifier": _usager_kwargs,
    "usagers:admission-justificatif": _usager_kwargs,
    "usagers:admission-insi": _usager_kwargs,
    "usagers:sejour-creer": _usager_kwargs,
    "usagers:sejour-cloturer": _sejour_kwargs,
    "usagers:contact-creer": _usager_kwargs,
    "usagers:contact-modifier": _contact_kwargs,
    "usagers:mesure-creer": _usager_kwargs,
    "usagers:mesure-modifier": _mesure_kwargs,
    "usagers:decision-creer": _usager_kwargs,
    "usagers:evaluation-creer": _usager_kwargs,
    "usagers:fusion": _usager_kwargs,
    "usagers:dlu": _dlu_kwargs,
    "usagers:dlu-modifier": _dlu_kwargs,
    "dui:usagers-api:dlu": _dlu_kwargs,
    "dui:usagers-api:detail": _usager_kwargs,
    "quotidien:fil": _usager_kwargs,
    "quotidien:transmission-nouvelle": _usager_kwargs,
    "quotidien:transmission-complement": _transmission_kwargs,
    "quotidien:observations": _usager_kwargs,
    "quotidien:observations-saisie": _usager_kwargs,
    "quotidien:absence-nouvelle": _usager_kwargs,
    "quotidien:presence": _usager_kwargs,
    "quotidien:evenement": _evenement_kwargs,
    "quotidien:evenement-deplacer": _evenement_kwargs,
    "quotidien:absence": _absence_kwargs,
    "quotidien:incident": _incident_kwargs,
    "quotidien:incident-signalement": _incident_kwargs,
    "quotidien-api:chronologie": _usager_kwargs,
    "quotidien-api:transmissions": _usager_kwargs,
    "quotidien-api:transmission": _transmission_kwargs,
    "quotidien-api:transmission-complements": _transmission_kwargs,
    "quotidien-api:observations": _usager_kwargs,
    "quotidien-api:absences": _usager_kwargs,
    "quotidien-api:absence": _absence_kwargs,
    "quotidien-api:agenda": _usager_kwargs,
    "quotidien-api:evenement": _evenement_kwargs,
    "quotidien-api:presences": _usager_kwargs,
    "quotidien-api:incident": _incident_kwargs,
    "quotidien-api:incident-etapes": _incident_kwargs,
}
# Which persona is "in scope" for each route (default: the head of service of the EHPAD).
IN_SCOPE_PERSONA = {"acces:consultations": "chef_service", "usagers:evaluation-creer": "medecin"}
# The emergency liaison file is medical: the doctor of the EHPAD.
IN_SCOPE_PERSONA.update(
    {"usagers:dlu": "medecin", "usagers:dlu-modifier": "medecin", "dui:usagers-api:dlu": "medecin"}
)
# Support plan (usagers/projet): classified in tests/projet/routes.py.
NO_USAGER_DATA |= PROJET_NO_USAGER_DATA
USAGER_ROUTES.update(PROJET_USAGER_ROUTES)
# Outbox (interop): classified in tests/interop/peers/routes.py.
NO_USAGER_DATA |= ENVOIS_NO_USAGER_DATA
USAGER_ROUTES.update(ENVOIS_USAGER_ROUTES)


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, pattern


def _all_routes() -> list[str]:
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def _classified(name: str) -> bool:
    if name in USAGER_ROUTES or name in NO_USAGER_DATA:
        return True
    return any(rule.endswith(":*") and name.startswith(rule[:-1]) for rule in NO_USAGER_DATA)


def test_every_route_is_classified():
    unclassified = [name for name in _all_routes() if not _classified(name)]
    assert not unclassified, (
        "Routes à classer dans tests/securite/test_url_policy.py "
        f"(données usager ou non) : {unclassified}"
    )


def test_every_usager_route_exists():
    assert set(USAGER_ROUTES) <= set(_all_routes())


@pytest.mark.parametrize("outsider", ["educateur_ailleurs", "educateur_ime"])
@pytest.mark.parametrize("route", sorted(USAGER_ROUTES))
def test_usager_route_refuses_out_of_scope_with_404_and_audit(
    request, route, outsider, world, client_for
):
    """Another organisme's professional, or another establishment's: 404 and a trace."""
    user = request.getfixturevalue(outsider)
    kwargs = USAGER_ROUTES[route](world)
    kwargs.pop("_usager")
    url = reverse(route, kwargs=kwargs)
    response = client_for(user).get(url)
    assert response.status_code == 404, url
    assert EvenementAudit.objects.filter(acteur=user, action=AuditAction.REFUS).exists(), (
        f"{route}: refus non tracé"
    )


@pytest.mark.parametrize("route", sorted(USAGER_ROUTES))
def test_usager_route_serves_in_scope_and_records_the_reading(request, route, world, client_for):
    kwargs = USAGER_ROUTES[route](world)
    usager = kwargs.pop("_usager")
    user = request.getfixturevalue(IN_SCOPE_PERSONA.get(route, "chef_service"))
    response = client_for(user).get(reverse(route, kwargs=kwargs))
    assert response.status_code == 200
    assert EvenementAudit.objects.filter(
        acteur=user, action=AuditAction.LECTURE, usager=usager
    ).exists(), f"{route}: lecture non tracée"
