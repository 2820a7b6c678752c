"""HL7 v2.5 PAM FR builders (pure): every message parses back with hl7apy, Z-segments kept."""

import dataclasses
import datetime as dt

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from interop.builders import hl7v2
from interop.builders.data import DonneesManquantes, MessageData

from . import personas as P

MESSAGE = MessageData(
    identifiant="MSG1",
    date=dt.datetime(2026, 3, 2, 10, tzinfo=P.PARIS),
    mouvement="MVT1",
    annule="A21",
)


def build(trigger, patient=P.QUALIFIEE_INS, **kwargs):
    sejour = P.sejour_of(patient)
    if trigger == "A03":
        sejour = dataclasses.replace(sejour, date_sortie=dt.date(2026, 3, 1))
    args = {"patient": patient, "structure": P.structure_of(patient), "message": MESSAGE}
    args["sejour"] = sejour
    args.update(kwargs)
    return hl7v2.hl7_adt(trigger, **args)


def _segments(raw: bytes) -> list[str]:
    message = parse_message(
        raw.decode().strip(), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False
    )
    return [child.name for child in message.children]


@pytest.mark.parametrize("trigger", sorted(hl7v2.EVENEMENTS))
def test_every_message_parses_back_without_losing_a_segment(trigger):
    raw = build(trigger)
    assert _segments(raw) == [line[:3] for line in raw.decode().strip().split("\r")]


@pytest.mark.parametrize("trigger", ["A01", "A03", "A21", "A52"])
def test_movements_carry_a_zbe(trigger):
    assert "ZBE" in _segments(build(trigger))


def test_the_ins_is_in_pid3_only_for_a_qualified_identity():
    qualified = build("A28").decode()
    assert f"{P.NIR_QUALIFIE}^^^ASIP-SANTE-INS-NIR-TEST&1.2.250.1.213.1.4.10&ISO^INS" in qualified
    assert "|QUAL" in qualified.split("\r")[2]
    unqualified = build("A28", patient=P.VALIDEE_SANS_INS).decode()
    assert "1.2.250.1.213.1.4." not in unqualified
    assert unqualified.split("\r")[2].endswith("|VALI")


def test_birth_place_and_used_names_are_in_pid():
    pid = build("A28", patient=P.NOMS_COMPOSES).decode().split("\r")[2]
    assert "DE LA FONTAINE-MARTIN^JEAN-PIERRE^JEAN-PIERRE MARIE ANDRE^^^^L" in pid
    assert "D'ARTAGNAN^JP^^^^^D" in pid
    assert "^^Lyon^^^^BDL^^69123" in pid


def test_delimiters_in_data_are_escaped():
    patient = dataclasses.replace(P.VALIDEE_SANS_INS, nom_utilise="A|B^C")
    pid = build("A31", patient=patient).decode().split("\r")[2]
    assert "A\\F\\B\\S\\C" in pid


def test_a_minor_legal_representative_is_an_nk1_guardian():
    raw = build("A28", patient=P.MINEUR).decode()
    nk1 = next(line for line in raw.split("\r") if line.startswith("NK1"))
    assert "|GRD^" in nk1


def test_an_exit_without_exit_date_is_refused():
    with pytest.raises(DonneesManquantes, match="date de sortie"):
        hl7v2.hl7_adt(
            "A03",
            patient=P.QUALIFIEE_INS,
            structure=P.EHPAD,
            message=MESSAGE,
            sejour=P.sejour_of(P.QUALIFIEE_INS),
        )
