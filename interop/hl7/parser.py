"""Inbound HL7 v2.5 (IHE PAM France) messages from a hospital feed.

hl7apy parses with `find_groups=False` and the TOLERANT level: its default group finding
silently drops the French Z-segments (ZBE, ZFA, ZFM, ZFD…) and the STRICT level rejects them.
`message_hl7_lire` then checks that every segment of the raw text is in the parsed message,
so nothing is lost without an error.
"""

import datetime as dt
import re
from dataclasses import dataclass

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from interop.builders.data import INS_OIDS

from .identite import IdentiteRecue

EVENEMENTS_ACCEPTES = frozenset({"A28", "A31", "A01", "A03", "A08", "A40"})
_SEGMENT_RE = re.compile(r"^[A-Z][A-Z0-9]{2}$")


class MessageInvalide(ValueError):
    """The message cannot be integrated; the reason is for the quarantine list."""


@dataclass(frozen=True)
class MessageHL7:
    evenement: str  # A01, A40…
    type_message: str  # ADT^A01^ADT_A01
    identifiant: str  # MSH-10
    emetteur: str  # MSH-3 / MSH-4
    date: dt.datetime | None
    segments: tuple[str, ...]
    identite: IdentiteRecue
    identite_fusionnee: IdentiteRecue | None = None  # A40: MRG, the identity merged away


def _hl7_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value[:8], "%Y%m%d").date()  # noqa: DTZ007
    except ValueError:
        return None


def _hl7_datetime(value: str) -> dt.datetime | None:
    for size, fmt in ((14, "%Y%m%d%H%M%S"), (12, "%Y%m%d%H%M"), (8, "%Y%m%d")):
        try:
            return dt.datetime.strptime(value[:size], fmt)  # noqa: DTZ007 - local time
        except ValueError:
            continue
    return None


def _field(fields: list[str], index: int) -> str:
    return fields[index] if len(fields) > index else ""


def _identite_pid(pid: str, comp: str = "^", rep: str = "~", sub: str = "&") -> IdentiteRecue:
    fields = pid.split("|")
    ins = ins_oid = ""
    identifiants = []
    for cx in _field(fields, 3).split(rep):
        parts = cx.split(comp)
        value = parts[0] if parts else ""
        authority = parts[3].split(sub) if len(parts) > 3 else []
        oid = authority[1] if len(authority) > 1 else ""
        kind = parts[4] if len(parts) > 4 else ""
        if not value:
            continue
        if kind == "INS" and oid in INS_OIDS:
            ins, ins_oid = value, oid
        else:
            identifiants.append((oid or (authority[0] if authority else ""), value))
    nom = prenom = prenoms = nom_utilise = ""
    for xpn in _field(fields, 5).split(rep):
        parts = xpn.split(comp)
        kind = parts[6] if len(parts) > 6 else ""
        if kind in ("L", "") and not nom:
            nom = parts[0] if parts else ""
            prenom = parts[1] if len(parts) > 1 else ""
            prenoms = parts[2] if len(parts) > 2 else ""
        elif kind == "D":
            nom_utilise = parts[0] if parts else ""
    cog = ""
    for xad in _field(fields, 11).split(rep):
        parts = xad.split(comp)
        if len(parts) > 8 and parts[6] == "BDL":
            cog = parts[8]
    return IdentiteRecue(
        nom_naissance=nom,
        prenoms=prenoms or prenom,
        premier_prenom=prenom,
        nom_utilise=nom_utilise,
        date_naissance=_hl7_date(_field(fields, 7)),
        sexe=_field(fields, 8)[:1],
        ins=ins,
        ins_oid=ins_oid,
        identifiants=tuple(identifiants),
        lieu_naissance_cog=cog,
    )


def _identite_mrg(mrg: str, comp: str = "^", rep: str = "~", sub: str = "&") -> IdentiteRecue:
    fields = mrg.split("|")
    identifiants = []
    for cx in _field(fields, 1).split(rep):
        parts = cx.split(comp)
        authority = parts[3].split(sub) if len(parts) > 3 else []
        if parts and parts[0]:
            identifiants.append((authority[1] if len(authority) > 1 else "", parts[0]))
    return IdentiteRecue(identifiants=tuple(identifiants))


def message_hl7_lire(raw: bytes) -> MessageHL7:
    """Parse an ADT message; MessageInvalide (with the reason) if it cannot be integrated."""
    # Reference: IHE PAM France 2.11 (ITI-30, ITI-31); HL7 v2.5 chapter 2 (message syntax).
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    text = text.lstrip("\ufeff")
    lines = [line for line in re.split(r"\r\n|\r|\n", text) if line.strip()]
    if not lines or not lines[0].startswith("MSH"):
        raise MessageInvalide("Le message ne commence pas par un segment MSH.")
    if len(lines[0]) < 8 or lines[0][3] != "|":
        raise MessageInvalide("Segment MSH mal formé (séparateur de champs).")
    encoding = lines[0][4:8]
    comp, rep, sub = encoding[0], encoding[1], encoding[3]
    for number, line in enumerate(lines, 1):
        if not _SEGMENT_RE.match(line[:3]) or (len(line) > 3 and line[3] != "|"):
            raise MessageInvalide(f"Segment n° {number} mal formé : « {line[:4]} ».")
    msh = lines[0].split("|")
    type_message = _field(msh, 8)
    parts = type_message.split(comp)
    if parts[0] != "ADT" or len(parts) < 2:
        raise MessageInvalide(f"Type de message non pris en charge : « {type_message} ».")
    evenement = parts[1]
    if evenement not in EVENEMENTS_ACCEPTES:
        raise MessageInvalide(f"Événement non pris en charge : {evenement}.")
    if not _field(msh, 11).startswith("2.5"):
        raise MessageInvalide(f"Version HL7 « {_field(msh, 11)} » : PAM France attend 2.5.")
    try:
        parsed = parse_message(
            "\r".join(lines), validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False
        )
    except Exception as error:  # hl7apy raises many exception types
        raise MessageInvalide(f"Message HL7 illisible : {type(error).__name__}.") from None
    segments = tuple(child.name for child in parsed.children)
    raw_segments = tuple(line[:3] for line in lines)
    if segments != raw_segments:
        raise MessageInvalide("Des segments ont été perdus à la lecture du message.")
    pid = next((line for line in lines if line.startswith("PID|")), None)
    if pid is None:
        raise MessageInvalide("Segment PID absent : aucune identité à rapprocher.")
    mrg = next((line for line in lines if line.startswith("MRG|")), None)
    if evenement == "A40" and mrg is None:
        raise MessageInvalide("Fusion (A40) sans segment MRG.")
    return MessageHL7(
        evenement=evenement,
        type_message=type_message,
        identifiant=_field(msh, 9),
        emetteur=" / ".join(filter(None, (_field(msh, 2), _field(msh, 3)))),
        date=_hl7_datetime(_field(msh, 6)),
        segments=segments,
        identite=_identite_pid(pid, comp, rep, sub),
        identite_fusionnee=_identite_mrg(mrg, comp, rep, sub) if mrg else None,
    )
