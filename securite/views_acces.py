"""Pages of the access policy: break the glass, "Qui a consulté ce dossier"."""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dui.forms import add_service_errors
from usagers.models import Usager

from . import access, services
from .audit import audit_record, audit_refusal
from .forms import BrisDeGlaceForm
from .models import (
    AccesExceptionnel,
    AuditAction,
    Categorie,
    EvenementAudit,
    Profession,
    TypeCompte,
)

ROLES = {**dict(TypeCompte.choices), **dict(Profession.choices)}
CATEGORIES = dict(Categorie.choices)
# Field names recorded by pages and services that are not model fields.
CHAMPS = {"texte": "nom ou numéro", "date_naissance": "date de naissance"}


def _usager_url(pk: int) -> str:
    try:
        return reverse("usagers:detail", args=[pk])
    except NoReverseMatch:
        return reverse("dui:accueil")


@login_required
def bris_de_glace(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    form = BrisDeGlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            acces = services.acces_exceptionnel_ouvrir(
                acteur=user,
                identifiant_local=form.cleaned_data["identifiant_local"],
                motif=form.cleaned_data["motif"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_usager_url(acces.usager_id))
    return render(
        request,
        "acces/bris_de_glace.html",
        {"form": form, "duree": settings.BRIS_GLACE_DUREE_HEURES},
    )


@login_required
def consultations(request: HttpRequest, pk: int) -> HttpResponse:
    """Who opened this record, when, from where and why (heads of service, directors, DPO)."""
    user = access.current_user(request)
    usager = Usager.objects.filter(pk=pk).first()
    if usager is None or not access.audit_can_read(user, usager):
        audit_refusal(acteur=user, request=request, objet_type="audit.consultations", objet_id=pk)
        raise Http404
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        objet_type="audit.consultations",
        objet_id=str(usager.pk),
        request=request,
    )
    rows = EvenementAudit.objects.filter(usager=usager).select_related("acteur").order_by("-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    acces_exceptionnels = (
        AccesExceptionnel.objects.filter(usager=usager)
        .select_related("utilisateur__professionnel", "revu_par")
        .order_by("-debut")
    )
    return render(
        request,
        "acces/consultations.html",
        {
            "usager": usager,
            "page": page,
            "lignes": [_ligne(row) for row in page],
            "bris_de_glace": acces_exceptionnels,
            "maintenant": timezone.now(),
            "usager_url": _usager_url(usager.pk),
        },
    )


@dataclass(frozen=True)
class Ligne:
    """An audit row with French labels instead of codes."""

    row: EvenementAudit
    role: str
    categorie: str
    champs: str


@cache
def _champ_libelle(objet_type: str, champ: str) -> str:
    if champ in CHAMPS:
        return CHAMPS[champ]
    try:
        return str(apps.get_model(objet_type)._meta.get_field(champ).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return champ.replace("_", " ")


def _ligne(row: EvenementAudit) -> Ligne:
    return Ligne(
        row=row,
        role=ROLES.get(row.role, row.role),
        categorie=CATEGORIES.get(row.categorie, row.categorie),
        champs=", ".join(_champ_libelle(row.objet_type, champ) for champ in row.champs),
    )


@login_required
@require_POST
def acces_exceptionnel_revu(request: HttpRequest, pk: int, acces_pk: int) -> HttpResponse:
    """Mark a break-the-glass access as reviewed (same people as the page above)."""
    user = access.current_user(request)
    usager = Usager.objects.filter(pk=pk).first()
    if usager is None or not access.acces_exceptionnel_can_review(user, usager):
        audit_refusal(acteur=user, request=request, objet_type="audit.consultations", objet_id=pk)
        raise Http404
    acces = get_object_or_404(AccesExceptionnel, pk=acces_pk, usager=usager)
    try:
        services.acces_exceptionnel_revoir(acteur=user, acces=acces, request=request)
    except ValidationError as error:
        messages.error(request, "Rien n'a été enregistré : " + " ".join(error.messages))
    else:
        messages.success(request, "Accès exceptionnel marqué comme revu.")
    return redirect(reverse("acces:consultations", args=[usager.pk]))
