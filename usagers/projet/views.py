"""Pages of the support plan: the editor (one page per plan, one small form per change), the
lifecycle, the history of versions, the easy-to-read version, the PDF, the due plans.

Every page that shows a plan opens it through `access.projet_consulter` (policy check and
"lecture" audit row); every change goes through a service (policy, state, audit)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dui.forms import add_service_errors
from interop.partage import projet_partage_etat
from securite import access as securite_access
from securite.audit import audit_record
from securite.models import AuditAction, Profession, Utilisateur

from . import access, selectors, services
from .documents import document_context, projet_pdf
from .forms import (
    AccordForm,
    AttenteForm,
    BesoinForm,
    BilanForm,
    EvaluationForm,
    ObjectifForm,
    ParticipantForm,
    PrestationForm,
    ProjetDeVieForm,
    ProjetForm,
    TransitionForm,
)
from .models import (
    Accord,
    Attente,
    Besoin,
    Objectif,
    Participant,
    Prestation,
    ProjetPersonnalise,
    StatutProjet,
)

TRANSITION_LABELS = {
    StatutProjet.CONCERTATION: "Passer en concertation avec la personne",
    StatutProjet.BROUILLON: "Revenir au brouillon",
    StatutProjet.VALIDE: "Valider le projet",
    StatutProjet.EN_COURS: "Mettre en œuvre",
    StatutProjet.REEVALUATION: "Commencer la réévaluation",
    StatutProjet.CLOS: "Clore le projet",
}


def usager_url(usager_pk: int) -> str:
    """The person's record (built by the usager module), or their plans."""
    try:
        return reverse("usagers:detail", args=[usager_pk])
    except NoReverseMatch:
        return reverse("projet:usager", args=[usager_pk])


def _editable(
    request: HttpRequest, pk: int, *, signataire: bool = False
) -> tuple[Utilisateur, ProjetPersonnalise]:
    """The plan for a change: 404 if the user may not read it, 403 if they may not edit it
    (`signataire`: or agree for the establishment)."""
    user = securite_access.current_user(request)
    projet = access.projet_get(user, pk, request=request)
    if access.projet_can_edit(user, projet):
        return user, projet
    if signataire and access.projet_can_sign_for_structure(user, projet):
        return user, projet
    raise PermissionDenied("Vous ne pouvez pas modifier ce projet.")


def _retour(projet: ProjetPersonnalise, ancre: str = "") -> HttpResponse:
    return redirect(projet.get_absolute_url() + (f"#{ancre}" if ancre else ""))


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------
@login_required
def echeances(request: HttpRequest) -> HttpResponse:
    """Plans to re-evaluate: mine (référent or named), or all in my scope for heads of
    service and directors."""
    user = securite_access.current_user(request)
    jour = timezone.localdate()
    managers = (Profession.CHEF_SERVICE, Profession.DIRECTEUR)
    peut_tout_voir = user.profession in managers
    mes_projets = request.GET.get("vue", "" if peut_tout_voir else "mes") == "mes"
    page = Paginator(
        selectors.echeances_liste(user=user, jour=jour, mes_projets=mes_projets), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "projet/echeances.html",
        {
            "page": page,
            "jour": jour,
            "mes_projets": mes_projets,
            "peut_tout_voir": peut_tout_voir,
            "compte": selectors.echeances_compter(user=user, jour=jour),
        },
    )


@login_required
def usager_projets(request: HttpRequest, usager_pk: int) -> HttpResponse:
    usager = access.usager_projets_consulter(request, usager_pk)
    user = securite_access.current_user(request)
    return render(
        request,
        "projet/usager_projets.html",
        {
            "usager": usager,
            "projets": selectors.usager_projets(usager.pk),
            "can_create": access.projet_can_create(user, usager),
            "usager_url": usager_url(usager.pk),
        },
    )


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------
@login_required
def projet_creer(request: HttpRequest, usager_pk: int) -> HttpResponse:
    user = securite_access.current_user(request)
    usager = access.usager_projets_consulter(request, usager_pk)
    if not access.projet_can_create(user, usager):
        raise PermissionDenied("Vous ne pouvez pas créer de projet pour cette personne.")
    try:
        etablissement = services._etablissement_du_sejour(usager, user)
    except ValidationError as error:
        raise Http404 from error
    form = ProjetForm(
        request.POST or None,
        usager=usager,
        etablissement=etablissement,
        initial={"referent": user.pk, "titre": "Projet personnalisé"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            projet = services.projet_creer(
                acteur=user,
                usager=usager,
                etablissement=etablissement,
                type_projet=data["type_projet"],
                titre=data["titre"],
                referent=data["referent"],
                date_debut=data["date_debut"],
                date_fin=data["date_fin"],
                description=data["description"],
                modalites_communication=data["modalites_communication"],
                usager_present=data["usager_present"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(projet)
    return render(
        request,
        "projet/projet_form.html",
        {"form": form, "usager": usager, "titre_page": "Nouveau projet personnalisé"},
    )


@dataclass(frozen=True)
class ObjectifVue:
    objectif: Objectif
    derniere: Any
    prestations: list[Prestation]


@login_required
def projet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan page and editor."""
    user = securite_access.current_user(request)
    projet = selectors.projet_complet(access.projet_consulter(request, pk))
    can_edit = access.projet_can_edit(user, projet)
    prestations = list(projet.prestations.all())
    objectifs = [
        ObjectifVue(
            o,
            selectors.derniere_evaluation(o),
            [p for p in prestations if o in p.objectifs.all()],
        )
        for o in projet.objectifs.all()
    ]
    transitions = []
    if can_edit:
        transitions = [
            (vers, TRANSITION_LABELS[StatutProjet(vers)])
            for vers in services.TRANSITIONS[projet.statut]
        ]
    return render(
        request,
        "projet/projet_detail.html",
        {
            "projet": projet,
            "usager": projet.usager,
            "projet_de_vie": selectors.projet_de_vie(projet),
            "objectifs": objectifs,
            "prestations": prestations,
            "can_edit": can_edit,
            "editable": can_edit and projet.is_en_preparation,
            "evaluable": can_edit and projet.is_evaluable,
            "can_sign": access.projet_can_sign_for_structure(user, projet),
            "transitions": transitions,
            "manquants": services.accords_manquants(projet)
            if projet.statut == StatutProjet.CONCERTATION
            else [],
            "echeance_defaut": services.echeance_par_defaut(projet),
            "en_retard": projet.is_en_retard(timezone.localdate()),
            "usager_url": usager_url(projet.usager_id),
            "suivant": ProjetPersonnalise.objects.filter(precedent=projet).first(),
        },
    )


@login_required
def projet_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    access.projet_consulter(request, pk)
    form = ProjetForm(
        request.POST or None,
        instance=projet,
        usager=projet.usager,
        etablissement=projet.etablissement,
    )
    if request.method == "POST" and form.is_valid():
        # The form worked on a copy: the service compares against the stored plan.
        stored = ProjetPersonnalise.objects.get(pk=projet.pk)
        try:
            services.projet_modifier(
                acteur=user,
                projet=stored,
                request=request,
                **{name: form.cleaned_data[name] for name in services.PROJET_CHAMPS_MODIFIABLES},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _retour(stored)
    return render(
        request,
        "projet/projet_form.html",
        {
            "form": form,
            "usager": projet.usager,
            "projet": projet,
            "titre_page": "Modifier le projet",
        },
    )


@login_required
def projet_de_vie(request: HttpRequest, pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    access.projet_consulter(request, pk)
    form = ProjetDeVieForm(request.POST or None, instance=selectors.projet_de_vie(projet))
    if request.method == "POST" and form.is_valid():
        try:
            services.projet_de_vie_enregistrer(
                acteur=user, projet=projet, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _retour(projet, "ses-mots")
    return _element_page(request, projet, form, "Son projet de vie")


# ---------------------------------------------------------------------------
# Items: one small form per change
# ---------------------------------------------------------------------------
def _save_attente(form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any) -> None:
    services.attente_ajouter(acteur=user, projet=projet, request=request, **form.cleaned_data)


def _save_besoin(form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any) -> None:
    services.besoin_ajouter(acteur=user, projet=projet, request=request, **form.cleaned_data)


def _save_objectif(form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any) -> None:
    data = dict(form.cleaned_data)
    besoin, titre = data.pop("besoin"), data.pop("titre")
    services.objectif_ajouter(
        acteur=user, projet=projet, besoin=besoin, titre=titre, request=request, **data
    )


def _save_prestation(
    form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any
) -> None:
    data = dict(form.cleaned_data)
    data["objectifs"] = list(data["objectifs"])
    services.prestation_ajouter(acteur=user, projet=projet, request=request, **data)


def _save_participant(
    form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any
) -> None:
    services.participant_ajouter(acteur=user, projet=projet, request=request, **form.cleaned_data)


def _save_accord(form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any) -> None:
    data = dict(form.cleaned_data)
    data["document"] = data.get("document") or None
    services.accord_enregistrer(acteur=user, projet=projet, request=request, **data)


def _save_bilan(form: Any, user: Utilisateur, projet: ProjetPersonnalise, request: Any) -> None:
    services.bilan_enregistrer(acteur=user, projet=projet, request=request, **form.cleaned_data)


@dataclass(frozen=True)
class Element:
    form: Callable[..., BaseForm]
    titre: str
    ancre: str
    save: Callable[[Any, Utilisateur, ProjetPersonnalise, Any], None]
    needs_projet: bool = False


ELEMENTS = {
    "attente": Element(AttenteForm, "Ajouter une attente", "ses-mots", _save_attente),
    "besoin": Element(BesoinForm, "Ajouter un besoin", "besoins", _save_besoin),
    "objectif": Element(ObjectifForm, "Ajouter un objectif", "objectifs", _save_objectif, True),
    "prestation": Element(
        PrestationForm, "Ajouter une prestation", "prestations", _save_prestation, True
    ),
    "participant": Element(
        ParticipantForm, "Ajouter un participant", "participants", _save_participant, True
    ),
    "accord": Element(AccordForm, "Recueillir un accord", "accords", _save_accord),
    "bilan": Element(BilanForm, "Faire le bilan", "bilans", _save_bilan),
}
SUPPRIMABLES: dict[str, type[Attente | Besoin | Objectif | Prestation | Participant]] = {
    "attente": Attente,
    "besoin": Besoin,
    "objectif": Objectif,
    "prestation": Prestation,
    "participant": Participant,
}


def _element_page(
    request: HttpRequest, projet: ProjetPersonnalise, form: BaseForm, titre: str
) -> HttpResponse:
    return render(
        request,
        "projet/element_form.html",
        {"form": form, "projet": projet, "usager": projet.usager, "titre_page": titre},
    )


@login_required
def element_ajouter(request: HttpRequest, pk: int, element: str) -> HttpResponse:
    spec = ELEMENTS.get(element)
    if spec is None:
        raise Http404
    user, projet = _editable(request, pk, signataire=element == "accord")
    access.projet_consulter(request, pk)
    kwargs: dict[str, Any] = {"projet": projet} if spec.needs_projet else {}
    if element == "accord" or element == "bilan":
        kwargs["initial"] = {"date": timezone.localdate()}
    form = spec.form(request.POST or None, request.FILES or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(form, user, projet, request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _retour(projet, spec.ancre)
    return _element_page(request, projet, form, spec.titre)


@login_required
def objectif_modifier(request: HttpRequest, pk: int, objectif_pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    access.projet_consulter(request, pk)
    objectif = get_object_or_404(Objectif, pk=objectif_pk, projet=projet)
    form = ObjectifForm(request.POST or None, instance=objectif, projet=projet)
    if request.method == "POST" and form.is_valid():
        stored = Objectif.objects.select_related("projet__usager").get(pk=objectif.pk)
        try:
            services.objectif_modifier(
                acteur=user, objectif=stored, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _retour(projet, f"objectif-{objectif.pk}")
    return _element_page(request, projet, form, "Modifier l'objectif")


@login_required
def evaluation_ajouter(request: HttpRequest, pk: int, objectif_pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    access.projet_consulter(request, pk)
    objectif = get_object_or_404(
        Objectif.objects.select_related("besoin__code"), pk=objectif_pk, projet=projet
    )
    form = EvaluationForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        objectif.projet = projet
        try:
            services.evaluation_enregistrer(
                acteur=user, objectif=objectif, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _retour(projet, f"objectif-{objectif.pk}")
    return render(
        request,
        "projet/evaluation_form.html",
        {"form": form, "projet": projet, "usager": projet.usager, "objectif": objectif},
    )


@require_POST
@login_required
def element_supprimer(request: HttpRequest, pk: int, element: str, element_pk: int) -> HttpResponse:
    model = SUPPRIMABLES.get(element)
    if model is None:
        raise Http404
    user, projet = _editable(request, pk)
    item = cast(
        Attente | Besoin | Objectif | Prestation | Participant,
        get_object_or_404(model, pk=element_pk, projet=projet),
    )
    item.projet = projet
    try:
        services.element_supprimer(acteur=user, element=item, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _retour(projet, ELEMENTS[element].ancre)


# ---------------------------------------------------------------------------
# Lifecycle and versions
# ---------------------------------------------------------------------------
@require_POST
@login_required
def projet_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Demande de changement de statut invalide.")
        return _retour(projet)
    try:
        projet = services.projet_transition(
            acteur=user,
            projet=projet,
            vers=form.cleaned_data["vers"],
            motif=form.cleaned_data["motif"],
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Le projet est maintenant « {projet.get_statut_display().lower()} »."
        )
        if form.cleaned_data["vers"] == StatutProjet.VALIDE:
            partage = projet_partage_etat(projet=projet, acteur=user)
            niveau = messages.WARNING if partage.is_alerte else messages.INFO
            messages.add_message(request, niveau, partage.message)
    return _retour(projet)


@require_POST
@login_required
def projet_nouvelle_version(request: HttpRequest, pk: int) -> HttpResponse:
    user, projet = _editable(request, pk)
    try:
        nouveau = services.projet_nouvelle_version(acteur=user, projet=projet, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _retour(projet)
    messages.success(
        request, f"Version {nouveau.version} créée à partir de la version {projet.version}."
    )
    return redirect(nouveau)


@login_required
def projet_historique(request: HttpRequest, pk: int) -> HttpResponse:
    projet = access.projet_consulter(request, pk)
    versions = selectors.projet_versions(projet)
    precedent = projet.precedent
    return render(
        request,
        "projet/historique.html",
        {
            "projet": projet,
            "usager": projet.usager,
            "versions": versions,
            "precedent": precedent,
            "changements": selectors.projet_diff(precedent, projet) if precedent else [],
        },
    )


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------
@login_required
def projet_facile(request: HttpRequest, pk: int) -> HttpResponse:
    """The easy-to-read version (FALC), to print for the person."""
    projet = access.projet_consulter(request, pk)
    return render(request, "projet/falc.html", document_context(projet))


@login_required
def projet_pdf_telecharger(request: HttpRequest, pk: int) -> HttpResponse:
    user = securite_access.current_user(request)
    projet = access.projet_consulter(request, pk)
    with transaction.atomic():
        audit_record(
            acteur=user,
            action=AuditAction.EXPORT,
            usager=projet.usager,
            objet=projet,
            categorie=access.CATEGORIE,
            request=request,
            motif="PDF du projet personnalisé",
        )
    response = HttpResponse(projet_pdf(projet), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="projet-personnalise-{projet.pk}-v{projet.version}.pdf"'
    )
    return response


@login_required
def accord_document(request: HttpRequest, pk: int, accord_pk: int) -> FileResponse:
    projet = access.projet_consulter(request, pk)
    accord = get_object_or_404(Accord, pk=accord_pk, projet=projet)
    if not accord.document:
        raise Http404
    return FileResponse(accord.document.open("rb"), as_attachment=False)
