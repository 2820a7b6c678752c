"""Operator commands: interop_export and interop_import."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from securite.models import AuditAction, EvenementAudit
from tests.factories import (
    ContactFactory,
    DossierLiaisonUrgenceFactory,
    ObservationFactory,
    SejourFactory,
)

from . import personas as P
from .kit import validate

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"


def test_export_writes_the_payload_and_audits_it(world, chef_service, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    output = tmp_path / "patient.json"
    call_command(
        "interop_export",
        "fhir-patient",
        str(usager.pk),
        "-o",
        str(output),
        utilisateur="chef_service",
    )
    assert json.loads(output.read_text())["resourceType"] == "Patient"
    assert EvenementAudit.objects.filter(
        acteur=chef_service, action=AuditAction.EXPORT, usager=usager
    ).exists()


@pytest.mark.parametrize("kind", ["fhir-tddui", "hl7-a28", "hl7-a01"])
def test_export_of_each_kind(world, chef_service, tmp_path, kind):
    usager = SejourFactory(unite=world.unite_a).usager
    output = tmp_path / "out"
    call_command(
        "interop_export", kind, str(usager.pk), "-o", str(output), utilisateur="chef_service"
    )
    assert output.stat().st_size > 0


def test_export_of_the_support_plan_embeds_the_given_pdf(world, chef_service, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    pdf = tmp_path / "projet.pdf"
    pdf.write_bytes(P.pdf_minimal())
    output = tmp_path / "ppa.xml"
    call_command(
        "interop_export",
        "cda-ppa",
        str(usager.pk),
        "-o",
        str(output),
        utilisateur="chef_service",
        pdf=str(pdf),
    )
    assert b"80788-3" in output.read_bytes()


def test_export_refuses_out_of_scope(world, educateur_ailleurs, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(CommandError, match="hors du périmètre"):
        call_command(
            "interop_export",
            "fhir-patient",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="educateur_ailleurs",
        )
    assert not (tmp_path / "x").exists()


def test_export_refuses_a_category_the_user_may_not_read(world, chef_service, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(CommandError):
        call_command(
            "interop_export",
            "cda-dlu",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="chef_service",
        )


def test_export_says_what_is_missing(world, medecin, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(CommandError, match="établissement de santé de préférence"):
        call_command(
            "interop_export",
            "cda-dlu",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="medecin",
        )


def test_exit_message_needs_an_exit_date(world, chef_service, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(CommandError, match="date de sortie"):
        call_command(
            "interop_export",
            "hl7-a03",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="chef_service",
        )


def test_import_integrates_or_queues(world, secretaire, capsys):
    call_command(
        "interop_import",
        str(EXAMPLES / "cda" / "examples" / "VSM_1.4_2022.01.xml"),
        utilisateur="secretaire",
    )
    assert "rapprochement" in capsys.readouterr().out


def test_import_quarantines_with_a_clear_message(world, secretaire, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<oops")
    with pytest.raises(CommandError, match="quarantaine"):
        call_command("interop_import", str(bad), utilisateur="secretaire")


def test_import_is_refused_to_other_roles(world, educateur, tmp_path):
    with pytest.raises(CommandError, match="ne peut pas"):
        call_command("interop_import", str(tmp_path / "x"), utilisateur="educateur")


def _resident_avec_dlu(world):
    import datetime

    usager = SejourFactory(unite=world.unite_a).usager
    ContactFactory(
        usager=usager,
        is_personne_confiance=True,
        personne_confiance_designee_le=datetime.date(2024, 1, 20),
    )
    DossierLiaisonUrgenceFactory(usager=usager)
    return usager


def test_export_of_the_dlu_and_the_transfer_sheet_pass_the_validation_kit(world, medecin, tmp_path):
    usager = _resident_avec_dlu(world)
    ObservationFactory(usager=usager, type="temperature", valeur=37.8)
    ObservationFactory(usager=usager, type="pouls", valeur=92)
    ObservationFactory(usager=usager, type="tension", valeur=135, valeur_2=80)
    dlu, fludt = tmp_path / "dlu.xml", tmp_path / "fludt.xml"
    call_command("interop_export", "cda-dlu", str(usager.pk), "-o", str(dlu), utilisateur="medecin")
    call_command(
        "interop_export",
        "cda-fludt",
        str(usager.pk),
        "-o",
        str(fludt),
        utilisateur="medecin",
        motif="Chute avec douleur de hanche",
        conscience="conscient",
    )
    validate("cda", [dlu, fludt])
    xml = dlu.read_bytes()
    assert b"48765-2" in xml and "Pénicilline".encode() in xml  # allergies travel
    assert "Kardégic 75 mg".encode() in xml
    assert "Hôpital Saint-Antoine".encode() in fludt.read_bytes()
    assert b'value="37.8" unit="Cel"' in fludt.read_bytes()
    assert EvenementAudit.objects.filter(
        acteur=medecin, action=AuditAction.EXPORT, objet_type="interop.cda-fludt"
    ).exists()


def test_export_of_the_transfer_sheet_asks_for_the_reason_and_consciousness(
    world, medecin, tmp_path
):
    usager = _resident_avec_dlu(world)
    with pytest.raises(CommandError) as error:
        call_command(
            "interop_export",
            "cda-fludt",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="medecin",
        )
    assert "motif du transfert" in str(error.value)
    assert "état de conscience" in str(error.value)


def test_the_transfer_sheet_is_not_sent_without_recent_vital_signs(world, medecin, tmp_path):
    usager = _resident_avec_dlu(world)
    with pytest.raises(CommandError, match="signes vitaux récents"):
        call_command(
            "interop_export",
            "cda-fludt",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="medecin",
            motif="Chute",
            conscience="eveillable",
        )
    assert not (tmp_path / "x").exists()


def test_export_of_the_dlu_lists_everything_missing_at_once(world, medecin, tmp_path):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(CommandError) as error:
        call_command(
            "interop_export",
            "cda-dlu",
            str(usager.pk),
            "-o",
            str(tmp_path / "x"),
            utilisateur="medecin",
        )
    message = str(error.value)
    assert "Export impossible" in message
    for manquant in (
        "dossier de liaison d'urgence",
        "établissement de santé de préférence",
        "médecin traitant (avec son RPPS)",
        "allergies (ou « aucune allergie connue »)",
    ):
        assert manquant in message


def test_the_tddui_export_carries_the_agenda_events_the_exporter_may_read(
    world, chef_service, medecin, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from usagers.quotidien import services as quotidien
    from usagers.quotidien.referentiels import serafin_prestations

    code = sorted(serafin_prestations())[0]
    usager = SejourFactory(unite=world.unite_a).usager
    debut = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    (atelier,) = quotidien.evenement_creer(
        acteur=chef_service,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Atelier mémoire",
        nature="activite",
        categorie="educatif",
        prestation_serafin=code,
        debut=debut,
        fin=debut + dt.timedelta(hours=1),
        usagers=[usager],
    )
    (consultation,) = quotidien.evenement_creer(
        acteur=medecin,
        etablissement=world.ehpad,
        titre="Consultation de cardiologie",
        nature="rendez_vous",
        categorie="medical",
        debut=debut + dt.timedelta(hours=2),
        fin=debut + dt.timedelta(hours=3),
        usagers=[usager],
    )
    output = tmp_path / "tddui.json"
    call_command(
        "interop_export",
        "fhir-tddui",
        str(usager.pk),
        "-o",
        str(output),
        utilisateur="chef_service",
    )
    bundle = json.loads(output.read_text())
    encounters = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    texts = json.dumps(encounters, ensure_ascii=False)
    assert "cardiologie" not in texts
    # Educational: the head of service reads it; medical: not for the head of service.
    assert any(f"evenement-{atelier.pk}" in json.dumps(e) for e in encounters)
    assert not any(f"evenement-{consultation.pk}" in json.dumps(e) for e in encounters)
    assert f'"code": "{code}"' in texts  # the SERAFIN-PH service of the activity
    validate("fhir", [output])
