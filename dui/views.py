"""Pages of the organisation: home per persona, establishments and units, health."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from securite import access
from securite.models import Profession, TypeCompte
from usagers.quotidien import views as quotidien_views

from . import selectors, services
from .forms import EtablissementForm, add_service_errors
from .models import WorkerHeartbeat

# Home template per persona: field staff get "ma journée", managers a dashboard.
FIELD_PROFESSIONS = frozenset(
    {
        Profession.EDUCATEUR,
        Profession.AES,
        Profession.AIDE_SOIGNANT,
        Profession.INFIRMIER,
        Profession.MEDECIN,
        Profession.PSYCHOLOGUE,
        Profession.ASSISTANT_SOCIAL,
    }
)


def _persona(user: Any) -> str:
    if user.type_compte == TypeCompte.FAMILLE:
        return "famille"
    if user.type_compte == TypeCompte.TECHNIQUE:
        return "technique"
    if user.profession in FIELD_PROFESSIONS:
        return "terrain"
    if user.profession == Profession.SECRETAIRE:
        return "secretariat"
    return "direction"


@login_required
def accueil(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    jour = timezone.localdate()
    persona = _persona(user)
    context: dict[str, Any] = {"jour": jour, "persona": persona}
    if persona == "terrain":
        return quotidien_views.ma_journee(request)
    if persona in ("direction", "secretariat", "technique"):
        context["occupations"] = selectors.occupation_list(user=user, jour=jour)
    if persona == "direction":
        from interop import selectors as envois
        from usagers.projet.selectors import echeances_compter
        from usagers.quotidien.selectors import incidents_compter

        context["projets_echeances"] = echeances_compter(user=user, jour=jour)
        context["incidents"] = incidents_compter(user=user, jour=jour)
        if envois.file_can_manage(user):
            context["envois"] = envois.file_etat(envois.envois_file(user))
    return render(request, f"dui/accueil_{persona}.html", context)


@login_required
def etablissement_list(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    jour = timezone.localdate()
    return render(
        request,
        "dui/etablissement_list.html",
        {
            "occupations": selectors.occupation_list(user=user, jour=jour),
            "can_manage": access.etablissement_can_manage(user),
        },
    )


@login_required
def etablissement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.current_user(request)
    etablissement = access.etablissement_get(user, pk)
    jour = timezone.localdate()
    return render(
        request,
        "dui/etablissement_detail.html",
        {
            "etablissement": etablissement,
            "capacites": etablissement.capacites.order_by("mode_accueil"),
            "unites": selectors.unite_list_with_presents(
                user=user, jour=jour, etablissement=etablissement
            ),
        },
    )


@login_required
def etablissement_create(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    if not access.etablissement_can_manage(user):
        raise PermissionDenied
    form = EtablissementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            etablissement = services.etablissement_create(
                acteur=user,
                nom=form.cleaned_data["nom"],
                finess=form.cleaned_data["finess"],
                categorie=form.cleaned_data["categorie"],
                capacites=form.capacites(),
                adresse=form.cleaned_data["adresse"],
                code_postal=form.cleaned_data["code_postal"],
                commune=form.cleaned_data["commune"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(etablissement)
    return render(request, "dui/etablissement_form.html", {"form": form})


@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and compose health checks: database and worker."""
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        database = "erreur"
        status = 503
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if last is None:
        worker = "inconnu"
    elif (timezone.now() - last).total_seconds() < settings.WORKER_HEARTBEAT_STALE_SECONDS:
        worker = "ok"
    else:
        worker = "en retard"
    return JsonResponse({"base": database, "worker": worker}, status=status)
