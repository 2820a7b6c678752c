"""Pages of the daily support. Thin: the policy (securite.access and .acces), a form, a
service or a selector, a template. Every page that shows a person's data leaves a reading in
the audit; a refusal is a 404 with its trace."""

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dui.forms import add_service_errors
from securite import access
from securite.audit import audit_record, audit_record_many, audit_refusal
from securite.models import Action, AuditAction, Categorie, Utilisateur
from usagers.models import Usager
from usagers.projet.access import CATEGORIE as PROJET_CATEGORIE
from usagers.projet.models import Objectif

from . import charts, selectors, services
from .acces import (
    absence_get,
    evenement_get,
    incident_can_manage,
    incident_get,
    incidents_visibles,
)
from .forms import (
    AbsenceForm,
    ChronologieFiltreForm,
    ComplementForm,
    EvenementDeplacementForm,
    EvenementForm,
    IncidentEtapeForm,
    IncidentForm,
    ObservationsForm,
    PresenceForm,
    TransmissionForm,
)
from .models import Evenement, NatureSignalement, Transmission
from .plausibilite import TypeObservation
from .services import EtapeIncident

COURBES = (
    TypeObservation.POIDS,
    TypeObservation.TENSION,
    TypeObservation.POULS,
    TypeObservation.TEMPERATURE,
    TypeObservation.SPO2,
    TypeObservation.GLYCEMIE,
    TypeObservation.DOULEUR_EN,
    TypeObservation.DOULEUR_EVA,
    TypeObservation.ALGOPLUS,
    TypeObservation.SELLES,
    TypeObservation.SOMMEIL,
    TypeObservation.REPAS,
)
PERIODES_COURBES = {"1": 31, "3": 92, "6": 183, "12": 366}


def _retour(request: HttpRequest, default: str) -> str:
    """Where to go back after a write: a local path given by the page, or the default."""
    url = request.POST.get("retour") or request.GET.get("retour") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _usager_page(request: HttpRequest, pk: int) -> tuple[Utilisateur, Usager, access.Droits]:
    """A person's page: the policy check (404 and a refusal in the audit) and the rights."""
    user = access.current_user(request)
    usager = access.usager_get(user, pk, request=request)
    return user, usager, access.droits(user, usager)


def _afficher(
    request: HttpRequest, user: Utilisateur, usager: Usager, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Render a person's page and record its reading (a write that redirects records its own
    row in the service instead)."""
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        categorie=Categorie.ADMINISTRATIF,
        request=request,
    )
    return render(request, template, context)


def _sejour_courant(usager: Usager) -> Any:
    today = timezone.localdate()
    return (
        usager.sejours.filter(date_entree__lte=today)
        .exclude(date_sortie__lt=today)
        .select_related("unite", "etablissement")
        .order_by("-date_entree")
        .first()
    )


def _entete(usager: Usager, onglet: str, ecriture: frozenset[str]) -> dict[str, Any]:
    return {
        "ecriture": ecriture,
        "usager": usager,
        "sejour": _sejour_courant(usager),
        "onglet": onglet,
        "peut_ecrire": bool(ecriture),
        "peut_mesurer": bool(ecriture & {Categorie.SOINS, Categorie.EDUCATIF}),
        "peut_pointer": bool(ecriture & services.POINTAGE_CATEGORIES),
    }


# ---------------------------------------------------------------------------
# Ma journée
# ---------------------------------------------------------------------------
def ma_journee(request: HttpRequest) -> HttpResponse:
    """Home of field professionals (called by dui.views.accueil)."""
    user = access.current_user(request)
    journee = selectors.ma_journee(user=user)
    audit_record_many(
        acteur=user,
        usager_ids=journee.usager_ids_lus,
        objet_type="quotidien.ma_journee",
        champs=("transmissions", "observations"),
        request=request,
    )
    return render(
        request,
        "quotidien/ma_journee.html",
        {
            "journee": journee,
            "jour": journee.jour,
            "persona": "terrain",
            "can_manage_incidents": incident_can_manage(user),
            "retour_accueil": reverse("dui:accueil"),
        },
    )


@login_required
@require_POST
def releve(request: HttpRequest) -> HttpResponse:
    """End of the handover: the transmissions shown are read."""
    user = access.current_user(request)
    services.releve_marquer_lue(acteur=user)
    messages.success(request, "Transmissions marquées comme lues.")
    return redirect(_retour(request, reverse("dui:accueil")))


# ---------------------------------------------------------------------------
# A person: timeline, transmissions, observations
# ---------------------------------------------------------------------------
@login_required
def usager_fil(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's timeline: everything the user may read, newest first, filtered."""
    user = access.current_user(request)
    usager = access.usager_get(user, pk, request=request)
    droits = access.droits(user, usager)
    filtre = ChronologieFiltreForm(
        request.GET or None, categories=selectors.categories_choices(droits.lecture)
    )
    data = filtre.cleaned_data if filtre.is_valid() else {}
    page = selectors.chronologie(
        user=user,
        usager=usager,
        categories=[data["categorie"]] if data.get("categorie") else None,
        genres=[data["genre"]] if data.get("genre") else None,
        du=data.get("du"),
        au=data.get("au"),
        curseur=selectors.Curseur.decode(request.GET.get("apres")),
        lecture=droits.lecture,
    )
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        objet_type="quotidien.chronologie",
        objet_id=str(usager.pk),
        champs=sorted(page.categories),
        request=request,
    )
    query = request.GET.copy()
    query.pop("apres", None)
    if page.suivant:
        query["apres"] = page.suivant.encode()
    return render(
        request,
        "quotidien/usager_fil.html",
        {
            **_entete(usager, "fil", droits.ecriture),
            "page": page,
            "filtre": filtre,
            "suivant_url": f"?{query.urlencode()}" if page.suivant else "",
            "premiere_url": "?" + _sans(request, "apres") if request.GET.get("apres") else "",
            "a_venir": []
            if request.GET.get("apres")
            else selectors.a_venir(user=user, usager=usager, lecture=droits.lecture),
        },
    )


def _sans(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def transmission_nouvelle(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager, droits = _usager_page(request, pk)
    if not droits.ecriture:
        # May open the record but write no category of it: refused like an absent record.
        audit_refusal(acteur=user, request=request, objet_type=Usager._meta.label, objet_id=pk)
        raise Http404
    objectifs = (
        services.objectifs_en_vigueur(usager)
        if PROJET_CATEGORIE in droits.lecture
        else Objectif.objects.none()
    )
    form = TransmissionForm(request.POST or None, categories=droits.ecriture, objectifs=objectifs)
    if request.method == "POST" and form.is_valid():
        try:
            services.transmission_create(
                acteur=user, usager=usager, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Transmission enregistrée pour {usager}.")
            return redirect(_retour(request, reverse("quotidien:fil", args=[usager.pk])))
    return _afficher(
        request,
        user,
        usager,
        "quotidien/transmission_form.html",
        {
            **_entete(usager, "transmission", droits.ecriture),
            "form": form,
            "retour": _retour(request, ""),
            "has_objectifs": objectifs.exists(),
        },
    )


@login_required
def transmission_complement(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct or complete a note: the original stays visible above the form."""
    user = access.current_user(request)
    transmission = (
        Transmission.objects.select_related("usager", "auteur", "complete").filter(pk=pk).first()
    )
    original = (transmission.complete or transmission) if transmission else None
    if original is None:
        audit_refusal(
            acteur=user, request=request, objet_type=Transmission._meta.label, objet_id=pk
        )
        raise Http404
    # Completing needs the right to write the note's category (404 and a refusal otherwise).
    usager = access.usager_get(
        user,
        original.usager_id,
        categorie=original.categorie,
        action=Action.ECRIRE,
        request=request,
    )
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        objet=original,
        categorie=original.categorie,
        request=request,
    )
    droits = access.droits(user, usager)
    form = ComplementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transmission_completer(
                acteur=user, transmission=original, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Complément enregistré ; la transmission d'origine reste visible."
            )
            return redirect(reverse("quotidien:fil", args=[usager.pk]))
    return render(
        request,
        "quotidien/transmission_complement.html",
        {
            **_entete(usager, "fil", droits.ecriture),
            "form": form,
            "original": original,
            "addenda": original.addenda.select_related("auteur").order_by("ecrite_le"),
        },
    )


@login_required
def observations(request: HttpRequest, pk: int) -> HttpResponse:
    """Curves of a person's measurements over 1, 3, 6 or 12 months."""
    user, usager, droits = _usager_page(request, pk)
    mois = request.GET.get("mois", "3")
    jours = PERIODES_COURBES.get(mois, 92)
    fin = timezone.now()
    debut = fin - timedelta(days=jours)
    series = selectors.observations_series(
        user=user, usager=usager, types=COURBES, depuis=debut, lecture=droits.lecture
    )
    courbes = [charts.courbe(t, series[t], debut, fin) for t in COURBES if series[t]]
    poids = series[TypeObservation.POIDS][-1] if series[TypeObservation.POIDS] else None
    taille = selectors.derniere_taille(usager=usager, lecture=droits.lecture)
    return _afficher(
        request,
        user,
        usager,
        "quotidien/observations.html",
        {
            **_entete(usager, "observations", droits.ecriture),
            "courbes": courbes,
            "mois": mois,
            "periodes": [("1", "1 mois"), ("3", "3 mois"), ("6", "6 mois"), ("12", "12 mois")],
            "imc": charts.imc(poids.valeur if poids else None, taille.valeur if taille else None),
            "taille": taille,
        },
    )


@login_required
def observations_saisie(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager, droits = _usager_page(request, pk)
    form = ObservationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.observations_enregistrer(
                acteur=user,
                usager=usager,
                mesuree_le=form.cleaned_data["mesuree_le"],
                mesures=form.mesures(),
                commentaire=form.cleaned_data["commentaire"],
                request=request,
            )
        except ValidationError as error:
            add_service_errors(
                form, error, {str(k): v for k, v in ObservationsForm.CHAMP_DU_TYPE.items()}
            )
        else:
            anormales = [o for o in saved if o.is_anormale]
            messages.success(
                request,
                f"{len(saved)} mesure{'s' if len(saved) > 1 else ''} enregistrée"
                f"{'s' if len(saved) > 1 else ''} pour {usager}.",
            )
            for observation in anormales:
                messages.warning(request, f"À surveiller : {observation.motif_anomalie}.")
            return redirect(_retour(request, reverse("quotidien:observations", args=[usager.pk])))
    return _afficher(
        request,
        user,
        usager,
        "quotidien/observations_form.html",
        {
            **_entete(usager, "observations", droits.ecriture),
            "form": form,
            "retour": _retour(request, ""),
        },
    )


# ---------------------------------------------------------------------------
# Agenda, planned absences, presence
# ---------------------------------------------------------------------------
def _lundi(value: str | None) -> date:
    today = timezone.localdate()
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


def _unite_or_404(request: HttpRequest, user: Utilisateur, pk: int) -> Any:
    unite = access.unites_visibles(user).select_related("etablissement").filter(pk=pk).first()
    if unite is None:
        audit_refusal(acteur=user, request=request, objet_type="dui.Unite", objet_id=pk)
        raise Http404
    return unite


@login_required
def agenda_semaine(request: HttpRequest, pk: int) -> HttpResponse:
    """Week of a unit: presence and agenda, one row per person."""
    user = access.current_user(request)
    unite = _unite_or_404(request, user, pk)
    lundi = _lundi(request.GET.get("semaine"))
    semaine = selectors.semaine_unite(user=user, unite=unite, lundi=lundi)
    audit_record_many(
        acteur=user,
        usager_ids=[ligne.usager.pk for ligne in semaine.lignes],
        objet_type="quotidien.semaine",
        champs=("agenda", "presence"),
        request=request,
    )
    return render(
        request,
        "quotidien/agenda_semaine.html",
        {
            "semaine": semaine,
            "unite": unite,
            "precedente": (lundi - timedelta(days=7)).isoformat(),
            "suivante": (lundi + timedelta(days=7)).isoformat(),
            "unites": access.unites_visibles(user).select_related("etablissement").order_by("nom"),
        },
    )


@login_required
def evenement_nouveau(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan an appointment or an activity in a unit."""
    user = access.current_user(request)
    unite = _unite_or_404(request, user, pk)
    today = timezone.localdate()
    usagers = Usager.objects.filter(
        pk__in=access.sejours_en_cours_visibles(user, today).filter(unite=unite).values("usager_id")
    ).order_by("nom_naissance", "premier_prenom_naissance")
    professionnels = Utilisateur.objects.filter(
        is_active=True, organisme=user.organisme, professionnel__isnull=False
    ).order_by("last_name", "first_name")
    ecriture = access.categories_profession(user, Action.ECRIRE)
    initial = {}
    if request.GET.get("usager"):
        initial["usagers"] = [request.GET["usager"]]
    form = EvenementForm(
        request.POST or None,
        usagers=usagers,
        professionnels=professionnels,
        categories=ecriture,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            evenements = services.evenement_creer(
                acteur=user,
                etablissement=unite.etablissement,
                unite=unite,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = len(evenements)
            messages.success(
                request,
                "Événement ajouté à l'agenda." if count == 1 else f"{count} événements ajoutés.",
            )
            semaine = timezone.localdate(evenements[0].debut).isoformat()
            return redirect(f"{reverse('quotidien:semaine', args=[unite.pk])}?semaine={semaine}")
    return render(request, "quotidien/evenement_form.html", {"form": form, "unite": unite})


def _evenement_lisible(request: HttpRequest, user: Utilisateur, pk: int) -> Any:
    """An event whose details the user may read, with its participants, or 404 with a refusal
    in the audit (the pages show no "occupé" slot on their own)."""
    evenement, participants = evenement_get(user, pk, request=request)
    if not evenement.is_lisible:  # type: ignore[attr-defined]
        audit_refusal(acteur=user, request=request, objet_type=Evenement._meta.label, objet_id=pk)
        raise Http404
    return evenement, participants


@login_required
def evenement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event; done, cancelled or moved from here (the series too)."""
    user = access.current_user(request)
    evenement, participants = _evenement_lisible(request, user, pk)
    if request.method == "POST":
        try:
            services.evenement_statut_changer(
                acteur=user,
                evenement=evenement,
                statut=request.POST.get("statut", ""),
                toute_la_serie=request.POST.get("serie") == "1",
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Agenda mis à jour.")
        return redirect(reverse("quotidien:evenement", args=[evenement.pk]))
    audit_record_many(
        acteur=user,
        usager_ids=[p.usager_id for p in participants],
        objet_type=Evenement._meta.label,
        categorie=evenement.categorie,
        request=request,
    )
    return render(
        request,
        "quotidien/evenement_detail.html",
        {
            "evenement": evenement,
            "participants": participants,
            "professionnels": evenement.professionnels.order_by("last_name"),
        },
    )


@login_required
def evenement_deplacer(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an event to a new start and end (and the following occurrences of its series)."""
    user = access.current_user(request)
    evenement, participants = _evenement_lisible(request, user, pk)
    form = EvenementDeplacementForm(
        request.POST or None,
        initial={
            "debut": timezone.localtime(evenement.debut),
            "fin": timezone.localtime(evenement.fin),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evenement_deplacer(
                acteur=user, evenement=evenement, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement déplacé.")
            return redirect(reverse("quotidien:evenement", args=[evenement.pk]))
    audit_record_many(
        acteur=user,
        usager_ids=[p.usager_id for p in participants],
        objet_type=Evenement._meta.label,
        categorie=evenement.categorie,
        request=request,
    )
    return render(
        request,
        "quotidien/evenement_deplacer.html",
        {"evenement": evenement, "participants": participants, "form": form},
    )


@login_required
def absence_nouvelle(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager, droits = _usager_page(request, pk)
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_prevue_creer(
                acteur=user, usager=usager, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Absence prévue enregistrée pour {usager}.")
            return redirect(reverse("quotidien:fil", args=[usager.pk]))
    return _afficher(
        request,
        user,
        usager,
        "quotidien/absence_form.html",
        {
            **_entete(usager, "presence", droits.ecriture),
            "form": form,
            "absences": usager.absences_prevues.filter(fin__gte=timezone.localdate()).order_by(
                "debut"
            ),
        },
    )


@login_required
def absence_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the dates or the reason of a planned absence, or cancel it."""
    user = access.current_user(request)
    absence = absence_get(user, pk, request=request)
    usager = absence.usager
    droits = access.droits(user, usager)
    form = AbsenceForm(
        request.POST or None,
        initial={
            "debut": absence.debut,
            "debut_demi_journee": absence.debut_demi_journee,
            "fin": absence.fin,
            "fin_demi_journee": absence.fin_demi_journee,
            "motif": absence.motif,
        },
    )
    if request.method == "POST" and "annuler_absence" in request.POST:
        try:
            services.absence_prevue_annuler(acteur=user, absence=absence, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("quotidien:absence", args=[absence.pk]))
        messages.success(request, f"Absence prévue annulée pour {usager}.")
        return redirect(reverse("quotidien:absence-nouvelle", args=[usager.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            services.absence_prevue_modifier(
                acteur=user, absence=absence, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Absence prévue modifiée pour {usager}.")
            return redirect(reverse("quotidien:absence-nouvelle", args=[usager.pk]))
    return _afficher(
        request,
        user,
        usager,
        "quotidien/absence_modifier.html",
        {**_entete(usager, "presence", droits.ecriture), "form": form, "absence": absence},
    )


@login_required
def presence_saisie(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager, droits = _usager_page(request, pk)
    form = PresenceForm(request.POST or None, initial={"jour": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.presence_enregistrer(
                acteur=user, usager=usager, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Présence enregistrée pour {usager}.")
            return redirect(_retour(request, reverse("quotidien:fil", args=[usager.pk])))
    recentes = usager.presences.filter(
        jour__gte=timezone.localdate() - timedelta(days=14)
    ).order_by("-jour", "periode")
    return _afficher(
        request,
        user,
        usager,
        "quotidien/presence_form.html",
        {**_entete(usager, "presence", droits.ecriture), "form": form, "presences": recentes},
    )


# ---------------------------------------------------------------------------
# Adverse events
# ---------------------------------------------------------------------------
@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    """Events the user may see: all of their establishments for heads of service and
    directors, their own declarations for the others."""
    user = access.current_user(request)
    rows = (
        incidents_visibles(user)
        .select_related("etablissement", "usager", "declarant")
        .order_by("-survenu_le", "-pk")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for incident in page:
        incident.a_faire = selectors.incident_a_faire(incident, today)  # type: ignore[attr-defined]
    audit_record_many(
        acteur=user,
        usager_ids=[i.usager_id for i in page if i.usager_id],
        objet_type="quotidien.incidents",
        request=request,
    )
    return render(
        request,
        "quotidien/incident_list.html",
        {"page": page, "can_manage": incident_can_manage(user)},
    )


@login_required
def incident_nouveau(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    usager = None
    if request.GET.get("usager") or request.POST.get("usager"):
        usager = access.usager_consulter(
            request, request.GET.get("usager") or request.POST.get("usager")
        )
    if usager is not None:
        etablissements = selectors.etablissements_du_sejour(
            usager=usager, jour=timezone.localdate()
        )
    else:
        etablissements = access.etablissements_visibles(user).order_by("nom")
    if not etablissements.exists():
        raise PermissionDenied
    form = IncidentForm(request.POST or None, etablissements=etablissements)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_declarer(
                acteur=user, usager=usager, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Événement déclaré. Votre cheffe ou chef de service et la direction sont prévenus.",
            )
            return redirect(reverse("quotidien:incident", args=[incident.pk]))
    return render(request, "quotidien/incident_form.html", {"form": form, "usager": usager})


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event, and its workflow for heads of service and directors."""
    user = access.current_user(request)
    incident = incident_get(user, pk, request=request)
    can_manage = incident_can_manage(user)
    form = IncidentEtapeForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.incident_etape(
                    acteur=user,
                    incident=incident,
                    etape=form.cleaned_data["etape"],
                    quand=form.cleaned_data.get("quand"),
                    nature=form.cleaned_data.get("nature", ""),
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Étape enregistrée.")
                return redirect(reverse("quotidien:incident", args=[incident.pk]))
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=incident.usager,
        objet=incident,
        request=request,
    )
    return render(
        request,
        "quotidien/incident_detail.html",
        {
            "incident": incident,
            "can_manage": can_manage,
            "form": form,
            "a_faire": selectors.incident_a_faire(incident, timezone.localdate()),
            "relances": incident.relances.order_by("envoyee_le"),
            "etapes": EtapeIncident.CHOICES,
        },
    )


@login_required
def incident_signalement(request: HttpRequest, pk: int) -> HttpResponse:
    """The report to the authority (CASF L331-8-1), printable. The person is designated by
    initials and age, as the form asks; the director completes and signs it."""
    user = access.current_user(request)
    incident = incident_get(user, pk, request=request)
    if not incident_can_manage(user):
        audit_refusal(acteur=user, request=request, objet_type="quotidien.signalement", objet_id=pk)
        raise Http404
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=incident.usager,
        objet=incident,
        motif="Formulaire de signalement à l'autorité (L331-8-1), à imprimer",
        request=request,
    )
    usager = incident.usager
    age = None
    if usager is not None:
        today = timezone.localdate()
        naissance = usager.date_naissance
        age = (
            today.year
            - naissance.year
            - ((today.month, today.day) < (naissance.month, naissance.day))
        )
    return render(
        request,
        "quotidien/incident_signalement.html",
        {
            "incident": incident,
            "initiales": f"{usager.prenom_affiche[:1]}. {usager.nom_affiche[:1]}."
            if usager
            else "",
            "age": age,
            "user": user,
            "natures": NatureSignalement.choices,
        },
    )
