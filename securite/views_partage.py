"""Pages that manage the access policy: a person's care team and objections ("Équipe et
oppositions", from the record), and the organisme's matrix (direction).

Who may do what is decided in securite.access:
- the care team (`equipe_can_manage`): heads of service and directors who may write the
  person's administrative record, because a membership opens the record to its member;
- the objections (`opposition_can_manage`): heads of service, directors and secretaries
  with the same right, because an objection is administrative data of the person, often
  received at the front desk;
- the matrix (`matrice_can_manage`): directors and the organisme's technical
  administrators.
The page of a record is reachable by whoever may manage either list (the other list is then
shown read-only); anybody else gets 404 and leaves a refusal in the audit, as for any record.
The services check the same rules again and write the audit rows.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dui.forms import add_service_errors
from usagers.models import Usager

from . import access, services
from .audit import audit_record, audit_refusal
from .forms import MembreEquipeFinForm, MembreEquipeForm, OppositionForm, OppositionRetraitForm
from .models import (
    Action,
    AuditAction,
    Categorie,
    MembreEquipe,
    Opposition,
    Profession,
    RegleAcces,
    Utilisateur,
)

A = Categorie.ADMINISTRATIF


# ---------------------------------------------------------------------------------------------
# "Équipe et oppositions" of one record
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gestion:
    user: Utilisateur
    usager: Usager
    equipe: bool
    oppositions: bool


def _gestion(request: HttpRequest, pk: int) -> Gestion:
    """The record and what the user may manage on it; 404 (and a refusal row) if nothing."""
    user = access.current_user(request)
    usager = access.usager_get(user, pk, categorie=A, action=Action.ECRIRE, request=request)
    # usager_get has checked the right to write the administrative record, the rest of
    # access.equipe_can_manage / opposition_can_manage is the profession.
    gestion = Gestion(
        user=user,
        usager=usager,
        equipe=user.profession in access.EQUIPE_GESTIONNAIRES,
        oppositions=user.profession in access.OPPOSITION_GESTIONNAIRES,
    )
    if not (gestion.equipe or gestion.oppositions):
        audit_refusal(acteur=user, request=request, objet_type=Usager._meta.label, objet_id=pk)
        raise Http404
    return gestion


def _equipe_page(
    request: HttpRequest,
    gestion: Gestion,
    *,
    membre_form: MembreEquipeForm | None = None,
    opposition_form: OppositionForm | None = None,
) -> HttpResponse:
    usager = gestion.usager
    jour = timezone.localdate()
    membres = (
        MembreEquipe.objects.filter(usager=usager)
        .select_related("utilisateur__professionnel")
        .order_by("-date_debut", "pk")
    )
    oppositions = (
        Opposition.objects.filter(usager=usager)
        .select_related("utilisateur__professionnel")
        .order_by("-date", "pk")
    )
    if gestion.equipe and membre_form is None:
        membre_form = MembreEquipeForm(organisme_id=usager.organisme_id)
    if gestion.oppositions and opposition_form is None:
        opposition_form = OppositionForm(organisme_id=usager.organisme_id)
    return render(
        request,
        "acces/equipe.html",
        {
            "usager": usager,
            "jour": jour,
            "membres": membres,
            "oppositions": oppositions,
            "gestion": gestion,
            "membre_form": membre_form,
            "fin_form": MembreEquipeFinForm(initial={"date_fin": jour}),
            "opposition_form": opposition_form,
            "retrait_form": OppositionRetraitForm(),
        },
    )


def _retour(usager: Usager) -> HttpResponse:
    return redirect(reverse("acces:equipe", args=[usager.pk]))


@login_required
def equipe(request: HttpRequest, pk: int) -> HttpResponse:
    """The care team (with dates) and the objections of one person."""
    gestion = _gestion(request, pk)
    audit_record(
        acteur=gestion.user,
        action=AuditAction.LECTURE,
        usager=gestion.usager,
        categorie=A,
        objet_type="securite.equipe",
        objet_id=str(gestion.usager.pk),
        request=request,
    )
    return _equipe_page(request, gestion)


def _refuse(request: HttpRequest, gestion: Gestion) -> Http404:
    audit_refusal(
        acteur=gestion.user,
        request=request,
        objet_type=Usager._meta.label,
        objet_id=gestion.usager.pk,
    )
    return Http404()


@login_required
@require_POST
def equipe_ajouter(request: HttpRequest, pk: int) -> HttpResponse:
    gestion = _gestion(request, pk)
    if not gestion.equipe:
        raise _refuse(request, gestion)
    form = MembreEquipeForm(request.POST, organisme_id=gestion.usager.organisme_id)
    if form.is_valid():
        try:
            services.membre_equipe_ajouter(
                acteur=gestion.user,
                usager=gestion.usager,
                utilisateur=form.cleaned_data["utilisateur"],
                role=form.cleaned_data["role"],
                date_debut=form.cleaned_data["date_debut"],
                date_fin=form.cleaned_data["date_fin"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Membre ajouté à l'équipe de prise en charge.")
            return _retour(gestion.usager)
    return _equipe_page(request, gestion, membre_form=form)


@login_required
@require_POST
def equipe_terminer(request: HttpRequest, pk: int, membre_pk: int) -> HttpResponse:
    gestion = _gestion(request, pk)
    if not gestion.equipe:
        raise _refuse(request, gestion)
    membre = get_object_or_404(MembreEquipe, pk=membre_pk, usager=gestion.usager)
    form = MembreEquipeFinForm(request.POST)
    error: ValidationError | None = None
    if form.is_valid():
        try:
            services.membre_equipe_terminer(
                acteur=gestion.user,
                membre=membre,
                date_fin=form.cleaned_data["date_fin"],
                request=request,
            )
        except ValidationError as refus:
            error = refus
        else:
            messages.success(request, "Fin de l'appartenance à l'équipe enregistrée.")
            return _retour(gestion.usager)
    else:
        error = ValidationError(list(form.errors["date_fin"]))
    messages.error(request, "Rien n'a été enregistré : " + " ".join(error.messages))
    return _retour(gestion.usager)


@login_required
@require_POST
def opposition_ajouter(request: HttpRequest, pk: int) -> HttpResponse:
    gestion = _gestion(request, pk)
    if not gestion.oppositions:
        raise _refuse(request, gestion)
    form = OppositionForm(request.POST, organisme_id=gestion.usager.organisme_id)
    if form.is_valid():
        try:
            services.opposition_enregistrer(
                acteur=gestion.user,
                usager=gestion.usager,
                categorie=form.cleaned_data["categorie"],
                profession=form.cleaned_data["profession"],
                utilisateur=form.cleaned_data["utilisateur"],
                exprimee_par=form.exprimee_par_libelle(),
                date=form.cleaned_data["date"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Opposition enregistrée : elle s'applique immédiatement.")
            return _retour(gestion.usager)
    return _equipe_page(request, gestion, opposition_form=form)


@login_required
@require_POST
def opposition_retirer(request: HttpRequest, pk: int, opposition_pk: int) -> HttpResponse:
    gestion = _gestion(request, pk)
    if not gestion.oppositions:
        raise _refuse(request, gestion)
    opposition = get_object_or_404(Opposition, pk=opposition_pk, usager=gestion.usager)
    form = OppositionRetraitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Rien n'a été enregistré : indiquez qui demande le retrait.")
        return _retour(gestion.usager)
    try:
        services.opposition_retirer(
            acteur=gestion.user,
            opposition=opposition,
            retrait_exprime_par=form.libelle(),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, "Rien n'a été enregistré : " + " ".join(error.messages))
    else:
        messages.success(request, "Opposition retirée.")
    return _retour(gestion.usager)


# ---------------------------------------------------------------------------------------------
# The organisme's matrix
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cellule:
    profession: str
    categorie: str
    categorie_libelle: str
    lire: bool
    ecrire: bool
    defaut_lire: bool
    defaut_ecrire: bool

    @property
    def nom(self) -> str:
        return f"{self.profession}__{self.categorie}"

    @property
    def is_modifiee(self) -> bool:
        return (self.lire, self.ecrire) != (self.defaut_lire, self.defaut_ecrire)

    @property
    def defaut_libelle(self) -> str:
        if self.defaut_ecrire:
            return "lecture et écriture"
        if self.defaut_lire:
            return "lecture seule"
        return "aucun accès"


def _matrice_user(request: HttpRequest) -> Utilisateur:
    user = access.current_user(request)
    if not access.matrice_can_manage(user):
        audit_refusal(acteur=user, request=request, objet_type="securite.matrice", objet_id="")
        raise Http404
    return user


def _matrice_lignes(
    user: Utilisateur, saisie: dict[tuple[str, str], tuple[bool, bool]] | None = None
) -> list[dict[str, Any]]:
    regles = {
        (r.profession, r.categorie): (r.peut_lire, r.peut_ecrire)
        for r in RegleAcces.objects.filter(organisme_id=user.organisme_id)  # type: ignore[misc]
    }
    lignes = []
    for profession, profession_libelle in Profession.choices:
        cellules = []
        for categorie, categorie_libelle in Categorie.choices:
            defaut = access.DEFAULT_MATRIX.get(profession, {}).get(categorie, frozenset())
            defaut_valeur = (Action.LIRE in defaut, Action.ECRIRE in defaut)
            lire, ecrire = (saisie or regles).get((profession, categorie), defaut_valeur)
            cellules.append(
                Cellule(
                    profession=profession,
                    categorie=categorie,
                    categorie_libelle=categorie_libelle,
                    lire=lire,
                    ecrire=ecrire,
                    defaut_lire=defaut_valeur[0],
                    defaut_ecrire=defaut_valeur[1],
                )
            )
        lignes.append({"profession": profession_libelle, "cellules": cellules})
    return lignes


def _matrice_saisie(request: HttpRequest) -> dict[tuple[str, str], tuple[bool, bool]]:
    """Every cell of the submitted matrix (an unticked box is absent from the POST)."""
    return {
        (profession, categorie): (
            request.POST.get(f"{profession}__{categorie}__lire") == "on",
            request.POST.get(f"{profession}__{categorie}__ecrire") == "on",
        )
        for profession in Profession.values
        for categorie in Categorie.values
    }


@login_required
@require_http_methods(["GET", "POST"])
def matrice(request: HttpRequest) -> HttpResponse:
    """Profession x category matrix of the organisme: the default, and its adjustments."""
    user = _matrice_user(request)
    erreurs: list[str] = []
    saisie = None
    if request.method == "POST":
        saisie = _matrice_saisie(request)
        try:
            changed = services.matrice_enregistrer(acteur=user, cellules=saisie, request=request)
        except ValidationError as error:
            erreurs = error.messages
        else:
            if changed:
                messages.success(request, f"Règles d'accès enregistrées ({changed} modifiée(s)).")
            else:
                messages.info(request, "Aucune modification.")
            return redirect(reverse("acces:matrice"))
    lignes = _matrice_lignes(user, saisie)
    return render(
        request,
        "acces/matrice.html",
        {
            "lignes": lignes,
            "categories": Categorie.choices,
            "erreurs": erreurs,
            "nombre_modifiees": sum(c.is_modifiee for ligne in lignes for c in ligne["cellules"]),
            "organisme": user.organisme,
        },
    )


@login_required
@require_POST
def matrice_retablir(request: HttpRequest) -> HttpResponse:
    user = _matrice_user(request)
    count = services.matrice_retablir(acteur=user, request=request)
    messages.success(request, f"Matrice par défaut rétablie ({count} ajustement(s) supprimé(s)).")
    return redirect(reverse("acces:matrice"))
