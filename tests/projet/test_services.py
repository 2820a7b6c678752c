"""Writes of the support plan: lifecycle, bad input refused in French with nothing half-saved,
versions without loss, due dates, audit in the same transaction."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory
from usagers.projet import services
from usagers.projet.models import (
    Accord,
    Besoin,
    DelaiReevaluation,
    EvaluationObjectif,
    Objectif,
    Prestation,
    ProjetPersonnalise,
    StatutProjet,
    TypeProjet,
)

from .helpers import DEBUT, accords_recueillir, projet_brouillon, projet_en_concertation

S = StatutProjet


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------
def test_plan_goes_from_draft_to_closed_and_every_step_is_audited(
    educateur, chef_service, resident
):
    projet = projet_en_concertation(referent=educateur, usager=resident)
    assert projet.statut == S.CONCERTATION
    accords_recueillir(projet, referent=educateur, chef=chef_service)
    projet = services.projet_transition(acteur=educateur, projet=projet, vers=S.VALIDE)
    # Its start date (15/01/2025) is past: validated and started at once.
    assert projet.statut == S.EN_COURS
    assert projet.valide_le is not None
    assert projet.date_reevaluation == datetime.date(2026, 1, 15)
    projet = services.projet_transition(acteur=educateur, projet=projet, vers=S.REEVALUATION)
    projet = services.projet_transition(acteur=educateur, projet=projet, vers=S.EN_COURS)
    projet = services.projet_transition(
        acteur=chef_service, projet=projet, vers=S.CLOS, motif="Fin de l'accompagnement"
    )
    assert projet.statut == S.CLOS and projet.clos_le is not None
    modifications = EvenementAudit.objects.filter(
        action=AuditAction.MODIFICATION, objet_type="projet.ProjetPersonnalise", usager=resident
    )
    assert modifications.count() == 5
    assert all(row.categorie == "educatif" for row in modifications)


def test_a_plan_starting_later_is_validated_then_started_by_the_daily_task(
    educateur, chef_service, resident
):
    later = timezone.localdate() + datetime.timedelta(days=10)
    projet = projet_en_concertation(referent=educateur, usager=resident, date_debut=later)
    accords_recueillir(projet, referent=educateur, chef=chef_service)
    projet = services.projet_transition(acteur=educateur, projet=projet, vers=S.VALIDE)
    assert projet.statut == S.VALIDE
    with pytest.raises(ValidationError, match="commence le"):
        services.projet_transition(acteur=educateur, projet=projet, vers=S.EN_COURS)
    assert services.projets_demarrer(later - datetime.timedelta(days=1)) == 0
    assert services.projets_demarrer(later) == 1
    projet.refresh_from_db()
    assert projet.statut == S.EN_COURS
    assert services.projets_demarrer(later) == 0  # idempotent


ALLOWED = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}


def _projet_au_statut(
    statut: str, *, referent, chef, usager, date_debut: datetime.date = DEBUT
) -> ProjetPersonnalise:
    """A plan brought to `statut` through the services only."""
    if statut == S.BROUILLON:
        return projet_brouillon(referent=referent, usager=usager, date_debut=date_debut)
    projet = projet_en_concertation(referent=referent, usager=usager, date_debut=date_debut)
    if statut == S.CONCERTATION:
        return projet
    accords_recueillir(projet, referent=referent, chef=chef)
    projet = services.projet_transition(acteur=referent, projet=projet, vers=S.VALIDE)
    if statut == S.REEVALUATION:
        projet = services.projet_transition(acteur=referent, projet=projet, vers=S.REEVALUATION)
    assert projet.statut == statut
    return projet


@pytest.mark.parametrize(
    ("depart", "vers"), sorted(ALLOWED), ids=[f"{a}->{b}" for a, b in sorted(ALLOWED)]
)
def test_each_allowed_transition_is_made_with_its_side_effects_and_audited(
    educateur, chef_service, resident, depart, vers
):
    # A validated plan stays "validé" until it starts: give it a start date to come.
    later = timezone.localdate() + datetime.timedelta(days=10)
    start = later if depart == S.VALIDE else DEBUT
    projet = _projet_au_statut(
        depart, referent=educateur, chef=chef_service, usager=resident, date_debut=start
    )
    if vers == S.VALIDE:
        accords_recueillir(projet, referent=educateur, chef=chef_service)
    options: dict[str, object] = {}
    if vers == S.CLOS:
        options["motif"] = "Départ de la personne"
    if (depart, vers) == (S.VALIDE, S.EN_COURS):
        options["jour"] = later  # the day it starts
    audits = EvenementAudit.objects.filter(
        action=AuditAction.MODIFICATION, objet_type="projet.ProjetPersonnalise"
    )
    before = audits.count()

    projet = services.projet_transition(acteur=educateur, projet=projet, vers=vers, **options)

    projet.refresh_from_db()
    # Validation of a plan whose start date is past starts it at once.
    assert projet.statut == (S.EN_COURS if vers == S.VALIDE else vers)
    assert audits.count() == before + 1
    assert "statut" in audits.latest("id").champs
    if vers == S.VALIDE:
        assert projet.valide_le is not None
        assert projet.date_reevaluation == datetime.date(2026, 1, 15)
    if vers == S.CLOS:
        assert projet.clos_le is not None
        assert projet.motif_cloture == "Départ de la personne"
    else:
        assert projet.clos_le is None and projet.motif_cloture == ""
    if vers == S.BROUILLON:
        # Back in preparation: the content may be written again.
        services.attente_ajouter(
            acteur=educateur, projet=projet, origine="usager", description="Aller au cinéma"
        )
    if depart == S.VALIDE:
        assert projet.valide_le is not None  # kept from the validation


def test_closing_a_plan_needs_a_reason(en_cours, chef_service):
    with pytest.raises(ValidationError) as error:
        services.projet_transition(acteur=chef_service, projet=en_cours, vers=S.CLOS, motif=" ")
    assert error.value.message_dict["motif"] == ["Indiquez le motif de la clôture."]
    en_cours.refresh_from_db()
    assert en_cours.statut == S.EN_COURS and en_cours.clos_le is None


@pytest.mark.parametrize(
    ("depart", "vers"),
    sorted((a, b) for a in S.values for b in S.values if (a, b) not in ALLOWED),
)
def test_refused_transitions_say_why_and_change_nothing(brouillon, educateur, depart, vers):
    ProjetPersonnalise.objects.filter(pk=brouillon.pk).update(statut=depart)
    brouillon.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.projet_transition(acteur=educateur, projet=brouillon, vers=vers)
    assert "Passage impossible" in _messages(error.value)
    brouillon.refresh_from_db()
    assert brouillon.statut == depart


def test_validation_without_agreement_is_refused_with_what_is_missing(educateur, resident):
    projet = projet_en_concertation(referent=educateur, usager=resident)
    with pytest.raises(ValidationError) as error:
        services.projet_transition(acteur=educateur, projet=projet, vers=S.VALIDE)
    assert "accords" in error.value.message_dict
    message = _messages(error.value)
    assert "l'accord de la personne" in message
    assert "l'accord de l'établissement" in message
    projet.refresh_from_db()
    assert projet.statut == S.CONCERTATION and projet.valide_le is None


def test_a_refusal_as_the_persons_last_word_blocks_validation(educateur, chef_service, resident):
    projet = projet_en_concertation(referent=educateur, usager=resident)
    accords_recueillir(projet, referent=educateur, chef=chef_service)
    services.accord_enregistrer(
        acteur=educateur,
        projet=projet,
        partie="usager",
        forme="refus",
        date=timezone.localdate(),
        motif_refus="Je ne veux pas de sorties le samedi.",
    )
    with pytest.raises(ValidationError, match="dernier avis est un refus"):
        services.projet_transition(acteur=educateur, projet=projet, vers=S.VALIDE)


@pytest.mark.parametrize(
    ("fields", "erreur"),
    [
        ({"forme": "oral", "temoin": ""}, "temoin"),
        ({"forme": "refus", "motif_refus": ""}, "motif_refus"),
        ({"forme": "signature"}, "document"),
        ({"forme": "validation"}, "forme"),
    ],
)
def test_agreements_need_their_witness_reason_or_document(educateur, resident, fields, erreur):
    projet = projet_en_concertation(referent=educateur, usager=resident)
    with pytest.raises(ValidationError) as error:
        services.accord_enregistrer(
            acteur=educateur, projet=projet, partie="usager", date=timezone.localdate(), **fields
        )
    assert erreur in error.value.message_dict
    assert not Accord.objects.exists()


def test_only_a_head_of_service_or_director_agrees_for_the_establishment(educateur, resident):
    projet = projet_en_concertation(referent=educateur, usager=resident)
    with pytest.raises(ValidationError, match="chef de service ou la direction"):
        services.accord_enregistrer(
            acteur=educateur,
            projet=projet,
            partie="structure",
            forme="validation",
            date=timezone.localdate(),
        )


def test_agreements_are_gathered_during_the_concertation_only(brouillon, educateur):
    with pytest.raises(ValidationError, match="pendant la concertation"):
        services.accord_enregistrer(
            acteur=educateur,
            projet=brouillon,
            partie="usager",
            forme="oral",
            temoin="Mme Roux",
            date=timezone.localdate(),
        )


def test_content_is_frozen_after_validation(en_cours, educateur):
    with pytest.raises(ValidationError, match="nouvelle version"):
        services.attente_ajouter(
            acteur=educateur, projet=en_cours, origine="usager", description="Autre chose"
        )
    with pytest.raises(ValidationError, match="nouvelle version"):
        services.projet_modifier(acteur=educateur, projet=en_cours, titre="Autre titre")


def test_someone_who_may_not_edit_is_refused(brouillon, infirmier):
    with pytest.raises(ValidationError, match="seuls le référent"):
        services.attente_ajouter(
            acteur=infirmier, projet=brouillon, origine="usager", description="Aller au cinéma"
        )


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_an_objective_without_a_need_is_refused(brouillon, educateur):
    before = Objectif.objects.count()
    with pytest.raises(ValidationError) as error:
        services.objectif_ajouter(acteur=educateur, projet=brouillon, besoin=None, titre="Lire")
    assert error.value.message_dict["besoin"] == [
        "Un objectif répond à un besoin : choisissez le besoin auquel il répond."
    ]
    assert Objectif.objects.count() == before


def test_an_objective_cannot_answer_another_plans_need(brouillon, educateur, chef_service, world):
    autre = SejourFactory(unite=world.unite_a).usager
    autre_projet = projet_brouillon(referent=educateur, usager=autre)
    with pytest.raises(ValidationError) as error:
        services.objectif_ajouter(
            acteur=educateur, projet=brouillon, besoin=autre_projet.besoins.first(), titre="Lire"
        )
    assert "besoin" in error.value.message_dict


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9.9.9", "Le code SERAFIN-PH « 9.9.9 » n'existe pas dans la nomenclature."),
        ("2.1.1.1", "Le code « 2.1.1.1 » n'appartient pas aux besoins de SERAFIN-PH."),
        ("1", "Choisissez un code plus précis que « 1 Besoins »."),
        ("1.2.1.3", "Ce besoin figure déjà dans le projet."),
    ],
)
def test_serafin_codes_are_checked(brouillon, educateur, code, message):
    before = Besoin.objects.count()
    with pytest.raises(ValidationError) as error:
        services.besoin_ajouter(acteur=educateur, projet=brouillon, code=code)
    assert error.value.message_dict["code"] == [message]
    assert Besoin.objects.count() == before


def test_a_service_must_be_a_direct_service(brouillon, educateur):
    with pytest.raises(ValidationError, match="prestations directes"):
        services.prestation_ajouter(
            acteur=educateur, projet=brouillon, code="3.2.2.1", titre="Repas"
        )


def test_a_service_with_a_professional_out_of_scope_saves_nothing(
    brouillon, educateur, educateur_ime
):
    before = Prestation.objects.count()
    with pytest.raises(ValidationError) as error:
        services.prestation_ajouter(
            acteur=educateur,
            projet=brouillon,
            code="2.2.1",
            titre="Toilette",
            responsable=educateur_ime,
        )
    assert "responsable" in error.value.message_dict
    assert Prestation.objects.count() == before


def test_two_active_plans_of_the_same_type_are_refused(brouillon, educateur, resident):
    with pytest.raises(ValidationError) as error:
        projet_brouillon(referent=educateur, usager=resident)
    assert "Deux projets actifs du même type" in _messages(error.value)
    assert ProjetPersonnalise.objects.filter(usager=resident).count() == 1
    # Another type is another plan.
    projet_brouillon(referent=educateur, usager=resident, type_code="PAI")


def test_the_database_also_refuses_two_plans_in_force(en_cours, resident):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProjetPersonnalise.objects.create(
            usager=resident,
            etablissement=en_cours.etablissement,
            type_projet=en_cours.type_projet,
            titre="Doublon",
            referent=en_cours.referent,
            statut=S.EN_COURS,
        )


def test_evaluation_before_the_plan_starts_is_refused(educateur, chef_service, resident):
    later = timezone.localdate() + datetime.timedelta(days=30)
    projet = projet_en_concertation(referent=educateur, usager=resident, date_debut=later)
    objectif = projet.objectifs.get()
    with pytest.raises(ValidationError, match="on évalue une fois le projet en cours"):
        services.evaluation_enregistrer(
            acteur=educateur, objectif=objectif, date=timezone.localdate(), resultat="atteint"
        )
    assert not EvaluationObjectif.objects.exists()


def test_evaluation_dated_before_the_start_of_the_plan_is_refused(en_cours, educateur):
    objectif = en_cours.objectifs.get()
    with pytest.raises(ValidationError) as error:
        services.evaluation_enregistrer(
            acteur=educateur,
            objectif=objectif,
            date=DEBUT - datetime.timedelta(days=1),
            resultat="atteint",
        )
    assert error.value.message_dict["date"] == [
        "L'évaluation (14/01/2025) ne peut pas précéder le début du projet (15/01/2025)."
    ]


def test_evaluation_in_the_future_is_refused(en_cours, educateur):
    with pytest.raises(ValidationError, match="dans le futur"):
        services.evaluation_enregistrer(
            acteur=educateur,
            objectif=en_cours.objectifs.get(),
            date=timezone.localdate() + datetime.timedelta(days=1),
            resultat="atteint",
        )


def test_evaluation_is_recorded_and_audited_without_its_comment(en_cours, educateur):
    evaluation = services.evaluation_enregistrer(
        acteur=educateur,
        objectif=en_cours.objectifs.get(),
        date=datetime.date(2025, 6, 1),
        resultat="partiellement",
        commentaire="Deux sorties en mai, la troisième annulée (pluie).",
    )
    row = EvenementAudit.objects.get(objet_type="projet.EvaluationObjectif")
    assert row.objet_id == str(evaluation.pk)
    assert "pluie" not in row.motif and "commentaire" in row.champs


def test_a_review_with_a_next_date_moves_the_due_date(en_cours, educateur):
    services.bilan_enregistrer(
        acteur=educateur,
        projet=en_cours,
        date=datetime.date(2025, 7, 1),
        categorie="INTERMEDIAIRE",
        synthese="Les sorties reprennent.",
        date_prochain_bilan=datetime.date(2025, 12, 1),
    )
    en_cours.refresh_from_db()
    assert en_cours.date_reevaluation == datetime.date(2025, 12, 1)


def test_a_need_with_objectives_cannot_be_removed(brouillon, educateur):
    with pytest.raises(ValidationError, match="Des objectifs répondent"):
        services.element_supprimer(acteur=educateur, element=brouillon.besoins.get())


# ---------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------
def test_a_new_version_carries_open_objectives_and_keeps_the_history(
    en_cours, educateur, chef_service
):
    besoin = en_cours.besoins.get()
    # Reopen the content for a second objective: written before validation in real life.
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(statut=S.BROUILLON)
    en_cours.refresh_from_db()
    atteint = services.objectif_ajouter(
        acteur=educateur, projet=en_cours, besoin=besoin, titre="Choisir ses légumes"
    )
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(statut=S.EN_COURS)
    en_cours.refresh_from_db()
    ouvert = en_cours.objectifs.exclude(pk=atteint.pk).get()
    services.evaluation_enregistrer(
        acteur=educateur, objectif=atteint, date=datetime.date(2025, 6, 1), resultat="atteint"
    )
    services.evaluation_enregistrer(
        acteur=educateur, objectif=ouvert, date=datetime.date(2025, 6, 1), resultat="non_atteint"
    )

    v2 = services.projet_nouvelle_version(acteur=educateur, projet=en_cours)

    en_cours.refresh_from_db()
    assert en_cours.statut == S.REEVALUATION  # still in force until v2 is validated
    assert (v2.version, v2.precedent_id, v2.statut) == (2, en_cours.pk, S.BROUILLON)
    assert list(v2.objectifs.values_list("titre", "origine_version")) == [(ouvert.titre, ouvert.pk)]
    assert v2.objectifs.get().besoin.projet_id == v2.pk
    assert v2.prestations.get().objectifs.get() == v2.objectifs.get()
    assert v2.attentes.get().description == "Je veux aller au marché le samedi."
    assert v2.projet_de_vie.aspirations == "Je veux continuer à jardiner."
    assert not v2.accords.exists()
    # Nothing lost in version 1.
    assert en_cours.objectifs.count() == 2
    assert EvaluationObjectif.objects.filter(objectif__projet=en_cours).count() == 2

    v2 = services.projet_transition(acteur=educateur, projet=v2, vers=S.CONCERTATION)
    accords_recueillir(v2, referent=educateur, chef=chef_service)
    v2 = services.projet_transition(acteur=educateur, projet=v2, vers=S.VALIDE)
    en_cours.refresh_from_db()
    assert v2.statut == S.EN_COURS
    assert en_cours.statut == S.CLOS
    assert en_cours.motif_cloture == "Remplacé par la version 2."


def test_only_one_new_version_at_a_time(en_cours, educateur):
    services.projet_nouvelle_version(acteur=educateur, projet=en_cours)
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.projet_nouvelle_version(acteur=educateur, projet=en_cours)


def test_a_draft_has_no_new_version(brouillon, educateur):
    with pytest.raises(ValidationError, match="part d'un projet validé"):
        services.projet_nouvelle_version(acteur=educateur, projet=brouillon)


# ---------------------------------------------------------------------------
# Due dates
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 1, 15), 12, datetime.date(2026, 1, 15)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 11, 30), 6, datetime.date(2026, 5, 30)),
    ],
)
def test_add_months(start, months, expected):
    assert services.add_months(start, months) == expected


def test_reevaluation_period_by_type_and_setting(db, settings):
    settings.PROJET_REEVALUATION_MOIS = 12
    ppa, pai = TypeProjet.objects.get(code="PPA"), TypeProjet.objects.get(code="PAI")
    ehpad, ime = "500", "183"
    assert services.delai_reevaluation_mois(ppa, ehpad) == 12
    DelaiReevaluation.objects.create(categorie_etablissement=ime, mois=6)
    DelaiReevaluation.objects.create(type_projet=pai, mois=9)
    DelaiReevaluation.objects.create(type_projet=pai, categorie_etablissement=ime, mois=3)
    assert services.delai_reevaluation_mois(ppa, ime) == 6  # setting only
    assert services.delai_reevaluation_mois(pai, ehpad) == 9  # type only
    assert services.delai_reevaluation_mois(pai, ime) == 3  # both: the most specific
    assert services.delai_reevaluation_mois(ppa, ehpad) == 12
    settings.PROJET_REEVALUATION_MOIS = 18
    assert services.delai_reevaluation_mois(ppa, ehpad) == 18
