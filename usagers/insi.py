"""The record's side of INSi: build the request from the record's traits, call the client,
and carry the answer the user chose to retain without exposing the matricule.

Between "show the INSi answer" and "retain it", the answer travels through the browser as an
encrypted, authenticated token (securite.crypto, AES-GCM) bound to the record and valid a
few minutes: it can be neither read nor forged there.
"""

import json
import time
from dataclasses import asdict, dataclass

from interop.targets.base import TransportError
from interop.targets.insi.client import InsiClient, ResultatINSi, TraitsINS, TraitsRecherche
from interop.targets.insi.transport import InsiConfig
from securite import crypto

from .identifiants import ins_name_form
from .models import Usager

JETON_DUREE_SECONDES = 15 * 60


class JetonInvalide(Exception):
    pass


@dataclass(frozen=True)
class AppelInsi:
    resultat: ResultatINSi | None
    erreur: str = ""


def insi_configure() -> bool:
    return InsiConfig.from_settings().is_configured


def traits_recherche(usager: Usager) -> TraitsRecherche:
    return TraitsRecherche(
        nom_naissance=ins_name_form(usager.nom_naissance),
        prenom=ins_name_form(usager.premier_prenom_naissance),
        sexe=usager.sexe,
        date_naissance=usager.date_naissance_ins,
        lieu_naissance=usager.lieu_naissance_code,
    )


def insi_appeler(
    *, usager: Usager, nir_ouvrant_droit: str = "", client: InsiClient | None = None
) -> AppelInsi:
    """Search the INS of this record: by the Vitale card when its NIR is given, else by
    traits. Never raises: a transport error comes back as a French message."""
    client = client or InsiClient()
    try:
        if nir_ouvrant_droit:
            resultat = client.rechercher_par_carte_vitale(
                nir_ouvrant_droit, usager.date_naissance_ins
            )
        else:
            resultat = client.rechercher_par_traits(traits_recherche(usager))
    except TransportError as error:
        return AppelInsi(None, f"Le téléservice INSi n'a pas pu répondre : {error.message}.")
    return AppelInsi(resultat)


def insi_verifier(*, usager: Usager, client: InsiClient | None = None) -> AppelInsi:
    client = client or InsiClient()
    ins = usager.ins
    try:
        resultat = client.verifier(ins.matricule, ins.oid, traits_recherche(usager))
    except TransportError as error:
        return AppelInsi(None, f"Le téléservice INSi n'a pas pu répondre : {error.message}.")
    return AppelInsi(resultat)


def _context(usager_pk: int) -> str:
    return f"usagers.insi.{usager_pk}"


def resultat_vers_jeton(resultat: ResultatINSi, methode: str, usager_pk: int) -> str:
    payload = {
        "resultat": asdict(resultat),
        "methode": methode,
        "expire": time.time() + JETON_DUREE_SECONDES,
    }
    return crypto.encrypt(json.dumps(payload), context=_context(usager_pk))


def resultat_depuis_jeton(jeton: str, usager_pk: int) -> tuple[ResultatINSi, str]:
    try:
        payload = json.loads(crypto.decrypt(jeton, context=_context(usager_pk)))
    except (crypto.DecryptionError, ValueError, TypeError) as error:
        raise JetonInvalide from error
    if payload["expire"] < time.time():
        raise JetonInvalide
    data = payload["resultat"]
    traits = TraitsINS(**data["traits"]) if data.get("traits") else None
    resultat = ResultatINSi(
        code_cr=data["code_cr"],
        libelle_cr=data["libelle_cr"],
        matricule=data["matricule"],
        oid=data["oid"],
        traits=traits,
        historique=tuple(data.get("historique") or ()),
    )
    return resultat, payload["methode"]
