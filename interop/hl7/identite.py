"""The identity carried by a received payload (CDA recordTarget, HL7 PID), as plain data."""

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdentiteRecue:
    nom_naissance: str = ""
    prenoms: str = ""
    premier_prenom: str = ""
    nom_utilise: str = ""
    date_naissance: dt.date | None = None
    sexe: str = ""
    ins: str = ""  # matricule INS, when the sender sent one
    ins_oid: str = ""
    identifiants: tuple[tuple[str, str], ...] = field(default=())  # (authority OID, value)
    lieu_naissance_cog: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "nom_naissance": self.nom_naissance,
            "prenoms": self.prenoms,
            "premier_prenom": self.premier_prenom,
            "nom_utilise": self.nom_utilise,
            "date_naissance": self.date_naissance.isoformat() if self.date_naissance else "",
            "sexe": self.sexe,
            "ins": self.ins,
            "ins_oid": self.ins_oid,
            "lieu_naissance_cog": self.lieu_naissance_cog,
        }
