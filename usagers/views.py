"""Pages of the usager record: list and search, admission wizard, record page, edit forms.

Thin: each view opens the usager through securite.access (`usager_consulter` records the
reading, `usager_get` with `Action.ECRIRE` guards a form), calls a selector or a service, and
renders. Searches by name or birth date are POSTs: identities never go into URLs or logs.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from dui.forms import add_service_errors
from securite import access
from securite.audit import audit_record
from securite.models import Action, AuditAction, Categorie, Utilisateur

from . import selectors, services
from .forms import (
    ContactForm,
    DecisionForm,
    DluForm,
    EvaluationForm,
    FusionForm,
    IdentiteForm,
    IdentiteModificationForm,
    InsiVitaleForm,
    JustificatifForm,
    MesureForm,
    RechercheForm,
    SejourForm,
    SortieForm,
)
from .insi import (
    JetonInvalide,
    insi_appeler,
    insi_configure,
    resultat_depuis_jeton,
    resultat_vers_jeton,
)
from .models import (
    Contact,
    DossierLiaisonUrgence,
    Evaluation,
    MesureProtection,
    MethodeRecuperation,
    Sejour,
    Usager,
)
from .selectors import Presence

A, S, SO = Categorie.ADMINISTRATIF, Categorie.SOCIAL, Categorie.SOINS
M = Categorie.MEDICAL


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _pour_ecrire(request: HttpRequest, pk: int, categorie: str) -> tuple[Utilisateur, Usager]:
    """The usager for an edit form: 404 unless the user may write this category; the form
    page shows the record, so a GET is recorded as a reading."""
    user = access.current_user(request)
    usager = access.usager_get(user, pk, categorie=categorie, action=Action.ECRIRE, request=request)
    if request.method == "GET":
        audit_record(
            acteur=user,
            action=AuditAction.LECTURE,
            usager=usager,
            categorie=categorie,
            request=request,
        )
    return user, usager


# ---------------------------------------------------------------------------------------------
# List and search
# ---------------------------------------------------------------------------------------------
def _filtres_lieu(user: Utilisateur) -> dict[str, Any]:
    """Choices of the list's filters: establishments, and units grouped by establishment
    (pairs, not model instances: a director's filters hold hundreds of units)."""
    unites: dict[str, list[tuple[int, str]]] = {}
    for pk, nom, etablissement in (
        access.unites_visibles(user)
        .order_by("etablissement__nom", "nom")
        .values_list("pk", "nom", "etablissement__nom")
    ):
        unites.setdefault(etablissement, []).append((pk, nom))
    return {
        "etablissements": list(
            access.etablissements_visibles(user).order_by("nom").values_list("pk", "nom")
        ),
        "unites": list(unites.items()),
        "presences": Presence.CHOICES,
    }


@login_required
def usager_list(request: HttpRequest) -> HttpResponse:
    """People by establishment/unit, present or left (ids and keys only in the URL)."""
    user = access.current_user(request)
    presence = request.GET.get("presence") or Presence.PRESENTS
    if presence not in dict(Presence.CHOICES):
        presence = Presence.PRESENTS
    filtres = {
        "etablissement_id": _int(request.GET.get("etablissement")),
        "unite_id": _int(request.GET.get("unite")),
    }
    page = selectors.usager_list(
        user=user,
        jour=timezone.localdate(),
        presence=presence,
        apres=_int(request.GET.get("apres")),
        etablissement_id=filtres["etablissement_id"],
        unite_id=filtres["unite_id"],
    )
    services.liste_tracer(user=user, page=page, request=request)
    return render(
        request,
        "usagers/usager_list.html",
        {
            **_filtres_lieu(user),
            "page": page,
            "presence": presence,
            "presence_libelle": dict(Presence.CHOICES)[presence],
            "filtres": filtres,
            "form": RechercheForm(),
            "titre": "Personnes accompagnées",
        },
    )


@login_required
@require_POST
def usager_recherche(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    form = RechercheForm(request.POST)
    page = None
    if form.is_valid():
        page = selectors.usager_search(
            user=user,
            jour=timezone.localdate(),
            texte=form.cleaned_data["texte"],
            date_naissance=form.cleaned_data["date_naissance"],
        )
        services.recherche_tracer(user=user, page=page, request=request)
    return render(
        request,
        "usagers/usager_list.html",
        {
            "page": page,
            "form": form,
            "recherche": True,
            "titre": "Résultats de la recherche",
        },
    )


# ---------------------------------------------------------------------------------------------
# Record page
# ---------------------------------------------------------------------------------------------
@login_required
def usager_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.current_user(request)
    usager = access.usager_consulter(request, pk)
    dossier = selectors.usager_dossier(user=user, usager=usager)
    return render(
        request,
        "usagers/usager_detail.html",
        {
            "usager": usager,
            "dossier": dossier,
            "jour": timezone.localdate(),
            "peut_ecrire_admin": A in dossier.peut_ecrire,
            "peut_ecrire_social": S in dossier.peut_ecrire,
            "peut_ecrire_soins": SO in dossier.peut_ecrire,
            "peut_lire_medical": M in dossier.categories,
            "peut_voir_consultations": access.audit_can_read(user, usager),
        },
    )


@login_required
def usager_photo(request: HttpRequest, pk: int) -> FileResponse:
    """The photo, served only through the policy (never from a public media URL)."""
    usager = access.usager_consulter(request, pk)
    if not usager.photo:
        raise Http404
    response = FileResponse(usager.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def usager_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, A)
    initial = {name: getattr(usager, name) for name in IdentiteModificationForm.base_fields}
    initial["photo"] = None
    form = IdentiteModificationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "photo"}
        if form.cleaned_data.get("photo"):
            changes["photo"] = form.cleaned_data["photo"]
        try:
            avant = usager.statut_identite
            services.usager_modifier(acteur=user, usager=usager, request=request, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if usager.statut_identite != avant:
                messages.warning(
                    request,
                    f"Un trait strict ou un attribut a changé : l'identité est désormais "
                    f"« {usager.get_statut_identite_display().lower()} ».",
                )
            else:
                messages.success(request, "Identité enregistrée.")
            return redirect(usager)
    return render(
        request,
        "usagers/form.html",
        {"usager": usager, "form": form, "titre": "Modifier l'identité", "multipart": True},
    )


# ---------------------------------------------------------------------------------------------
# Admission wizard: 1 identity, 2 stay (creates the record), 3 document, 4 INSi
# ---------------------------------------------------------------------------------------------
ETAPES = ("Identité", "Séjour", "Pièce d'identité", "Téléservice INSi")


def _sejour_form(user: Utilisateur, data: Any = None, **kwargs: Any) -> SejourForm:
    return SejourForm(
        data,
        etablissements=access.etablissements_visibles(user).order_by("nom"),
        unites=access.unites_visibles(user)
        .select_related("etablissement")
        .order_by("etablissement__nom", "nom"),
        **kwargs,
    )


def _candidats(user: Utilisateur, candidats: list[Usager]) -> list[dict[str, Any]]:
    """Duplicates to show: names only for records the user may open; otherwise the file
    number alone (the user asks a colleague)."""
    visibles = set(
        access.usagers_visibles(user)
        .filter(pk__in=[c.pk for c in candidats])
        .values_list("pk", flat=True)
    )
    return [{"usager": c, "visible": c.pk in visibles} for c in candidats]


@login_required
@require_http_methods(["GET", "POST"])
def admission_identite(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    form = IdentiteForm(request.POST or None, prefix="identite")
    context: dict[str, Any] = {"etapes": ETAPES, "etape": 1, "form": form}
    if request.method == "POST" and form.is_valid():
        identite = form.cleaned_data
        confirme = request.POST.get("confirmer_doublon") == "1"
        candidats = selectors.doublons_potentiels(
            organisme_id=user.organisme_id,  # type: ignore[arg-type]
            nom_naissance=identite["nom_naissance"],
            premier_prenom_naissance=identite["prenoms_naissance"].split(" ")[0],
            date_naissance=identite["date_naissance"],
        )
        if candidats and not confirme:
            context["candidats"] = _candidats(user, candidats)
        else:
            context.update(
                etape=2,
                identite_form=form,
                form=_sejour_form(
                    user, prefix="sejour", initial={"date_entree": timezone.localdate()}
                ),
                confirmer_doublon=confirme,
            )
            return render(request, "usagers/admission.html", context)
    return render(request, "usagers/admission.html", context)


@login_required
@require_POST
def admission_sejour(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    identite_form = IdentiteForm(request.POST, prefix="identite")
    form = _sejour_form(user, request.POST, prefix="sejour")
    confirme = request.POST.get("confirmer_doublon") == "1"
    context: dict[str, Any] = {
        "etapes": ETAPES,
        "etape": 2,
        "identite_form": identite_form,
        "form": form,
        "confirmer_doublon": confirme,
    }
    if not identite_form.is_valid():
        context.update(etape=1, form=identite_form)
        return render(request, "usagers/admission.html", context)
    if form.is_valid():
        data = form.cleaned_data
        try:
            usager = services.usager_admettre(
                acteur=user,
                identite=identite_form.cleaned_data,
                sejour=services.SejourDonnees(
                    etablissement=data["etablissement"],
                    unite=data["unite"],
                    mode_accueil=data["mode_accueil"],
                    date_entree=data["date_entree"],
                    mode_entree=data["mode_entree"],
                    date_sortie_prevue=data["date_sortie_prevue"],
                    origine_demande=data["origine_demande"],
                ),
                confirmer_doublon=confirme,
                request=request,
            )
        except services.DoublonPotentiel as error:
            context.update(etape=1, form=identite_form, candidats=_candidats(user, error.candidats))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Dossier n° {usager.identifiant_local} créé.")
            return redirect("usagers:admission-justificatif", pk=usager.pk)
    return render(request, "usagers/admission.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def admission_justificatif(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, A)
    form = JustificatifForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            justificatif = services.justificatif_enregistrer(
                acteur=user,
                usager=usager,
                type=data["type"],
                numero=data["numero"],
                date_expiration=data["date_expiration"],
                carte_vitale_photo=data["carte_vitale_photo"],
                request=request,
            )
            if data["valider"]:
                services.identite_valider(
                    acteur=user, usager=usager, justificatif=justificatif, request=request
                )
        except ValidationError as error:
            add_service_errors(form, error)
            usager.refresh_from_db()
        else:
            messages.success(
                request,
                "Justificatif enregistré. Identité : "
                f"{usager.get_statut_identite_display().lower()}.",
            )
            return redirect("usagers:admission-insi", pk=usager.pk)
    return render(
        request,
        "usagers/admission.html",
        {"etapes": ETAPES, "etape": 3, "form": form, "usager": usager},
    )


@login_required
@require_http_methods(["GET", "POST"])
def admission_insi(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask INSi (by traits, or by the Vitale card), show the traits found next to the
    record's, and let the user retain them. The matricule is never displayed: the choice
    travels encrypted (securite.crypto) so it cannot be forged in the browser."""
    user, usager = _pour_ecrire(request, pk, A)
    vitale_form = InsiVitaleForm(request.POST if request.POST.get("mode") == "vitale" else None)
    context: dict[str, Any] = {
        "etapes": ETAPES,
        "etape": 4,
        "usager": usager,
        "vitale_form": vitale_form,
        "insi_configure": insi_configure(),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "retenir":
            try:
                resultat, methode = resultat_depuis_jeton(request.POST.get("jeton", ""), usager.pk)
                services.ins_recuperer(
                    acteur=user, usager=usager, resultat=resultat, methode=methode, request=request
                )
            except JetonInvalide:
                messages.error(
                    request, "Le résultat INSi a expiré : interrogez à nouveau le téléservice."
                )
            except ValidationError as error:
                context["erreurs"] = error.messages
            else:
                messages.success(
                    request,
                    f"INS récupérée. Identité : {usager.get_statut_identite_display().lower()}.",
                )
                return redirect(usager)
        elif action == "interroger":
            methode = MethodeRecuperation.INSI_TRAITS
            nir = ""
            if request.POST.get("mode") == "vitale":
                methode = MethodeRecuperation.INSI_VITALE
                if vitale_form.is_valid():
                    nir = vitale_form.cleaned_data["nir_ouvrant_droit"]
                else:
                    return render(request, "usagers/admission.html", context)
            appel = insi_appeler(usager=usager, nir_ouvrant_droit=nir)
            context["appel"] = appel
            if appel.resultat is not None and appel.resultat.is_trouve:
                context["jeton"] = resultat_vers_jeton(appel.resultat, methode, usager.pk)
    return render(request, "usagers/admission.html", context)


# ---------------------------------------------------------------------------------------------
# Stays, entourage, protection, orientation, evaluation, merge
# ---------------------------------------------------------------------------------------------
def _form_page(request: HttpRequest, usager: Usager, form: BaseForm, titre: str) -> HttpResponse:
    return render(request, "usagers/form.html", {"usager": usager, "form": form, "titre": titre})


def _form_enregistrer(
    request: HttpRequest,
    usager: Usager,
    form: BaseForm,
    enregistrer: Callable[[dict[str, Any]], object],
    *,
    succes: str,
    titre: str,
) -> HttpResponse:
    """The form page of one item of the record. On a valid POST, `enregistrer(cleaned_data)`
    calls the service: its refusal shows on the form (nothing saved), success goes back to the
    record with `succes`."""
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, succes)
            return redirect(usager)
    return _form_page(request, usager, form, titre)


@login_required
@require_http_methods(["GET", "POST"])
def sejour_creer(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, A)
    form = _sejour_form(user, request.POST or None, initial={"date_entree": timezone.localdate()})

    def enregistrer(data: dict[str, Any]) -> object:
        return services.sejour_creer(
            acteur=user,
            usager=usager,
            donnees=services.SejourDonnees(
                etablissement=data["etablissement"],
                unite=data["unite"],
                mode_accueil=data["mode_accueil"],
                date_entree=data["date_entree"],
                mode_entree=data["mode_entree"],
                date_sortie_prevue=data["date_sortie_prevue"],
                origine_demande=data["origine_demande"],
            ),
            request=request,
        )

    return _form_enregistrer(
        request, usager, form, enregistrer, succes="Séjour enregistré.", titre="Nouveau séjour"
    )


@login_required
@require_http_methods(["GET", "POST"])
def sejour_cloturer(request: HttpRequest, pk: int, sejour_pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, A)
    sejour = get_object_or_404(Sejour, pk=sejour_pk, usager=usager)
    form = SortieForm(request.POST or None, initial={"date_sortie": timezone.localdate()})
    return _form_enregistrer(
        request,
        usager,
        form,
        lambda data: services.sejour_cloturer(acteur=user, sejour=sejour, request=request, **data),
        succes="Sortie enregistrée.",
        titre=f"Sortie — {sejour.etablissement.nom}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_editer(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, S)
    contact = get_object_or_404(Contact, pk=contact_pk, usager=usager) if contact_pk else None
    form = ContactForm(request.POST or None, instance=contact)
    return _form_enregistrer(
        request,
        usager,
        form,
        lambda data: services.contact_enregistrer(
            acteur=user, usager=usager, contact=contact, request=request, **data
        ),
        succes="Entourage enregistré.",
        titre="Modifier un proche" if contact else "Ajouter un proche",
    )


@login_required
@require_http_methods(["GET", "POST"])
def mesure_editer(request: HttpRequest, pk: int, mesure_pk: int | None = None) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, S)
    mesure = get_object_or_404(MesureProtection, pk=mesure_pk, usager=usager) if mesure_pk else None
    initial = (
        {name: getattr(mesure, name) for name in MesureForm.base_fields}
        if mesure is not None
        else None
    )
    form = MesureForm(request.POST or None, initial=initial, contacts=usager.contacts.all())
    return _form_enregistrer(
        request,
        usager,
        form,
        lambda data: services.mesure_enregistrer(
            acteur=user, usager=usager, mesure=mesure, request=request, **data
        ),
        succes="Mesure de protection enregistrée.",
        titre="Mesure de protection",
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_creer(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, S)
    form = DecisionForm(request.POST or None)
    return _form_enregistrer(
        request,
        usager,
        form,
        lambda data: services.decision_enregistrer(
            acteur=user, usager=usager, request=request, **data
        ),
        succes="Décision d'orientation enregistrée.",
        titre="Décision d'orientation (CDAPH)",
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_creer(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, SO)
    form = EvaluationForm(request.POST or None)
    return _form_enregistrer(
        request,
        usager,
        form,
        lambda data: services.evaluation_enregistrer(
            acteur=user, usager=usager, request=request, **data
        ),
        succes="Évaluation enregistrée.",
        titre="Évaluation AGGIR (GIR)",
    )


@login_required
@require_http_methods(["GET", "POST"])
def usager_fusionner(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, A)
    form = FusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        doublon = (
            access.usagers_visibles(user)
            .filter(identifiant_local=form.cleaned_data["doublon"].strip())
            .first()
        )
        if doublon is None:
            form.add_error("doublon", "Aucun dossier de votre périmètre ne porte ce numéro.")
        else:
            try:
                services.usager_fusionner(
                    acteur=user,
                    conserve=usager,
                    doublon=doublon,
                    motif=form.cleaned_data["motif"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Dossier n° {doublon.identifiant_local} fusionné dans celui-ci."
                )
                return redirect(usager)
    return _form_page(request, usager, form, "Fusionner un doublon dans ce dossier")


# ---------------------------------------------------------------------------------------------
# Emergency liaison file (DLU)
# ---------------------------------------------------------------------------------------------
@login_required
def dlu_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's DLU as the emergency team will read it (category médical), with the
    trusted person and persons to call (social) and the GIR (soins) when the user may read
    them, and what the document still lacks."""
    user = access.current_user(request)
    usager = access.usager_consulter(request, pk, categorie=M)
    droits = access.droits(user, usager)
    dlu = (
        DossierLiaisonUrgence.objects.filter(usager=usager).select_related("mis_a_jour_par").first()
    )
    contacts = None
    if S in droits.lecture:
        contacts = [
            c
            for c in Contact.objects.filter(usager=usager)
            if c.is_personne_confiance or c.is_a_prevenir
        ]
    evaluation = (
        Evaluation.objects.filter(usager=usager).order_by("-date_evaluation", "-id").first()
        if SO in droits.lecture
        else None
    )
    return render(
        request,
        "usagers/dlu_detail.html",
        {
            "usager": usager,
            "dlu": dlu,
            "manquants": dlu.manquants() if dlu is not None else None,
            "contacts": contacts,
            "evaluation": evaluation,
            "peut_ecrire": M in droits.ecriture,
            "titre": "Dossier de liaison d'urgence",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dlu_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    user, usager = _pour_ecrire(request, pk, M)
    dlu = DossierLiaisonUrgence.objects.filter(usager=usager).first()
    form = DluForm(request.POST or None, initial=DluForm.initial_depuis(dlu))
    titre = "Dossier de liaison d'urgence"
    if request.method == "POST" and form.is_valid():
        try:
            services.dlu_enregistrer(acteur=user, usager=usager, request=request, **form.donnees())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Dossier de liaison d'urgence enregistré.")
            return redirect("usagers:dlu", pk=usager.pk)
    return render(
        request, "usagers/dlu_form.html", {"usager": usager, "form": form, "titre": titre}
    )
