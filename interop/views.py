"""Pages of the outbox: a person's shared documents, and the administrators' delivery queue
with its retry and cancel actions (audited by the services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from securite import access
from securite.models import Utilisateur

from . import selectors, services
from .models import Envoi, StatutEnvoi


@login_required
def usager_envois(request: HttpRequest, usager_pk: int) -> HttpResponse:
    """ "Documents partagés": each delivery of the person's documents, its status and history."""
    usager = access.usager_consulter(request, usager_pk)
    envois = selectors.envois_usager(usager)
    return render(request, "interop/usager_envois.html", {"usager": usager, "envois": envois})


def _gestionnaire(request: HttpRequest) -> Utilisateur:
    user = access.current_user(request)
    if not selectors.file_can_manage(user):
        raise Http404
    return user


@login_required
def file_envois(request: HttpRequest) -> HttpResponse:
    """The delivery queue: counts, oldest undelivered, and the deliveries needing a human."""
    user = _gestionnaire(request)
    queryset = selectors.envois_file(user)
    statut = request.GET.get("statut", "")
    liste = queryset.exclude(statut__in=[StatutEnvoi.ACKNOWLEDGED, StatutEnvoi.SENT])
    if statut in StatutEnvoi.values:
        liste = queryset.filter(statut=statut)
    return render(
        request,
        "interop/file.html",
        {
            "etat": selectors.file_etat(queryset),
            "envois": liste.order_by("cree_le")[:200],
            "statut": statut,
            "statuts": StatutEnvoi.choices,
        },
    )


def _envoi(user: Utilisateur, pk: int) -> Envoi:
    try:
        return selectors.envois_file(user).get(pk=pk)
    except (Envoi.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
@require_POST
def envoi_relancer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _gestionnaire(request)
    try:
        services.envoi_relancer(envoi=_envoi(user, pk), acteur=user, request=request)
        messages.success(request, "Envoi relancé.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("envois:file")


@login_required
@require_POST
def envoi_annuler(request: HttpRequest, pk: int) -> HttpResponse:
    user = _gestionnaire(request)
    try:
        services.envoi_annuler(
            envoi=_envoi(user, pk),
            acteur=user,
            motif=request.POST.get("motif", ""),
            request=request,
        )
        messages.success(request, "Envoi annulé.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("envois:file")
