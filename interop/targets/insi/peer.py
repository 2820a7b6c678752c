"""A local INSi test peer: a real SOAP-over-HTTP server on 127.0.0.1 that answers like the
téléservice, with the official report codes (00 one identity, 01 none, 02 several) and
realistic test identities (NIR de test, OID 1.2.250.1.213.1.4.10).

Used by the tests and the browser journey (`InsiTestPeer().start()` on a free port) and by
`manage.py insi_peer` for a demonstration. Never for production: the real endpoint is
configuration (INSI_ENDPOINT).
"""

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .client import NS_RESULTAT, NS_SOAP, _find, _text

OID_TEST = "1.2.250.1.213.1.4.10"


@dataclass(frozen=True)
class IdentiteTest:
    matricule: str  # 15 characters, key included
    nom_naissance: str
    prenoms: str
    sexe: str
    date_naissance: str  # yyyy-mm-dd (00 for unknown parts)
    lieu_naissance: str
    oid: str = OID_TEST
    nir_ouvrant_droit: str = ""  # the Vitale card holder when it is not the person

    @property
    def premier_prenom(self) -> str:
        return self.prenoms.split(" ")[0]


def _nir(thirteen: str) -> str:
    corsica = {"2A": "19", "2B": "18"}.get(thirteen[5:7])
    number = int(thirteen[:5] + corsica + thirteen[7:]) if corsica else int(thirteen)
    return f"{thirteen}{97 - number % 97:02d}"


# Test identities: fictitious people, NIRs built on the INSEE structure with valid keys.
IDENTITES_TEST: tuple[IdentiteTest, ...] = (
    IdentiteTest(
        _nir("2400569123017"), "DURAND", "HELENE MARIE LOUISE", "F", "1940-05-17", "69123"
    ),
    IdentiteTest(_nir("1500399352104"), "BENALI", "YOUSSEF", "M", "1950-03-12", "99352"),
    IdentiteTest(_nir("245122A004019"), "CASANOVA", "MARIE-FRANCOISE", "F", "1945-12-02", "2A004"),
    # Two people the traits alone cannot tell apart (report 02 without the birth place).
    IdentiteTest(_nir("1380769381045"), "MARTIN", "JEAN PIERRE", "M", "1938-07-04", "69381"),
    IdentiteTest(_nir("1380775056123"), "MARTIN", "JEAN LOUIS", "M", "1938-07-04", "75056"),
    # Unknown day and month, as the RNIPP records them.
    IdentiteTest(_nir("1412099352087"), "HADDAD", "AHMED", "M", "1941-00-00", "99352"),
    # A minor whose Vitale card is her mother's (NirOD).
    IdentiteTest(
        _nir("2150769123255"),
        "LEFEBVRE",
        "CHLOE ANNE",
        "F",
        "2015-07-21",
        "69123",
        nir_ouvrant_droit=_nir("2850769123140"),
    ),
)


def _answer(code: str, libelle: str, identite: IdentiteTest | None = None) -> bytes:
    envelope = ET.Element(f"{{{NS_SOAP}}}Envelope")
    body = ET.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    resultat = ET.SubElement(body, f"{{{NS_RESULTAT}}}RESULTAT")
    cr = ET.SubElement(resultat, f"{{{NS_RESULTAT}}}CR")
    ET.SubElement(cr, f"{{{NS_RESULTAT}}}CodeCR").text = code
    ET.SubElement(cr, f"{{{NS_RESULTAT}}}LibelleCR").text = libelle
    if identite is not None:
        individu = ET.SubElement(resultat, f"{{{NS_RESULTAT}}}INDIVIDU")
        actif = ET.SubElement(individu, f"{{{NS_RESULTAT}}}INSACTIF")
        id_individu = ET.SubElement(actif, f"{{{NS_RESULTAT}}}IdIndividu")
        ET.SubElement(id_individu, f"{{{NS_RESULTAT}}}NumIdentifiant").text = identite.matricule[
            :13
        ]
        ET.SubElement(id_individu, f"{{{NS_RESULTAT}}}Cle").text = identite.matricule[13:]
        ET.SubElement(actif, f"{{{NS_RESULTAT}}}OID").text = identite.oid
        tiq = ET.SubElement(individu, f"{{{NS_RESULTAT}}}TIQ")
        for name, value in (
            ("NomNaissance", identite.nom_naissance),
            ("ListePrenom", identite.prenoms),
            ("Sexe", identite.sexe),
            ("DateNaissance", identite.date_naissance),
            ("LieuNaissance", identite.lieu_naissance),
        ):
            ET.SubElement(tiq, f"{{{NS_RESULTAT}}}{name}").text = value
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def _fault(reason: str) -> bytes:
    envelope = ET.Element(f"{{{NS_SOAP}}}Envelope")
    body = ET.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    fault = ET.SubElement(body, f"{{{NS_SOAP}}}Fault")
    code = ET.SubElement(fault, f"{{{NS_SOAP}}}Code")
    ET.SubElement(code, f"{{{NS_SOAP}}}Value").text = "soap:Sender"
    text = ET.SubElement(ET.SubElement(fault, f"{{{NS_SOAP}}}Reason"), f"{{{NS_SOAP}}}Text")
    text.text = reason
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def _selon(found: list[IdentiteTest]) -> bytes:
    if not found:
        return _answer("01", "Aucune identité trouvée")
    if len(found) > 1:
        return _answer("02", "Plusieurs identités trouvées")
    return _answer("00", "OK", found[0])


class Registre:
    """The peer's people, and the matching rules of the téléservice (simplified: exact
    traits, the given first name being one of the birth given names)."""

    def __init__(self, identites: tuple[IdentiteTest, ...] = IDENTITES_TEST) -> None:
        self.identites = identites
        self.requetes: list[str] = []  # operation names received, for the tests

    def par_traits(self, request: ET.Element) -> bytes:
        nom, prenom = _text(request, "NomNaissance"), _text(request, "Prenom")
        sexe, date = _text(request, "Sexe"), _text(request, "DateNaissance")
        lieu = _text(request, "LieuNaissance")
        if not (nom and prenom and sexe and date):
            return _fault(
                "Traits obligatoires manquants (NomNaissance, Prenom, Sexe, DateNaissance)"
            )
        found = [
            i
            for i in self.identites
            if i.nom_naissance == nom
            and prenom in i.prenoms.split(" ")
            and i.sexe == sexe
            and i.date_naissance == date
            and (not lieu or i.lieu_naissance == lieu)
        ]
        return _selon(found)

    def par_vitale(self, request: ET.Element) -> bytes:
        nir_od, date = _text(request, "NirOD"), _text(request, "DateNaissance")
        found = [
            i
            for i in self.identites
            if (i.nir_ouvrant_droit or i.matricule) == nir_od and i.date_naissance == date
        ]
        return _selon(found)

    def verification(self, request: ET.Element) -> bytes:
        matricule = _text(request, "Matricule/NumIdentifiant") + _text(request, "Matricule/Cle")
        for identite in self.identites:
            if identite.matricule != matricule:
                continue
            if (
                identite.nom_naissance == _text(request, "NomNaissance")
                and _text(request, "Prenom") in identite.prenoms.split(" ")
                and identite.sexe == _text(request, "Sexe")
                and identite.date_naissance == _text(request, "DateNaissance")
            ):
                return _answer("00", "OK", identite)
        return _answer("01", "Aucune identité trouvée")

    def repondre(self, body: bytes) -> tuple[int, bytes]:
        try:
            root = ET.fromstring(body)  # noqa: S314 - see the import
        except ET.ParseError:
            return 400, _fault("Requête XML mal formée")
        soap_body = _find(root, "Body")
        request = next(iter(soap_body), None) if soap_body is not None else None
        if request is None:
            return 400, _fault("Corps SOAP vide")
        name = request.tag.rsplit("}", 1)[-1]
        self.requetes.append(name)
        handler = {
            "RECSANSVITALE": self.par_traits,
            "RECVITALE": self.par_vitale,
            "VERIFINS": self.verification,
        }.get(name)
        if handler is None:
            return 400, _fault(f"Opération inconnue : {name}")
        answer = handler(request)
        return (500 if b"Fault>" in answer else 200), answer


class InsiTestPeer:
    """`with InsiTestPeer() as peer: ... peer.url ...` — a server on 127.0.0.1, free port."""

    def __init__(self, registre: Registre | None = None, port: int = 0) -> None:
        self.registre = registre or Registre()
        registre_ = self.registre

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status, answer = registre_.repondre(self.rfile.read(length))
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                return  # no traits in any log

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/insi"

    def start(self) -> "InsiTestPeer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "InsiTestPeer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
