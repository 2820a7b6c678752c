"""The INSi adapter speaks SOAP to a real local peer (127.0.0.1, free port) that answers the
official report codes: 00 one identity, 01 none, 02 several."""

import socket
import xml.etree.ElementTree as ET

import pytest

from interop.targets.base import TransportError
from interop.targets.insi.client import (
    NS_REC_SANS,
    InsiClient,
    Logiciel,
    TraitsRecherche,
    envelope_recherche_traits,
    parse_resultat,
)
from interop.targets.insi.peer import IDENTITES_TEST, InsiTestPeer
from interop.targets.insi.transport import InsiConfig
from usagers.identifiants import OID_INS_NIR_TEST, matricule_ins_validate

LOGICIEL = Logiciel(idam="TEST", nom="DUI", version="0.1.0", instance="tests")
DURAND = TraitsRecherche("DURAND", "HELENE", "F", "1940-05-17")
MARTIN = TraitsRecherche("MARTIN", "JEAN", "M", "1938-07-04")


@pytest.fixture
def peer():
    with InsiTestPeer() as peer:
        yield peer


def _client(peer: InsiTestPeer) -> InsiClient:
    return InsiClient(InsiConfig(endpoint=peer.url, timeout=5), LOGICIEL)


def test_one_identity_found_returns_code_00_with_the_ins_and_its_traits(peer):
    resultat = _client(peer).rechercher_par_traits(DURAND)
    assert resultat.code_cr == "00"
    assert resultat.is_trouve
    assert resultat.oid == OID_INS_NIR_TEST
    assert matricule_ins_validate(resultat.matricule, resultat.oid) == resultat.matricule
    assert resultat.traits.prenoms == "HELENE MARIE LOUISE"
    assert resultat.traits.premier_prenom == "HELENE"
    assert resultat.traits.lieu_naissance == "69123"
    assert peer.registre.requetes == ["RECSANSVITALE"]


def test_no_identity_returns_code_01_without_ins(peer):
    resultat = _client(peer).rechercher_par_traits(
        TraitsRecherche("INCONNU", "X", "F", "1950-01-01")
    )
    assert resultat.code_cr == "01"
    assert not resultat.is_trouve
    assert resultat.matricule == "" and resultat.traits is None
    assert resultat.message == "Aucune identité trouvée"


def test_several_identities_return_code_02_and_the_birth_place_settles_it(peer):
    client = _client(peer)
    plusieurs = client.rechercher_par_traits(MARTIN)
    assert plusieurs.code_cr == "02"
    assert not plusieurs.is_trouve
    assert "précisez" in plusieurs.message
    une = client.rechercher_par_traits(
        TraitsRecherche("MARTIN", "JEAN", "M", "1938-07-04", lieu_naissance="75056")
    )
    assert une.code_cr == "00"
    assert une.traits.prenoms == "JEAN LOUIS"


def test_search_by_vitale_card_finds_a_child_on_her_mothers_card(peer):
    enfant = next(i for i in IDENTITES_TEST if i.nir_ouvrant_droit)
    resultat = _client(peer).rechercher_par_carte_vitale(enfant.nir_ouvrant_droit, "2015-07-21")
    assert resultat.code_cr == "00"
    assert resultat.matricule == enfant.matricule
    assert peer.registre.requetes == ["RECVITALE"]


def test_partial_birth_dates_travel_with_00(peer):
    resultat = _client(peer).rechercher_par_traits(
        TraitsRecherche("HADDAD", "AHMED", "M", "1941-00-00")
    )
    assert resultat.code_cr == "00"
    assert resultat.traits.date_naissance == "1941-00-00"


def test_verification_confirms_a_matching_ins_and_refuses_other_traits(peer):
    client = _client(peer)
    durand = client.rechercher_par_traits(DURAND)
    assert client.verifier(durand.matricule, durand.oid, DURAND).code_cr == "00"
    other = TraitsRecherche("DURAND", "HELENE", "F", "1941-05-17")
    assert client.verifier(durand.matricule, durand.oid, other).code_cr == "01"


def test_the_request_is_a_soap_12_envelope_with_addressing_and_the_software_context():
    root = ET.fromstring(envelope_recherche_traits(DURAND, LOGICIEL))  # noqa: S314
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    action = root.find(".//{http://www.w3.org/2005/08/addressing}Action")
    assert action.text == "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
    request = root.find(f".//{{{NS_REC_SANS}}}RECSANSVITALE")
    assert request.find(f"{{{NS_REC_SANS}}}NomNaissance").text == "DURAND"
    assert request.find(f"{{{NS_REC_SANS}}}LieuNaissance") is None
    assert root.find(".//{urn:siram:lps}IDAM").text == "TEST"


def test_a_soap_fault_is_a_permanent_transport_error(peer):
    with pytest.raises(TransportError) as exc:
        _client(peer).rechercher_par_traits(TraitsRecherche("", "", "", ""))
    assert exc.value.permanent
    assert exc.value.code == "fault"


def test_an_unreadable_answer_is_a_permanent_transport_error():
    with pytest.raises(TransportError) as exc:
        parse_resultat(b"<html>maintenance</html>")
    assert exc.value.permanent


def test_an_unreachable_endpoint_is_a_transient_transport_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = InsiClient(InsiConfig(endpoint=f"http://127.0.0.1:{port}/insi", timeout=2), LOGICIEL)
    with pytest.raises(TransportError) as exc:
        client.rechercher_par_traits(DURAND)
    assert not exc.value.permanent


def test_an_unconfigured_or_plain_http_remote_endpoint_is_refused_before_any_call():
    with pytest.raises(TransportError) as exc:
        InsiClient(InsiConfig(endpoint=""), LOGICIEL).rechercher_par_traits(DURAND)
    assert exc.value.permanent and exc.value.code == "config"
    with pytest.raises(TransportError) as exc:
        InsiClient(InsiConfig(endpoint="http://insi.example.org/"), LOGICIEL).rechercher_par_traits(
            DURAND
        )
    assert exc.value.code == "config"


def test_every_test_identity_of_the_peer_has_a_valid_matricule():
    for identite in IDENTITES_TEST:
        assert matricule_ins_validate(identite.matricule, identite.oid) == identite.matricule
        if identite.nir_ouvrant_droit:
            matricule_ins_validate(identite.nir_ouvrant_droit)
