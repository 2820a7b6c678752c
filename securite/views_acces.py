"""Pages of the access policy: break the glass, "Qui a consulté ce dossier"."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from usagers.models import Usager

from . import access, services
from .audit import audit_record, audit_refusal
from .forms import BrisDeGlaceForm
from .models import AuditAction, EvenementAudit


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
            for field, messages in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else [(None, error.messages)]
            ):
                form.add_error(field if field in form.fields else None, messages)
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
    return render(
        request,
        "acces/consultations.html",
        {"usager": usager, "page": page, "usager_url": _usager_url(usager.pk)},
    )
