"""Operator commands: interop_export and interop_import."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory

from . import personas as P

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
