"""Writes of the daily support: policy first, French messages, nothing half-saved, an audit row
in the same transaction, and no silent edit of a transmission."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from securite.audit import audit_verify
from securite.crypto import EncryptedTextField, encrypt, key_id
from securite.models import AuditAction, Categorie, EvenementAudit, Opposition
from tests.factories import (
    AbsencePrevueFactory,
    EvenementIndesirableFactory,
    ProfessionnelFactory,
    SejourFactory,
    UtilisateurFactory,
)
from usagers.quotidien import services
from usagers.quotidien.models import (
    AbsencePrevue,
    Evenement,
    EvenementIndesirable,
    Observation,
    Participant,
    Presence,
    RelanceEIGS,
    Transmission,
)
from usagers.quotidien.services import EtapeIncident, MesureSaisie


def _transmission(acteur, usager, **kwargs):
    values = {
        "categorie": Categorie.EDUCATIF,
        "cible": "Repas",
        "donnees": "A mangé la moitié de son assiette.",
        "actions": "Proposé un complément.",
        "resultats": "Accepté.",
    }
    values.update(kwargs)
    return services.transmission_create(acteur=acteur, usager=usager, **values)


# ---------------------------------------------------------------------------
# Transmissions
# ---------------------------------------------------------------------------
def test_a_transmission_gets_its_author_time_and_audit_row(educateur, resident, request_of):
    before = timezone.now()
    transmission = _transmission(educateur, resident, is_importante=True)
    assert transmission.auteur == educateur
    assert transmission.ecrite_le >= before
    row = EvenementAudit.objects.get(action=AuditAction.CREATION, objet_id=str(transmission.pk))
    assert row.usager_id == resident.pk
    assert row.categorie == "educatif"
    assert "donnees" in row.champs
    assert "moitié" not in str(row.champs) + row.motif  # names, never values


def test_the_narrative_is_encrypted_at_rest_and_the_target_stays_clear(educateur, resident):
    transmission = _transmission(educateur, resident)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cible, donnees, actions, resultats FROM quotidien_transmission WHERE id = %s",
            [transmission.pk],
        )
        cible, donnees, actions, resultats = cursor.fetchone()
    assert cible == "Repas"
    for stored in (donnees, actions, resultats):
        assert stored.startswith("enc:v1:")
        assert "assiette" not in stored
    assert Transmission.objects.get(pk=transmission.pk).donnees.startswith("A mangé")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cible": "   "}, "cible", "Indiquez la cible"),
        ({"donnees": ""}, "donnees", "Décrivez les données"),
        ({"prestation_serafin": "9.9"}, "prestation_serafin", "n'existe pas"),
        ({"categorie": "medical"}, "categorie", "« médical »"),
    ],
)
def test_a_bad_transmission_is_refused_in_french_and_nothing_is_saved(
    educateur, resident, changes, field, message
):
    with pytest.raises(ValidationError) as error:
        _transmission(educateur, resident, **changes)
    assert message in " ".join(error.value.message_dict[field])
    assert not Transmission.objects.exists()
    assert not EvenementAudit.objects.filter(action=AuditAction.CREATION).exists()


def test_a_transmission_for_a_person_out_of_scope_is_refused(educateur, enfant):
    with pytest.raises(ValidationError, match="n'est pas dans votre périmètre"):
        _transmission(educateur, enfant)
    assert not Transmission.objects.exists()


def test_an_objection_removes_the_right_to_write_the_category(educateur, resident):
    Opposition.objects.create(
        usager=resident,
        categorie=Categorie.EDUCATIF,
        profession="educateur",
        exprimee_par="La résidente",
        date=datetime.date(2026, 1, 5),
    )
    with pytest.raises(ValidationError, match="« éducatif et accompagnement »"):
        _transmission(educateur, resident)


def test_a_correction_is_an_addendum_and_the_original_stays_as_written(
    educateur, infirmier, resident
):
    original = _transmission(educateur, resident, donnees="A mangé la moitié.")
    addendum = services.transmission_completer(
        acteur=educateur, transmission=original, donnees="Correction : a tout mangé."
    )
    original.refresh_from_db()
    assert original.donnees == "A mangé la moitié."
    assert addendum.complete == original
    assert (addendum.usager, addendum.categorie, addendum.cible) == (
        original.usager,
        original.categorie,
        original.cible,
    )
    # A complement to a complement goes to the original.
    again = services.transmission_completer(
        acteur=educateur, transmission=addendum, donnees="Et a redemandé du pain."
    )
    assert again.complete == original
    assert list(original.addenda.order_by("pk")) == [addendum, again]
    row = EvenementAudit.objects.get(objet_id=str(addendum.pk), action=AuditAction.CREATION)
    assert row.motif == f"Complément de la transmission n° {original.pk}"


def test_a_nurse_cannot_complete_an_educative_note_she_may_only_read(
    educateur, infirmier, resident
):
    original = _transmission(educateur, resident)
    with pytest.raises(ValidationError, match="ne pouvez pas compléter"):
        services.transmission_completer(acteur=infirmier, transmission=original, donnees="x")
    with pytest.raises(ValidationError, match="correction ou le complément"):
        services.transmission_completer(acteur=educateur, transmission=original, donnees=" ")


def _raw_transmission(pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM quotidien_transmission WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_refuses_any_edit_or_deletion_of_a_transmission(educateur, resident):
    transmission = _transmission(educateur, resident)
    with pytest.raises(Exception, match="ne se modifie pas"), transaction.atomic():
        Transmission.objects.filter(pk=transmission.pk).update(cible="Autre chose")
    with pytest.raises(Exception, match="ne se supprime pas"), transaction.atomic():
        Transmission.objects.filter(pk=transmission.pk).delete()
    # The encrypted narrative is protected too, whatever the column and the new value.
    encrypted = [f.name for f in Transmission._meta.fields if isinstance(f, EncryptedTextField)]
    assert set(encrypted) >= {"donnees", "actions", "resultats"}
    for name in encrypted:
        with pytest.raises(Exception, match="ne se modifie pas"), transaction.atomic():
            Transmission.objects.filter(pk=transmission.pk).update(**{name: "Texte réécrit"})
        # Even a valid ciphertext of another column, in raw SQL, is refused.
        other = "donnees" if name != "donnees" else "resultats"
        with (
            pytest.raises(Exception, match="ne se modifie pas"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f"UPDATE quotidien_transmission SET {name} = {other} WHERE id = %s",
                [transmission.pk],
            )
    # Writing the same value changes nothing: allowed.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quotidien_transmission SET donnees = donnees WHERE id = %s", [transmission.pk]
        )
    stored = Transmission.objects.get(pk=transmission.pk)
    assert (stored.cible, stored.donnees) == ("Repas", "A mangé la moitié de son assiette.")


def test_only_key_rotation_may_rewrite_the_ciphertext_and_only_with_a_ciphertext(
    educateur, resident
):
    transmission = _transmission(educateur, resident)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('dui.rotation_cles', 'on', true)")
        fresh = encrypt("A mangé la moitié de son assiette.", context=_context("donnees"))
        cursor.execute(
            "UPDATE quotidien_transmission SET donnees = %s WHERE id = %s", [fresh, transmission.pk]
        )
        # Clear text is refused even under the rotation flag.
        with pytest.raises(Exception, match="ne se modifie pas"), transaction.atomic():
            cursor.execute(
                "UPDATE quotidien_transmission SET actions = 'en clair' WHERE id = %s",
                [transmission.pk],
            )
        # The other columns stay frozen under the flag.
        with pytest.raises(Exception, match="ne se modifie pas"), transaction.atomic():
            cursor.execute(
                "UPDATE quotidien_transmission SET cible = 'Autre' WHERE id = %s",
                [transmission.pk],
            )
        cursor.execute("SELECT set_config('dui.rotation_cles', 'off', true)")
    assert _raw_transmission(transmission.pk, "donnees") == fresh


def _context(name):
    field = Transmission._meta.get_field(name)
    return field.context()


def test_key_rotation_reencrypts_transmissions_and_leaves_the_guard_on(educateur, resident, capsys):
    with override_settings(DUI_ENCRYPTION_ACTIVE_KEY="t1"):
        old = _transmission(educateur, resident)
    assert key_id(_raw_transmission(old.pk, "donnees")) == "t1"

    call_command("rotate_keys", "--batch-size", "2")

    for column in ("donnees", "actions", "resultats"):
        assert key_id(_raw_transmission(old.pk, column)) == "t2"
    stored = Transmission.objects.get(pk=old.pk)
    assert (stored.donnees, stored.actions, stored.resultats) == (
        "A mangé la moitié de son assiette.",
        "Proposé un complément.",
        "Accepté.",
    )
    # The flag lasted for the rotation's batches only.
    with pytest.raises(Exception, match="ne se modifie pas"), transaction.atomic():
        Transmission.objects.filter(pk=old.pk).update(donnees="Réécrit après la rotation")


def test_the_handover_mark_moves_forward(educateur):
    first = services.releve_marquer_lue(acteur=educateur)
    second = services.releve_marquer_lue(acteur=educateur)
    assert second.pk == first.pk
    assert second.lu_jusqu_au >= first.lu_jusqu_au


# ---------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------
def test_measurements_are_saved_together_and_the_abnormal_one_is_flagged(infirmier, resident):
    saved = services.observations_enregistrer(
        acteur=infirmier,
        usager=resident,
        mesuree_le=timezone.now(),
        mesures=[
            MesureSaisie("temperature", "38,4"),
            MesureSaisie("tension", "128", "76"),
            MesureSaisie("pouls", "88"),
        ],
    )
    assert len(saved) == 3
    temperature = next(o for o in saved if o.type == "temperature")
    assert temperature.is_anormale and temperature.valeur == Decimal("38.4")
    assert temperature.categorie == "soins"
    assert EvenementAudit.objects.filter(action=AuditAction.CREATION).count() == 3


def test_one_impossible_value_refuses_the_whole_entry(infirmier, resident):
    with pytest.raises(ValidationError) as error:
        services.observations_enregistrer(
            acteur=infirmier,
            usager=resident,
            mesuree_le=timezone.now(),
            mesures=[MesureSaisie("pouls", "80"), MesureSaisie("temperature", "60")],
        )
    assert "Une température de 60 °C est impossible" in error.value.message_dict["temperature"][0]
    assert not Observation.objects.exists()


def test_a_measurement_cannot_be_dated_in_the_future(infirmier, resident):
    with pytest.raises(ValidationError, match="dans le futur"):
        services.observations_enregistrer(
            acteur=infirmier,
            usager=resident,
            mesuree_le=timezone.now() + datetime.timedelta(hours=2),
            mesures=[MesureSaisie("pouls", "80")],
        )


def test_an_educator_records_meals_but_not_vital_signs(educateur, resident):
    saved = services.observations_enregistrer(
        acteur=educateur,
        usager=resident,
        mesuree_le=timezone.now(),
        mesures=[MesureSaisie("repas", "25", repas="dejeuner")],
    )
    assert saved[0].categorie == "educatif" and saved[0].is_anormale
    with pytest.raises(ValidationError, match="« Température »"):
        services.observations_enregistrer(
            acteur=educateur,
            usager=resident,
            mesuree_le=timezone.now(),
            mesures=[MesureSaisie("temperature", "37")],
        )


def test_a_weight_loss_is_flagged_against_the_previous_weights(infirmier, resident):
    now = timezone.now()
    services.observations_enregistrer(
        acteur=infirmier,
        usager=resident,
        mesuree_le=now - datetime.timedelta(days=25),
        mesures=[MesureSaisie("poids", "62")],
    )
    (poids,) = services.observations_enregistrer(
        acteur=infirmier, usager=resident, mesuree_le=now, mesures=[MesureSaisie("poids", "58.5")]
    )
    assert poids.is_anormale
    assert poids.motif_anomalie == "Perte de poids de 6 % en 1 mois"


# ---------------------------------------------------------------------------
# Adverse events
# ---------------------------------------------------------------------------
def _declarer(acteur, usager, etablissement, **kwargs):
    values = {
        "survenu_le": timezone.now() - datetime.timedelta(hours=1),
        "type": "chute",
        "gravite": 3,
        "recit": "Retrouvée au sol dans sa chambre à 6 h, consciente.",
    }
    values.update(kwargs)
    return services.incident_declarer(
        acteur=acteur, etablissement=etablissement, usager=usager, **values
    )


@pytest.fixture
def chef_mail(world, chef_service):
    chef_service.email = "chef@example.org"
    chef_service.save(update_fields=["email"])
    return chef_service


def test_declaring_an_incident_audits_and_tells_the_heads_of_service_without_the_story(
    world, educateur, resident, chef_mail, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _declarer(educateur, resident, world.ehpad, is_eigs=True, gravite=4)
    assert EvenementAudit.objects.filter(
        action=AuditAction.CREATION, objet_id=str(incident.pk), usager=resident
    ).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chef@example.org"]
    assert message.subject.startswith("[DUI] URGENT")
    assert "sol" not in message.body and resident.nom_naissance not in message.body


def test_an_incident_needs_a_story_and_a_past_date(world, educateur, resident):
    with pytest.raises(ValidationError) as error:
        _declarer(
            educateur,
            resident,
            world.ehpad,
            recit="",
            survenu_le=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"recit", "survenu_le"}
    assert not EvenementIndesirable.objects.exists()


def test_the_eigs_workflow_goes_part_one_then_part_two_then_closing(
    world, educateur, resident, chef_service
):
    incident = _declarer(educateur, resident, world.ehpad)
    with pytest.raises(ValidationError, match="Seuls les chefs de service"):
        services.incident_etape(acteur=educateur, incident=incident, etape=EtapeIncident.ANALYSE)
    with pytest.raises(ValidationError, match="Qualifiez d'abord"):
        services.incident_etape(
            acteur=chef_service, incident=incident, etape=EtapeIncident.EIGS_PARTIE1
        )
    for etape in (EtapeIncident.ANALYSE, EtapeIncident.QUALIFIER_EIGS):
        services.incident_etape(acteur=chef_service, incident=incident, etape=etape)
    with pytest.raises(ValidationError, match="transmettez d'abord la partie 1"):
        services.incident_etape(
            acteur=chef_service, incident=incident, etape=EtapeIncident.EIGS_PARTIE2
        )
    incident = services.incident_etape(
        acteur=chef_service, incident=incident, etape=EtapeIncident.EIGS_PARTIE1
    )
    assert incident.eigs_partie2_echeance == _add_months(
        timezone.localdate(incident.eigs_partie1_le), 3
    )
    with pytest.raises(ValidationError, match="après la transmission de sa partie 2"):
        services.incident_etape(acteur=chef_service, incident=incident, etape=EtapeIncident.CLORE)
    services.incident_etape(
        acteur=chef_service, incident=incident, etape=EtapeIncident.EIGS_PARTIE2
    )
    incident = services.incident_etape(
        acteur=chef_service, incident=incident, etape=EtapeIncident.CLORE
    )
    assert incident.statut == "clos"
    modifications = EvenementAudit.objects.filter(
        action=AuditAction.MODIFICATION, objet_id=str(incident.pk)
    )
    assert modifications.count() == 5


def test_the_report_to_the_authority_needs_its_nature(world, educateur, resident, chef_service):
    incident = _declarer(educateur, resident, world.ehpad)
    with pytest.raises(ValidationError, match="nature de l'événement signalé"):
        services.incident_etape(
            acteur=chef_service, incident=incident, etape=EtapeIncident.SIGNALEMENT
        )
    incident = services.incident_etape(
        acteur=chef_service, incident=incident, etape=EtapeIncident.SIGNALEMENT, nature="4"
    )
    assert incident.signalement_nature == "4" and incident.signalement_le


def test_a_head_of_service_of_another_establishment_cannot_follow_the_incident(
    world, educateur, resident
):
    chef_ime = UtilisateurFactory(organisme=world.organisme)
    ProfessionnelFactory(
        utilisateur=chef_ime, profession="chef_service", etablissements=[world.ime]
    )
    incident = _declarer(educateur, resident, world.ehpad)
    with pytest.raises(EvenementIndesirable.DoesNotExist):
        services.incident_etape(acteur=chef_ime, incident=incident, etape=EtapeIncident.ANALYSE)


def _add_months(day, months):
    from usagers.quotidien.models import add_months

    return add_months(day, months)


# ---------------------------------------------------------------------------
# EIGS reminders
# ---------------------------------------------------------------------------
def _eigs(world, partie1_jours=None):
    sejour = SejourFactory(unite=world.unite_a)
    now = timezone.now()
    return EvenementIndesirableFactory(
        sejour=sejour,
        is_eigs=True,
        gravite=4,
        survenu_le=now - datetime.timedelta(days=(partie1_jours or 0) + 1),
        eigs_partie1_le=now - datetime.timedelta(days=partie1_jours)
        if partie1_jours is not None
        else None,
    )


def test_eigs_reminders_are_sent_once_per_step(world, chef_mail):
    incident = _eigs(world)
    assert services.eigs_relances_envoyer() == 1
    assert services.eigs_relances_envoyer() == 0  # idempotent
    assert list(incident.relances.values_list("palier", flat=True)) == ["partie1"]
    assert len(mail.outbox) == 1
    assert "partie 1" in mail.outbox[0].body
    assert incident.usager.nom_naissance not in mail.outbox[0].body


def test_part_two_reminders_follow_the_three_month_deadline(world, chef_mail):
    incident = _eigs(world, partie1_jours=0)
    echeance = incident.eigs_partie2_echeance
    start = timezone.now()

    def run_on(day):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        return services.eigs_relances_envoyer(maintenant=moment)

    assert run_on(start.date() + datetime.timedelta(days=10)) == 0
    assert run_on(echeance - datetime.timedelta(days=30)) == 1
    assert run_on(echeance - datetime.timedelta(days=20)) == 0
    assert run_on(echeance - datetime.timedelta(days=7)) == 1
    assert run_on(echeance) == 0
    assert run_on(echeance + datetime.timedelta(days=1)) == 1
    assert run_on(echeance + datetime.timedelta(days=30)) == 0
    assert list(incident.relances.order_by("pk").values_list("palier", flat=True)) == [
        "partie2_j30",
        "partie2_j7",
        "partie2_retard",
    ]
    assert "dépassée" in mail.outbox[-1].body


def test_a_late_run_sends_only_the_most_urgent_reminder(world, chef_mail):
    incident = _eigs(world, partie1_jours=100)  # deadline passed ten days ago
    assert services.eigs_relances_envoyer() == 1
    assert len(mail.outbox) == 1
    relances = dict(incident.relances.values_list("palier", "destinataires"))
    assert relances == {"partie2_j30": 0, "partie2_j7": 0, "partie2_retard": 1}
    assert services.eigs_relances_envoyer() == 0


def test_no_reminder_once_part_two_is_sent_or_the_event_closed(world, chef_mail):
    done = _eigs(world, partie1_jours=100)
    done.eigs_partie2_le = timezone.now()
    done.save(update_fields=["eigs_partie2_le"])
    assert services.eigs_relances_envoyer() == 0
    assert not RelanceEIGS.objects.exists()


def test_a_failing_mail_leaves_the_step_to_send_again(world, chef_mail, monkeypatch):
    _eigs(world)

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP indisponible")

    monkeypatch.setattr("usagers.quotidien.notifications.send_mail", broken)
    with pytest.raises(ConnectionError):
        services.eigs_relances_envoyer()
    assert not RelanceEIGS.objects.exists()
    monkeypatch.undo()
    assert services.eigs_relances_envoyer() == 1


# ---------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------
def _debut(hour=10):
    return timezone.make_aware(datetime.datetime(2026, 5, 4, hour))


def test_an_event_ending_before_it_starts_is_refused_in_french(world, educateur, resident):
    with pytest.raises(ValidationError) as error:
        services.evenement_creer(
            acteur=educateur,
            etablissement=world.ehpad,
            unite=world.unite_a,
            titre="Piscine",
            nature="activite",
            debut=_debut(14),
            fin=_debut(13),
            usagers=[resident],
        )
    assert error.value.message_dict["fin"] == [
        "La fin de l'événement doit être postérieure à son début."
    ]
    assert not Evenement.objects.exists()


def test_a_weekly_activity_is_stored_one_row_per_occurrence_with_its_participants(
    world, educateur, resident
):
    evenements = services.evenement_creer(
        acteur=educateur,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Atelier mémoire",
        nature="activite",
        debut=_debut(10),
        fin=_debut(11),
        usagers=[resident],
        professionnels=[educateur],
        recurrence="hebdomadaire",
        recurrence_fin=datetime.date(2026, 6, 1),
    )
    assert len(evenements) == 5  # 4, 11, 18, 25 May and 1 June
    assert len({e.serie for e in evenements}) == 1
    assert all(timezone.localtime(e.debut).hour == 10 for e in evenements)
    assert Participant.objects.filter(usager=resident).count() == 5
    assert all(
        p.debut == p.evenement.debut for p in Participant.objects.select_related("evenement")
    )
    assert EvenementAudit.objects.filter(
        action=AuditAction.CREATION, usager=resident, objet_type="quotidien.Evenement"
    ).exists()
    audit_breaks = list(audit_verify())
    assert audit_breaks == []

    count = services.evenement_statut_changer(
        acteur=educateur, evenement=evenements[2], statut="annule", toute_la_serie=True
    )
    assert count == 3
    assert [e.statut for e in Evenement.objects.order_by("debut")] == [
        "planifie",
        "planifie",
        "annule",
        "annule",
        "annule",
    ]


def test_a_monthly_series_keeps_the_day_or_the_end_of_the_month(world, educateur):
    debut = timezone.make_aware(datetime.datetime(2026, 1, 31, 9))
    evenements = services.evenement_creer(
        acteur=educateur,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Réunion des familles",
        nature="reunion",
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        recurrence="mensuelle",
        recurrence_fin=datetime.date(2026, 4, 30),
    )
    assert [timezone.localdate(e.debut).isoformat() for e in evenements] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_a_series_needs_an_end_within_a_year(world, educateur):
    with pytest.raises(ValidationError, match="jusqu'à quand"):
        services.evenement_creer(
            acteur=educateur,
            etablissement=world.ehpad,
            unite=world.unite_a,
            titre="Gym douce",
            nature="activite",
            debut=_debut(),
            fin=_debut(11),
            recurrence="quotidienne",
        )
    with pytest.raises(ValidationError, match="au plus un an"):
        services.evenement_creer(
            acteur=educateur,
            etablissement=world.ehpad,
            unite=world.unite_a,
            titre="Gym douce",
            nature="activite",
            debut=_debut(),
            fin=_debut(11),
            recurrence="quotidienne",
            recurrence_fin=datetime.date(2028, 1, 1),
        )


def test_an_educator_cannot_plan_a_medical_appointment_nor_for_someone_out_of_scope(
    world, educateur, resident, enfant
):
    with pytest.raises(ValidationError) as error:
        services.evenement_creer(
            acteur=educateur,
            etablissement=world.ehpad,
            unite=world.unite_a,
            titre="Cardiologue",
            nature="rendez_vous",
            categorie="medical",
            debut=_debut(),
            fin=_debut(11),
            usagers=[resident, enfant],
        )
    messages = error.value.message_dict["usagers"]
    assert any("« médical »" in m for m in messages)
    assert any("n'est pas dans votre périmètre" in m for m in messages)


# ---------------------------------------------------------------------------
# Planned absences and presence
# ---------------------------------------------------------------------------
def test_overlapping_planned_absences_are_refused(educateur, resident):
    services.absence_prevue_creer(
        acteur=educateur,
        usager=resident,
        debut=datetime.date(2026, 7, 10),
        fin=datetime.date(2026, 7, 20),
        motif="vacances",
    )
    with pytest.raises(ValidationError, match="chevauche l'absence prévue du 10/07/2026"):
        services.absence_prevue_creer(
            acteur=educateur,
            usager=resident,
            debut=datetime.date(2026, 7, 20),
            fin=datetime.date(2026, 7, 22),
            motif="famille",
        )
    # Back on the 20th at noon, out again the same afternoon: no overlap.
    services.absence_prevue_creer(
        acteur=educateur,
        usager=resident,
        debut=datetime.date(2026, 7, 25),
        debut_demi_journee="apres_midi",
        fin=datetime.date(2026, 7, 26),
        motif="famille",
    )


def test_an_absence_ending_before_it_starts_is_refused(educateur, resident):
    with pytest.raises(ValidationError, match="ne peut pas finir avant de commencer"):
        services.absence_prevue_creer(
            acteur=educateur,
            usager=resident,
            debut=datetime.date(2026, 7, 10),
            fin=datetime.date(2026, 7, 10),
            debut_demi_journee="apres_midi",
            fin_demi_journee="matin",
            motif="vacances",
        )


def test_presence_is_derived_from_stays_and_planned_absences_idempotently(world, educateur):
    jour = datetime.date(2026, 5, 4)  # a Monday
    present = SejourFactory(unite=world.unite_a, date_entree=datetime.date(2025, 1, 1))
    absent = SejourFactory(unite=world.unite_a, date_entree=datetime.date(2025, 1, 1))
    SejourFactory(unite=world.unite_a, date_entree=datetime.date(2026, 6, 1))  # not yet
    AbsencePrevueFactory(
        usager=absent.usager,
        debut=jour,
        fin=jour + datetime.timedelta(days=3),
        motif="hospitalisation",
    )
    assert services.presences_deriver(jour=jour) == 2
    assert services.presences_deriver(jour=jour) == 2
    rows = {p.usager_id: p for p in Presence.objects.filter(jour=jour)}
    assert len(rows) == 2
    assert (rows[present.usager_id].statut, rows[present.usager_id].periode) == (
        "present",
        "journee",
    )
    assert rows[absent.usager_id].statut == "absent"
    assert rows[absent.usager_id].motif_absence == "hospitalisation"
    assert rows[absent.usager_id].is_absence_prevue


def test_an_entered_presence_wins_and_the_other_half_day_is_derived(educateur, resident):
    jour = timezone.localdate()
    services.presences_deriver(jour=jour)
    services.presence_enregistrer(
        acteur=educateur,
        usager=resident,
        jour=jour,
        periode="matin",
        statut="absent",
        motif_absence="maladie",
    )
    rows = {p.periode: p for p in Presence.objects.filter(usager=resident, jour=jour)}
    assert set(rows) == {"matin", "apres_midi"}
    assert (rows["matin"].source, rows["matin"].statut) == ("saisie", "absent")
    assert (rows["apres_midi"].source, rows["apres_midi"].statut) == ("deduite", "present")
    services.presences_deriver(jour=jour)  # the nightly job leaves the entry alone
    assert Presence.objects.get(usager=resident, jour=jour, periode="matin").source == "saisie"


def test_overlapping_presences_are_refused_and_the_same_one_is_corrected(educateur, resident):
    jour = timezone.localdate()
    services.presence_enregistrer(
        acteur=educateur, usager=resident, jour=jour, periode="matin", statut="present"
    )
    with pytest.raises(ValidationError, match="déjà saisie pour matin"):
        services.presence_enregistrer(
            acteur=educateur, usager=resident, jour=jour, periode="journee", statut="present"
        )
    corrected = services.presence_enregistrer(
        acteur=educateur,
        usager=resident,
        jour=jour,
        periode="matin",
        statut="absent",
        motif_absence="famille",
    )
    assert corrected.statut == "absent"
    assert EvenementAudit.objects.filter(
        action=AuditAction.MODIFICATION, objet_id=str(corrected.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"jour": datetime.date(2099, 1, 1)}, "jour"),
        ({"statut": "absent"}, "motif_absence"),
        ({"jour": datetime.date(2020, 1, 1)}, "jour"),  # before the stay
    ],
)
def test_a_bad_presence_is_refused_in_french(educateur, resident, changes, field):
    values = {"jour": timezone.localdate(), "periode": "journee", "statut": "present"}
    values.update(changes)
    with pytest.raises(ValidationError) as error:
        services.presence_enregistrer(acteur=educateur, usager=resident, **values)
    assert field in error.value.message_dict
    assert not Presence.objects.filter(source="saisie").exists()


def test_presence_rows_are_unique_per_half_day_in_the_database(resident, world):
    Presence.objects.create(
        usager=resident,
        etablissement=world.ehpad,
        jour=datetime.date(2026, 5, 4),
        periode="matin",
        statut="present",
        source="saisie",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Presence.objects.create(
            usager=resident,
            etablissement=world.ehpad,
            jour=datetime.date(2026, 5, 4),
            periode="matin",
            statut="absent",
            motif_absence="famille",
            source="saisie",
        )


# ---------------------------------------------------------------------------
# Changing the agenda and planned absences
# ---------------------------------------------------------------------------
def _atelier(world, acteur, usagers, **kwargs):
    values = {
        "acteur": acteur,
        "etablissement": world.ehpad,
        "unite": world.unite_a,
        "titre": "Atelier mémoire",
        "nature": "activite",
        "debut": _debut(10),
        "fin": _debut(11),
        "usagers": usagers,
    }
    values.update(kwargs)
    return services.evenement_creer(**values)


def test_moving_an_event_moves_its_participants_and_leaves_an_audit_row(world, educateur, resident):
    (evenement,) = _atelier(world, educateur, [resident])
    moved = services.evenement_deplacer(
        acteur=educateur, evenement=evenement, debut=_debut(14), fin=_debut(16)
    )
    assert [e.pk for e in moved] == [evenement.pk]
    evenement.refresh_from_db()
    assert (evenement.debut, evenement.fin) == (_debut(14), _debut(16))
    assert Participant.objects.get(evenement=evenement).debut == _debut(14)
    row = EvenementAudit.objects.get(action=AuditAction.MODIFICATION, usager=resident)
    assert (row.objet_type, row.champs) == ("quotidien.Evenement", ["debut", "fin"])
    assert list(audit_verify()) == []


@pytest.mark.parametrize(
    ("debut", "fin", "message"),
    [
        (14, 13, "La fin de l'événement doit être postérieure à son début."),
        (14, 14, "La fin de l'événement doit être postérieure à son début."),
    ],
)
def test_a_move_is_checked_like_a_creation(world, educateur, resident, debut, fin, message):
    (evenement,) = _atelier(world, educateur, [resident])
    with pytest.raises(ValidationError) as error:
        services.evenement_deplacer(
            acteur=educateur, evenement=evenement, debut=_debut(debut), fin=_debut(fin)
        )
    assert error.value.message_dict["fin"] == [message]
    with pytest.raises(ValidationError, match="au plus un mois"):
        services.evenement_deplacer(
            acteur=educateur,
            evenement=evenement,
            debut=_debut(10),
            fin=_debut(10) + datetime.timedelta(days=40),
        )
    evenement.refresh_from_db()
    assert evenement.debut == _debut(10)
    assert not EvenementAudit.objects.filter(action=AuditAction.MODIFICATION).exists()


def test_only_who_may_write_the_category_moves_an_event(
    world, educateur, educateur_ime, infirmier, medecin, resident, enfant
):
    # The nurse reads the educative category but does not write it.
    (atelier,) = _atelier(world, educateur, [resident])
    with pytest.raises(ValidationError, match="ne pouvez pas modifier cet événement"):
        services.evenement_deplacer(
            acteur=infirmier, evenement=atelier, debut=_debut(14), fin=_debut(15)
        )
    # The educator may not move a medical appointment.
    (cardiologue,) = _atelier(world, medecin, [resident], categorie="medical", titre="Cardio")
    with pytest.raises(ValidationError, match="ne pouvez pas modifier cet événement"):
        services.evenement_deplacer(
            acteur=educateur, evenement=cardiologue, debut=_debut(14), fin=_debut(15)
        )
    # Nor an event of a person out of her scope.
    (ime,) = _atelier(
        world, educateur_ime, [enfant], unite=world.unite_ime, etablissement=world.ime
    )
    with pytest.raises(ValidationError, match="ne pouvez pas modifier cet événement"):
        services.evenement_deplacer(
            acteur=educateur, evenement=ime, debut=_debut(14), fin=_debut(15)
        )
    assert Evenement.objects.filter(debut=_debut(14)).count() == 0


def test_a_cancelled_event_is_not_moved(world, educateur, resident):
    (evenement,) = _atelier(world, educateur, [resident])
    services.evenement_statut_changer(acteur=educateur, evenement=evenement, statut="annule")
    evenement.refresh_from_db()
    with pytest.raises(ValidationError, match="annulé ne se déplace pas"):
        services.evenement_deplacer(
            acteur=educateur, evenement=evenement, debut=_debut(14), fin=_debut(15)
        )


def test_moving_a_series_shifts_the_following_occurrences_at_the_same_wall_clock_time(
    world, educateur, resident
):
    # Weekly on Thursdays at 10:00 across the end of daylight saving time (25 October 2026).
    debut = timezone.make_aware(datetime.datetime(2026, 10, 15, 10))
    evenements = _atelier(
        world,
        educateur,
        [resident],
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        recurrence="hebdomadaire",
        recurrence_fin=datetime.date(2026, 11, 5),
    )
    assert len(evenements) == 4
    # From the second occurrence on: the day after, at 14:30, for 90 minutes.
    second = evenements[1]
    nouveau = timezone.make_aware(datetime.datetime(2026, 10, 23, 14, 30))
    moved = services.evenement_deplacer(
        acteur=educateur,
        evenement=second,
        debut=nouveau,
        fin=nouveau + datetime.timedelta(minutes=90),
        toute_la_serie=True,
    )
    assert len(moved) == 3
    rows = list(Evenement.objects.order_by("debut"))
    assert [timezone.localtime(e.debut).strftime("%d/%m %H:%M") for e in rows] == [
        "15/10 10:00",
        "23/10 14:30",
        "30/10 14:30",
        "06/11 14:30",
    ]
    assert all(e.fin - e.debut == datetime.timedelta(minutes=90) for e in rows[1:])
    assert all(
        p.debut == p.evenement.debut for p in Participant.objects.select_related("evenement")
    )


def _absence(acteur, usager, debut, fin, **kwargs):
    return services.absence_prevue_creer(
        acteur=acteur, usager=usager, debut=debut, fin=fin, motif="hospitalisation", **kwargs
    )


def _presence_du_jour(usager, jour):
    return list(
        Presence.objects.filter(usager=usager, jour=jour).values_list(
            "statut", "motif_absence", "source"
        )
    )


def test_cancelling_a_planned_absence_derives_the_days_counted_again(educateur, resident):
    today = timezone.localdate()
    hier = today - datetime.timedelta(days=1)
    absence = _absence(educateur, resident, hier, today + datetime.timedelta(days=3))
    assert _presence_du_jour(resident, hier) == [("absent", "hospitalisation", "deduite")]
    pk = absence.pk
    services.absence_prevue_annuler(acteur=educateur, absence=absence)
    assert not AbsencePrevue.objects.exists()
    for jour in (hier, today):
        assert _presence_du_jour(resident, jour) == [("present", "", "deduite")]
    row = EvenementAudit.objects.get(action=AuditAction.SUPPRESSION)
    assert (row.usager_id, row.objet_id) == (resident.pk, str(pk))


def test_changing_a_planned_absence_derives_the_old_and_new_days_again(educateur, resident):
    today = timezone.localdate()
    jours = [today - datetime.timedelta(days=n) for n in (4, 3, 2, 1)]
    absence = _absence(educateur, resident, jours[0], jours[1])
    services.absence_prevue_modifier(
        acteur=educateur,
        absence=absence,
        debut=jours[2],
        fin=jours[3],
        motif="famille",
        debut_demi_journee="apres_midi",
    )
    absence.refresh_from_db()
    assert (absence.debut, absence.fin, absence.motif) == (jours[2], jours[3], "famille")
    assert _presence_du_jour(resident, jours[0]) == [("present", "", "deduite")]
    assert _presence_du_jour(resident, jours[3]) == [("absent", "famille", "deduite")]
    assert sorted(_presence_du_jour(resident, jours[2])) == [
        ("absent", "famille", "deduite"),
        ("present", "", "deduite"),
    ]
    assert EvenementAudit.objects.filter(
        action=AuditAction.MODIFICATION, objet_id=str(absence.pk), usager=resident
    ).exists()


def test_a_changed_absence_is_checked_like_a_new_one(educateur, resident):
    premiere = _absence(educateur, resident, datetime.date(2026, 7, 10), datetime.date(2026, 7, 20))
    seconde = _absence(educateur, resident, datetime.date(2026, 8, 1), datetime.date(2026, 8, 5))
    with pytest.raises(ValidationError, match="chevauche l'absence prévue du 10/07/2026"):
        services.absence_prevue_modifier(
            acteur=educateur,
            absence=seconde,
            debut=datetime.date(2026, 7, 18),
            fin=datetime.date(2026, 8, 5),
            motif="vacances",
        )
    with pytest.raises(ValidationError) as error:
        services.absence_prevue_modifier(
            acteur=educateur,
            absence=seconde,
            debut=datetime.date(2026, 8, 5),
            fin=datetime.date(2026, 8, 1),
            motif="vacances",
        )
    assert "fin" in error.value.message_dict
    # Changing an absence within its own days is no overlap with itself.
    services.absence_prevue_modifier(
        acteur=educateur,
        absence=premiere,
        debut=datetime.date(2026, 7, 12),
        fin=datetime.date(2026, 7, 20),
        motif="hospitalisation",
    )
    seconde.refresh_from_db()
    assert (seconde.debut, seconde.fin) == (datetime.date(2026, 8, 1), datetime.date(2026, 8, 5))


def test_only_who_records_presence_changes_or_cancels_an_absence(world, educateur, enfant):
    absence = AbsencePrevueFactory(usager=enfant)
    with pytest.raises(ValidationError, match="n'est pas dans votre périmètre"):
        services.absence_prevue_annuler(acteur=educateur, absence=absence)
    with pytest.raises(ValidationError, match="n'est pas dans votre périmètre"):
        services.absence_prevue_modifier(
            acteur=educateur,
            absence=absence,
            debut=absence.debut,
            fin=absence.fin,
            motif="vacances",
        )
    assert AbsencePrevue.objects.filter(pk=absence.pk).exists()
