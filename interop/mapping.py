"""From the models to the builders' data (`interop.builders.data`).

This is the one place that decides whether the INS travels (`_ins`): it asks
`usagers.selectors.ins_partageable` (qualified identity, neither doubtful nor fictitious,
RNIV 1 § 3.3). The builders check it again; tests search every payload for the NIR.
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.utils import timezone

from dui.models import Etablissement
from securite.models import Professionnel, Utilisateur
from usagers.models import (
    Appareillage,
    DossierLiaisonUrgence,
    Evaluation,
    Sejour,
    StatutEtablissementSante,
    Usager,
)
from usagers.selectors import ins_partageable

from .builders.data import (
    A_PREVENIR,
    AIDANT,
    ALLERGIE_ALIMENTAIRE,
    ALLERGIE_MEDICAMENTEUSE,
    ALLERGIE_SUBSTANCE,
    INS,
    PERSONNE_CONFIANCE,
    QUALIFIEE,
    REPRESENTANT_LEGAL,
    STATUTS_IDENTITE,
    AccordData,
    Adresse,
    AllergieData,
    AttenteData,
    BesoinData,
    CodeData,
    DluData,
    DocumentData,
    DonneesManquantes,
    DossierData,
    EvenementData,
    FludtData,
    LogicielData,
    ObjectifData,
    PatientData,
    PersonneData,
    PrestationData,
    ProblemeData,
    ProfessionnelData,
    ProjetData,
    SejourData,
    SigneVitalData,
    StructureData,
    Telecom,
    TraitementData,
)

# FINESS profession code of the DUI profession -> TRE_G15 (CI-SIS author code).
_PROFESSION_G15 = {
    "medecin": ("10", "Médecin"),
    "infirmier": ("60", "Infirmier"),
}


def oid_racine() -> str:
    """Root OID of this installation (settings.INTEROP_OID, shared with the outbox)."""
    return getattr(settings, "INTEROP_OID", "") or "2.25.262515478136532604154012301306451961287"


def oid_nouveau() -> str:
    """A new, globally unique OID for a document id or set id (ITU-T X.667: 2.25.<uuid>)."""
    return f"2.25.{uuid.uuid4().int}"


def autorite_locale_oid(usager: Usager) -> str:
    """OID of the namespace of the usagers' local identifiers: one per organisme."""
    return f"{oid_racine()}.1.{usager.organisme_id}"


# ---------------------------------------------------------------------------------------------
# INS gate
# ---------------------------------------------------------------------------------------------
def _statut_identite(usager: Usager) -> str:
    statut = str(usager.statut_identite or "provisoire")
    return statut if statut in STATUTS_IDENTITE else "provisoire"


def _ins(usager: Usager) -> INS | None:
    """The INS to put in payloads, or None. ONLY what `ins_partageable` lets out."""
    identite = ins_partageable(usager)
    if identite is None:
        return None
    return INS(matricule=identite.matricule, oid=identite.oid, statut=QUALIFIEE)


# ---------------------------------------------------------------------------------------------
# Models -> data
# ---------------------------------------------------------------------------------------------
def _adresse(obj: Any) -> Adresse | None:
    ligne = str(getattr(obj, "adresse", "") or "")
    adresse = Adresse(
        lignes=tuple(part.strip() for part in ligne.split("\n") if part.strip()),
        code_postal=str(getattr(obj, "code_postal", "") or ""),
        commune=str(getattr(obj, "commune", "") or ""),
    )
    return None if adresse.is_empty else adresse


def _telecoms(obj: Any) -> tuple[Telecom, ...]:
    out = []
    for attr, usage in (("telephone", "H"), ("telephone_mobile", "MC"), ("portable", "MC")):
        value = str(getattr(obj, attr, "") or "")
        if value:
            out.append(Telecom(value, usage=usage))
    return tuple(out)


def _entourage(usager: Usager, jour: dt.date) -> tuple[PersonneData, ...]:
    """Contacts (trusted person, persons to call, parental authority) and the mandataire of
    a legal protection measure in force."""
    personnes = []
    for contact in usager.contacts.all():
        roles = []
        if contact.is_autorite_parentale:
            roles.append(REPRESENTANT_LEGAL)
        if contact.is_personne_confiance:
            roles.append(PERSONNE_CONFIANCE)
        if contact.is_a_prevenir:
            roles.append(A_PREVENIR)
        if contact.is_aidant:
            roles.append(AIDANT)
        personnes.append(
            PersonneData(
                nom=contact.nom,
                prenom=contact.prenom,
                lien=contact.lien,
                lien_libelle=contact.get_lien_display(),
                roles=tuple(roles),
                telecoms=_telecoms(contact),
                adresse=_adresse(contact),
                identifiant=f"contact-{contact.pk}",
            )
        )
    for mesure in usager.mesures_protection.all():
        if not mesure.is_en_cours(jour):
            continue
        personnes.append(
            PersonneData(
                nom=mesure.mandataire_nom,
                lien="GUARD",
                lien_libelle=mesure.get_type_display(),
                roles=(REPRESENTANT_LEGAL,),
                telecoms=(Telecom(mesure.mandataire_telephone, usage="WP"),)
                if mesure.mandataire_telephone
                else (),
                identifiant=f"mesure-{mesure.pk}",
            )
        )
    return tuple(personnes)


def structure_data(etablissement: Etablissement) -> StructureData:
    return StructureData(
        finess=etablissement.finess,
        nom=etablissement.nom,
        categorie=etablissement.categorie,
        adresse=_adresse(etablissement),
        telephone=etablissement.telephone,
    )


def sejour_courant(usager: Usager, jour: dt.date | None = None) -> Sejour | None:
    """The stay in progress on `jour` (else the latest one)."""
    jour = jour or timezone.localdate()
    sejours = Sejour.objects.filter(usager=usager).select_related("etablissement", "unite")
    courant = (
        sejours.filter(date_entree__lte=jour)
        .exclude(date_sortie__lt=jour)
        .order_by("-date_entree")
        .first()
    )
    return courant or sejours.order_by("-date_entree").first()


def patient_data(usager: Usager, etablissement: Etablissement | None = None) -> PatientData:
    """The usager as payloads show them. `etablissement`: the one holding the record."""
    if etablissement is None:
        sejour = sejour_courant(usager)
        etablissement = sejour.etablissement if sejour is not None else None
    statut = _statut_identite(usager)
    ins = _ins(usager)
    return PatientData(
        identifiant_local=usager.identifiant_local,
        autorite_locale_oid=autorite_locale_oid(usager),
        autorite_locale_nom=f"DUI {usager.organisme}"[:60],
        finess=etablissement.finess if etablissement is not None else "",
        nom_naissance=usager.nom_naissance,
        prenoms_naissance=usager.prenoms_naissance,
        premier_prenom_naissance=usager.premier_prenom_naissance,
        nom_utilise=usager.nom_utilise,
        prenom_utilise=usager.prenom_utilise,
        date_naissance=usager.date_naissance,
        sexe=usager.sexe,
        lieu_naissance_cog=usager.lieu_naissance_code,
        lieu_naissance_libelle=usager.lieu_naissance_libelle,
        adresse=_adresse(usager),
        telecoms=_telecoms(usager),
        # The status travels as is; the INS only when qualified (and then the status is
        # qualifiée too, which PatientData checks).
        statut_identite=statut if ins is not None or statut != QUALIFIEE else "validee",
        ins=ins,
        entourage=_entourage(usager, timezone.localdate()),
        identifiant=str(usager.pk),
    )


def sejour_data(sejour: Sejour) -> SejourData:
    return SejourData(
        identifiant=str(sejour.pk),
        structure=structure_data(sejour.etablissement),
        date_entree=sejour.date_entree,
        date_sortie=sejour.date_sortie,
        mode_accueil=sejour.mode_accueil,
        unite=sejour.unite.nom if sejour.unite_id and sejour.unite is not None else "",
    )


def professionnel_data(user: Utilisateur, finess: str = "") -> ProfessionnelData:
    """A professional as author or legal authenticator (RPPS, ADELI or internal id)."""
    profil = Professionnel.objects.filter(utilisateur=user).first()
    rpps = profil.rpps if profil is not None else ""
    adeli = profil.adeli if profil is not None else ""
    code, libelle = _PROFESSION_G15.get(profil.profession if profil is not None else "", ("", ""))
    return ProfessionnelData(
        nom=(user.last_name or user.username).upper(),
        prenom=user.first_name,
        rpps=rpps,
        adeli=adeli,
        identifiant_interne=str(user.pk),
        finess=finess,
        profession_code=f"G15_{code}" if code else "",
        profession_libelle=libelle,
    )


def logiciel_data() -> LogicielData:
    return LogicielData(nom="DUI", version=str(getattr(settings, "DUI_VERSION", "0.1.0")))


def document_data(
    *,
    type_code: str,
    type_libelle: str,
    titre: str,
    version: int = 1,
    lot: str = "",
    remplace: str = "",
    date: dt.datetime | None = None,
) -> DocumentData:
    """Header data of a new document (new id; `lot` kept across versions)."""
    return DocumentData(
        identifiant=oid_nouveau(),
        lot=lot or oid_nouveau(),
        version=version,
        type_code=type_code,
        type_libelle=type_libelle,
        titre=titre,
        date=date or timezone.localtime(),
        remplace=remplace,
    )


def dossier_data(
    usager: Usager,
    etablissement: Etablissement,
    categories: frozenset[str] | None = None,
) -> DossierData:
    """A person's record for the TDDUI transfer: identity, stays, support plans and the
    events of daily support (agenda). `categories`: the information categories the exporting
    user may read (securite.access.categories_permises); an event of another category is left
    out, as it is on the user's own screens. None: every category (tests, builders)."""
    patient = patient_data(usager, etablissement)
    stays = list(
        Sejour.objects.filter(usager=usager)
        .select_related("etablissement", "unite")
        .order_by("date_entree")
    )
    return DossierData(
        patient=patient,
        structure=structure_data(etablissement),
        sejours=tuple(sejour_data(s) for s in stays),
        evenements=evenements_data(usager, stays, categories),
        projets=projets_data(usager),
        date=timezone.localtime(),
    )


# TDDUIEncounterEvenement status (FHIR Encounter.status) of usagers.quotidien.StatutEvenement.
_STATUT_EVENEMENT = {"planifie": "planned", "realise": "finished"}


def evenements_data(
    usager: Usager, stays: list[Sejour], categories: frozenset[str] | None = None
) -> tuple[EvenementData, ...]:
    """The person's agenda events (planned or done; cancelled ones are not part of the record),
    each attached to the stay it falls in."""
    from usagers.quotidien.models import Participant

    participations = (
        Participant.objects.filter(usager=usager)
        .exclude(evenement__statut="annule")
        .select_related("evenement")
        .order_by("evenement__debut", "evenement_id")
    )
    if categories is not None:
        participations = participations.filter(evenement__categorie__in=categories)
    rows = list(participations)
    from usagers.projet.models import ConceptSerafin

    # The SERAFIN-PH labels of all the events in one query.
    codes = {p.evenement.prestation_serafin for p in rows} - {""}
    concepts = {c.code: c for c in ConceptSerafin.objects.filter(code__in=codes)} if codes else {}
    events = []
    for participation in rows:
        evenement = participation.evenement
        day = timezone.localtime(evenement.debut).date()
        stay = next(
            (
                s
                for s in stays
                if s.date_entree <= day and (s.date_sortie is None or day <= s.date_sortie)
            ),
            None,
        )
        code = _code_serafin(concepts.get(evenement.prestation_serafin))
        events.append(
            EvenementData(
                identifiant=f"evenement-{evenement.pk}",
                libelle=evenement.titre,
                debut=evenement.debut,
                fin=evenement.fin,
                sejour=str(stay.pk) if stay is not None else "",
                statut=_STATUT_EVENEMENT.get(evenement.statut, "planned"),
                code=code,
            )
        )
    return tuple(events)


# ---------------------------------------------------------------------------------------------
# Support plan (usagers.projet)
# ---------------------------------------------------------------------------------------------
SERAFIN = "https://smt.esante.gouv.fr/terminologie-SERAFINPH"


def _code_serafin(concept: Any) -> CodeData | None:
    if concept is None:
        return None
    return CodeData(code=concept.code, libelle=concept.libelle, systeme=SERAFIN)


def projet_data(projet: Any) -> ProjetData:
    """A support plan (usagers.projet.ProjetPersonnalise) as TDDUI data."""
    from usagers.projet.models import STATUT_TDDUI

    prefix = f"3{projet.etablissement.finess}/{projet.usager.identifiant_local}"
    type_projet = getattr(projet, "type_projet", None)
    besoins = tuple(
        BesoinData(
            identifiant=f"{prefix}-BESO-{besoin.pk}",
            description=str(getattr(besoin, "description", "") or besoin.code.libelle),
            code=_code_serafin(getattr(besoin, "code", None)),
        )
        for besoin in projet.besoins.select_related("code")
    )
    objectifs = tuple(
        ObjectifData(
            identifiant=f"{prefix}-OBJE-{objectif.pk}",
            titre=objectif.titre,
            besoin=f"{prefix}-BESO-{objectif.besoin_id}",
            description=objectif.description,
            date_cible=objectif.date_cible,
            resultat_attendu=str(getattr(objectif, "indicateur", "") or ""),
        )
        for objectif in projet.objectifs.all()
    )
    attentes = tuple(
        AttenteData(
            identifiant=f"{prefix}-ATTE-{attente.pk}",
            description=str(getattr(attente, "texte", "") or getattr(attente, "description", "")),
            exprimee_par=str(attente.origine),
        )
        for attente in projet.attentes.all()
    )
    prestations = tuple(
        PrestationData(
            identifiant=f"{prefix}-PRES-{prestation.pk}",
            titre=prestation.titre,
            code=_code_serafin(getattr(prestation, "code", None)),
            description=prestation.description,
            debut=prestation.date_debut,
            fin=prestation.date_fin,
        )
        for prestation in projet.prestations.select_related("code")
    )
    accords = tuple(
        AccordData(
            identifiant=f"{prefix}-ACCO-{accord.pk}",
            par="structure" if accord.partie == "structure" else "usager",
            date=accord.date,
        )
        for accord in projet.accords.all()
    )
    return ProjetData(
        identifiant=projet.identifiant_tddui(),
        titre=projet.titre,
        type_code=type_projet.code if type_projet is not None else "PP",
        type_libelle=type_projet.libelle if type_projet is not None else "Projet Personnalisé",
        statut=STATUT_TDDUI.get(projet.statut, ("", "active"))[1],
        debut=projet.date_debut,
        fin=projet.date_fin,
        description=projet.description,
        attentes=attentes,
        besoins=besoins,
        objectifs=objectifs,
        prestations=prestations,
        accords=accords,
    )


def projets_data(usager: Usager) -> tuple[ProjetData, ...]:
    manager = getattr(usager, "projets", None)
    if manager is None:
        return ()
    return tuple(projet_data(p) for p in manager.select_related("etablissement", "type_projet"))


def is_envoi_dmp_autorise(patient: PatientData) -> bool:
    """CI-SIS / DMP: a document goes to the DMP only with a qualified INS."""
    return patient.ins is not None


# ---------------------------------------------------------------------------------------------
# Emergency liaison (usagers.DossierLiaisonUrgence)
# ---------------------------------------------------------------------------------------------
# What an empty record lacks, in the builder's words (interop.builders.cda.cda_dlu).
DLU_ABSENT = "dossier de liaison d'urgence (à remplir depuis le dossier de la personne)"


def _lignes(texte: str) -> list[str]:
    """One item per non-empty line of a free-text field."""
    return [ligne.strip(" \t-•*") for ligne in (texte or "").splitlines() if ligne.strip(" \t-•*")]


def dlu_get(usager: Usager) -> DossierLiaisonUrgence:
    """The person's DLU, complete enough for the document, or DonneesManquantes listing
    what to fill in (every item at once, not the first one)."""
    dlu = DossierLiaisonUrgence.objects.filter(usager=usager).first()
    if dlu is None:
        vide = DossierLiaisonUrgence(usager=usager)
        raise DonneesManquantes([DLU_ABSENT, *vide.manquants()])
    manquants = dlu.manquants()
    if manquants:
        raise DonneesManquantes(manquants)
    return dlu


def _commentaire_dlu(usager: Usager, dlu: DossierLiaisonUrgence) -> str:
    """What the DLU model has no coded place for, as narrative lines: autonomy (latest GIR),
    devices, the information useful in an emergency, and who updated the file when."""
    lignes = []
    evaluation = (
        Evaluation.objects.filter(usager=usager).order_by("-date_evaluation", "-id").first()
    )
    if evaluation is not None:
        lignes.append(
            f"Autonomie : GIR {evaluation.gir} (évaluation du "
            f"{evaluation.date_evaluation:%d/%m/%Y})."
        )
    appareillages = [
        Appareillage(code).label for code in dlu.appareillages if code in Appareillage.values
    ]
    if appareillages or dlu.appareillages_precisions.strip():
        precisions = dlu.appareillages_precisions.strip()
        texte = ", ".join(appareillages)
        if precisions:
            texte = f"{texte} ({precisions})" if texte else precisions
        lignes.append(f"Appareillages : {texte}.")
    lignes.extend(_lignes(dlu.informations_utiles))
    quand = timezone.localtime(dlu.mis_a_jour_le)
    lignes.append(f"DLU mis à jour le {quand:%d/%m/%Y} par {dlu.mis_a_jour_par}.")
    return "\n".join(lignes)


def dlu_data(usager: Usager) -> DluData:
    """The person's Dossier de liaison d'urgence as builder data. Raises DonneesManquantes
    when the record lacks what the document needs. The trusted person and the persons to
    call travel in the header (`patient_data`: entourage), the GIR in the comment."""
    dlu = dlu_get(usager)
    medecin = ProfessionnelData(
        nom=dlu.medecin_traitant_nom.strip().upper(),
        prenom=dlu.medecin_traitant_prenom.strip(),
        rpps=dlu.medecin_traitant_rpps,
        telephone=dlu.medecin_traitant_telephone,
    )
    preference = StructureData(
        finess=dlu.etablissement_preference_finess,
        nom=dlu.etablissement_preference_nom.strip(),
        categorie="",
        telephone=dlu.etablissement_preference_telephone,
        # A health establishment: its J02 type is its status, not an ESSMS category.
        type_etablissement=(
            dlu.etablissement_preference_statut,
            StatutEtablissementSante(dlu.etablissement_preference_statut).label,
        ),
    )
    allergies = tuple(
        AllergieData(agent, type=type_code)
        for texte, type_code in (
            (dlu.allergies_medicamenteuses, ALLERGIE_MEDICAMENTEUSE),
            (dlu.allergies_alimentaires, ALLERGIE_ALIMENTAIRE),
            (dlu.autres_allergies, ALLERGIE_SUBSTANCE),
        )
        for agent in _lignes(texte)
    )
    return DluData(
        medecin_traitant=medecin,
        etablissement_preference=preference,
        pathologies=tuple(ProblemeData(libelle) for libelle in _lignes(dlu.pathologies)),
        antecedents=tuple(ProblemeData(libelle) for libelle in _lignes(dlu.antecedents)),
        allergies=allergies,
        sans_allergie_connue=dlu.is_sans_allergie_connue and not allergies,
        traitements=tuple(TraitementData(libelle) for libelle in _lignes(dlu.traitements)),
        soins_palliatifs=dlu.soins_palliatifs,
        directives_anticipees=dlu.directives_anticipees,
        directives_anticipees_lieu=dlu.directives_anticipees_lieu.strip(),
        etat={code: bool(value) for code, value in (dlu.etat or {}).items()},
        bmr=dlu.bmr,
        commentaire=_commentaire_dlu(usager, dlu),
    )


def fludt_data(
    usager: Usager,
    dlu: DluData,
    *,
    motif: str,
    conscience: str,
    date_transfert: dt.datetime | None = None,
) -> FludtData:
    """The transfer sheet to an emergency department: what the nurse states at departure
    (reason, consciousness), the destination and the devices from the DLU."""
    row = DossierLiaisonUrgence.objects.filter(usager=usager).first()
    appareillages = tuple(row.appareillages) if row is not None else ()
    date_transfert = date_transfert or timezone.localtime()
    return FludtData(
        motif=motif.strip(),
        date_transfert=date_transfert,
        etablissement_destination=dlu.etablissement_preference,
        signes_vitaux=signes_vitaux(usager, date_transfert),
        conscience=conscience,
        protheses=tuple(code for code in appareillages if code in Appareillage.values),
        commentaire=row.appareillages_precisions.strip() if row is not None else "",
    )


# Vital signs of the daily record (usagers.quotidien.Observation) for the transfer sheet:
# type -> (LOINC code, label, UCUM unit, how old a value may be).
_SIGNES_VITAUX = {
    "pouls": ("8867-4", "Pouls", "/min", dt.timedelta(hours=24)),
    "temperature": ("8310-5", "Température", "Cel", dt.timedelta(hours=24)),
    "poids": ("29463-7", "Poids", "kg", dt.timedelta(days=90)),
}


def _valeur(value: Any) -> str:
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def signes_vitaux(usager: Usager, jusqu_a: dt.datetime) -> tuple[SigneVitalData, ...]:
    """The latest pulse, temperature and blood pressure of the last 24 hours and weight of
    the last 90 days, as recorded in the daily record (older values mislead an emergency
    team more than no value)."""
    from usagers.quotidien.models import Observation

    signes = []
    for type_, (code, libelle, unite, age) in _SIGNES_VITAUX.items():
        mesure = (
            Observation.objects.filter(
                usager=usager, type=type_, mesuree_le__gte=jusqu_a - age, mesuree_le__lte=jusqu_a
            )
            .order_by("-mesuree_le")
            .first()
        )
        if mesure is not None:
            signes.append(SigneVitalData(code, libelle, _valeur(mesure.valeur), unite))
    tension = (
        Observation.objects.filter(
            usager=usager,
            type="tension",
            mesuree_le__gte=jusqu_a - dt.timedelta(hours=24),
            mesuree_le__lte=jusqu_a,
        )
        .order_by("-mesuree_le")
        .first()
    )
    if tension is not None and tension.valeur_2 is not None:
        signes.append(
            SigneVitalData(
                "8480-6", "Pression artérielle systolique", _valeur(tension.valeur), "mm[Hg]"
            )
        )
        signes.append(
            SigneVitalData(
                "8462-4", "Pression artérielle diastolique", _valeur(tension.valeur_2), "mm[Hg]"
            )
        )
    return tuple(signes)
