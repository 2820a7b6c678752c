"""INSi téléservice: search the INS by traits, by Vitale card, and verify an INS.

Reference: CNAM, "Guide d'implémentation du téléservice INSi" (service
ServiceIdentiteCertifiee 1.0.0): SOAP 1.2 with WS-Addressing, a `ContexteLPS` header naming
the software, requests `RECSANSVITALE` (namespace http://www.cnamts.fr/INSiRecSans) and
`RECVITALE` (http://www.cnamts.fr/INSiRecVit), answer `RESULTAT`
(http://www.cnamts.fr/INSiResultat) with a report code `CR/CodeCR`:
00 one identity found, 01 no identity, 02 several identities (give more traits).
The verification request (`VERIFINS`, http://www.cnamts.fr/INSiVerif) follows the same shape;
check its element names against the CNAM WSDL at homologation.

This module only speaks the protocol: it never reads or writes the database. The service
that records an INS (usagers.services.ins_recuperer) takes a `ResultatINSi`.
"""

import datetime
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from enum import StrEnum

from interop.targets.base import Accuse, TransportError, outgoing_call

from .transport import InsiConfig, soap_post

NS_SOAP = "http://www.w3.org/2003/05/soap-envelope"
NS_WSA = "http://www.w3.org/2005/08/addressing"
NS_LPS = "urn:siram:lps"
NS_REC_SANS = "http://www.cnamts.fr/INSiRecSans"
NS_REC_VIT = "http://www.cnamts.fr/INSiRecVit"
NS_VERIF = "http://www.cnamts.fr/INSiVerif"
NS_RESULTAT = "http://www.cnamts.fr/INSiResultat"
ACTION_TRAITS = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite"
ACTION_VITALE = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale"
ACTION_VERIFIER = "urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite"


class CodeCR(StrEnum):
    UNE_IDENTITE = "00"
    AUCUNE = "01"
    PLUSIEURS = "02"


LIBELLES_CR = {
    CodeCR.UNE_IDENTITE: "Une identité trouvée",
    CodeCR.AUCUNE: "Aucune identité trouvée",
    CodeCR.PLUSIEURS: "Plusieurs identités trouvées : précisez les traits (lieu de naissance)",
}


@dataclass(frozen=True)
class TraitsRecherche:
    """Traits sent to INSi. `date_naissance` in the INSi form yyyy-mm-dd (00 for unknown
    parts); names in the INS form (upper case, no diacritics)."""

    nom_naissance: str
    prenom: str
    sexe: str
    date_naissance: str
    lieu_naissance: str = ""


@dataclass(frozen=True)
class TraitsINS:
    """The identity traits returned by INSi (TIQ: traits d'identité qualifiés)."""

    nom_naissance: str
    prenoms: str  # ListePrenom: every birth given name, space separated
    sexe: str
    date_naissance: str  # yyyy-mm-dd, 00 for unknown parts
    lieu_naissance: str

    @property
    def premier_prenom(self) -> str:
        return self.prenoms.split(" ")[0] if self.prenoms else ""


@dataclass(frozen=True)
class ResultatINSi:
    code_cr: str
    libelle_cr: str
    matricule: str = ""  # 15 characters: NumIdentifiant (13) + Cle (2)
    oid: str = ""
    traits: TraitsINS | None = None
    historique: tuple[str, ...] = field(default_factory=tuple)  # former matricules

    @property
    def is_trouve(self) -> bool:
        return self.code_cr == CodeCR.UNE_IDENTITE and bool(self.matricule)

    @property
    def message(self) -> str:
        try:
            return LIBELLES_CR[CodeCR(self.code_cr)]
        except ValueError:
            return f"Réponse INSi {self.code_cr} : {self.libelle_cr}"


@dataclass(frozen=True)
class Logiciel:
    """The software calling INSi (ContexteLPS): agreement id, name, version, instance."""

    idam: str
    nom: str
    version: str
    instance: str

    @classmethod
    def from_settings(cls) -> "Logiciel":
        from django.conf import settings

        return cls(
            idam=settings.INSI_LPS_IDAM,
            nom=settings.INSI_LPS_NOM,
            version=settings.INSI_LPS_VERSION,
            instance=settings.INSI_LPS_INSTANCE,
        )


# ---------------------------------------------------------------------------------------------
# Envelopes
# ---------------------------------------------------------------------------------------------
def _envelope(action: str, logiciel: Logiciel, body: ET.Element) -> bytes:
    envelope = ET.Element(f"{{{NS_SOAP}}}Envelope")
    header = ET.SubElement(envelope, f"{{{NS_SOAP}}}Header")
    contexte = ET.SubElement(header, f"{{{NS_LPS}}}ContexteLPS", {"Nature": "CTXLPS"})
    ET.SubElement(contexte, f"{{{NS_LPS}}}Id").text = str(uuid.uuid4())
    ET.SubElement(contexte, f"{{{NS_LPS}}}Temps").text = datetime.datetime.now(
        tz=datetime.UTC
    ).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    lps = ET.SubElement(contexte, f"{{{NS_LPS}}}LPS")
    ET.SubElement(lps, f"{{{NS_LPS}}}IDAM", {"R": "4"}).text = logiciel.idam
    ET.SubElement(lps, f"{{{NS_LPS}}}Version").text = logiciel.version
    ET.SubElement(lps, f"{{{NS_LPS}}}Instance").text = logiciel.instance
    ET.SubElement(lps, f"{{{NS_LPS}}}Nom").text = f"urn:lps:{logiciel.nom}:{logiciel.version}"
    ET.SubElement(header, f"{{{NS_WSA}}}Action").text = action
    ET.SubElement(header, f"{{{NS_WSA}}}MessageID").text = f"uuid:{uuid.uuid4()}"
    soap_body = ET.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    soap_body.append(body)
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def _child(parent: ET.Element, ns: str, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ns}}}{name}").text = text


def envelope_recherche_traits(traits: TraitsRecherche, logiciel: Logiciel) -> bytes:
    body = ET.Element(f"{{{NS_REC_SANS}}}RECSANSVITALE")
    _child(body, NS_REC_SANS, "NomNaissance", traits.nom_naissance)
    _child(body, NS_REC_SANS, "Prenom", traits.prenom)
    _child(body, NS_REC_SANS, "Sexe", traits.sexe)
    _child(body, NS_REC_SANS, "DateNaissance", traits.date_naissance)
    if traits.lieu_naissance:
        _child(body, NS_REC_SANS, "LieuNaissance", traits.lieu_naissance)
    return _envelope(ACTION_TRAITS, logiciel, body)


def envelope_recherche_vitale(
    nir_ouvrant_droit: str, date_naissance: str, rang: int, logiciel: Logiciel
) -> bytes:
    body = ET.Element(f"{{{NS_REC_VIT}}}RECVITALE")
    _child(body, NS_REC_VIT, "NirOD", nir_ouvrant_droit)
    _child(body, NS_REC_VIT, "DateNaissance", date_naissance)
    _child(body, NS_REC_VIT, "RangGem", str(rang))
    return _envelope(ACTION_VITALE, logiciel, body)


def envelope_verification(
    matricule: str, oid: str, traits: TraitsRecherche, logiciel: Logiciel
) -> bytes:
    body = ET.Element(f"{{{NS_VERIF}}}VERIFINS")
    matricule_element = ET.SubElement(body, f"{{{NS_VERIF}}}Matricule")
    _child(matricule_element, NS_VERIF, "NumIdentifiant", matricule[:13])
    _child(matricule_element, NS_VERIF, "Cle", matricule[13:])
    _child(matricule_element, NS_VERIF, "OID", oid)
    _child(body, NS_VERIF, "NomNaissance", traits.nom_naissance)
    _child(body, NS_VERIF, "Prenom", traits.prenom)
    _child(body, NS_VERIF, "Sexe", traits.sexe)
    _child(body, NS_VERIF, "DateNaissance", traits.date_naissance)
    if traits.lieu_naissance:
        _child(body, NS_VERIF, "LieuNaissance", traits.lieu_naissance)
    return _envelope(ACTION_VERIFIER, logiciel, body)


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------
def _find(element: ET.Element, path: str) -> ET.Element | None:
    """Find by local names, whatever the prefixes ("INDIVIDU/INSACTIF/OID")."""
    current: ET.Element | None = element
    for name in path.split("/"):
        if current is None:
            return None
        current = next((c for c in current if c.tag.rsplit("}", 1)[-1] == name), None)
    return current


def _text(element: ET.Element | None, path: str) -> str:
    found = _find(element, path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_resultat(body: bytes) -> ResultatINSi:
    """Read a RESULTAT answer (or a SOAP Fault) into a `ResultatINSi`."""
    try:
        root = ET.fromstring(body)  # noqa: S314 - see the import
    except ET.ParseError:
        raise TransportError("réponse INSi illisible", True, "format") from None
    soap_body = _find(root, "Body")
    if soap_body is None:
        raise TransportError("réponse INSi sans corps SOAP", True, "format")
    fault = _find(soap_body, "Fault")
    if fault is not None:
        reason = _text(fault, "Reason/Text") or _text(fault, "faultstring")
        raise TransportError(f"le téléservice INSi a refusé la requête : {reason}", True, "fault")
    resultat = _find(soap_body, "RESULTAT")
    if resultat is None:
        raise TransportError("réponse INSi sans RESULTAT", True, "format")
    code = _text(resultat, "CR/CodeCR")
    libelle = _text(resultat, "CR/LibelleCR")
    if not code:
        raise TransportError("réponse INSi sans code CR", True, "format")
    individu = _find(resultat, "INDIVIDU")
    if code != CodeCR.UNE_IDENTITE or individu is None:
        return ResultatINSi(code_cr=code, libelle_cr=libelle)
    actif = _find(individu, "INSACTIF")
    matricule = _text(actif, "IdIndividu/NumIdentifiant") + _text(actif, "IdIndividu/Cle")
    historique = tuple(
        _text(h, "IdIndividu/NumIdentifiant") + _text(h, "IdIndividu/Cle")
        for h in individu
        if h.tag.rsplit("}", 1)[-1] == "INSHISTO"
    )
    tiq = _find(individu, "TIQ")
    traits = TraitsINS(
        nom_naissance=_text(tiq, "NomNaissance"),
        prenoms=_text(tiq, "ListePrenom"),
        sexe=_text(tiq, "Sexe"),
        date_naissance=_text(tiq, "DateNaissance"),
        lieu_naissance=_text(tiq, "LieuNaissance"),
    )
    return ResultatINSi(
        code_cr=code,
        libelle_cr=libelle,
        matricule=matricule,
        oid=_text(actif, "OID"),
        traits=traits,
        historique=historique,
    )


# ---------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------
class InsiClient:
    def __init__(self, config: InsiConfig | None = None, logiciel: Logiciel | None = None) -> None:
        self.config = config or InsiConfig.from_settings()
        self.logiciel = logiciel or Logiciel.from_settings()

    def _call(self, operation: str, action: str, envelope: bytes) -> ResultatINSi:
        holder: list[ResultatINSi] = []

        def call() -> Accuse:
            resultat = parse_resultat(soap_post(self.config, action, envelope))
            holder.append(resultat)
            return Accuse(code=resultat.code_cr)

        appel = outgoing_call("insi", operation, call)
        if appel.erreur is not None:
            raise appel.erreur
        return holder[0]

    def rechercher_par_traits(self, traits: TraitsRecherche) -> ResultatINSi:
        return self._call(
            "rechercher_traits", ACTION_TRAITS, envelope_recherche_traits(traits, self.logiciel)
        )

    def rechercher_par_carte_vitale(
        self, nir_ouvrant_droit: str, date_naissance: str, rang: int = 1
    ) -> ResultatINSi:
        return self._call(
            "rechercher_vitale",
            ACTION_VITALE,
            envelope_recherche_vitale(nir_ouvrant_droit, date_naissance, rang, self.logiciel),
        )

    def verifier(self, matricule: str, oid: str, traits: TraitsRecherche) -> ResultatINSi:
        return self._call(
            "verifier",
            ACTION_VERIFIER,
            envelope_verification(matricule, oid, traits, self.logiciel),
        )
