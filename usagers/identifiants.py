"""Check rules of the identity identifiers: matricule INS (NIR or NIA), COG codes, and the
normalised form of names used by search and duplicate detection.

Each `*_validate` function returns the normalised value or raises ValidationError with a
precise French message; they are pure (no database) and used by models, forms and the API.
"""

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError

# OIDs of the INS namespaces (ANS, "Identifiants et OID" du CI-SIS; RNIV 1 § 3).
OID_INS_NIR = "1.2.250.1.213.1.4.8"
OID_INS_NIA = "1.2.250.1.213.1.4.9"
OID_INS_NIR_TEST = "1.2.250.1.213.1.4.10"
OID_INS_NIR_DEMO = "1.2.250.1.213.1.4.11"
INS_OIDS = {
    OID_INS_NIR: "NIR",
    OID_INS_NIA: "NIA",
    OID_INS_NIR_TEST: "NIR de test",
    OID_INS_NIR_DEMO: "NIR de démonstration",
}

DATA_DIR = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------------------------------------
# NIR / NIA
# ---------------------------------------------------------------------------------------------
# Reference: INSEE, "Le numéro d'inscription au répertoire (NIR)"; CNAM, cahier des charges
# INSi § matricule INS. 13 characters: sex (1), year (2), month (2), département (2, 2A/2B in
# Corsica), commune or country (3), order (3); then a 2-digit key = 97 - (number mod 97).
# For Corsica the key is computed with 2A -> 19 and 2B -> 18 (the number is read as
# 19xxxxx / 18xxxxx in place of "2A"/"2B").
# Sex digit: 1/2 (born in France or registered), 3/4 (foreigners in transit, temporary
# numbers), 7/8 (temporary numbers, NIA — numéro identifiant d'attente, from the SANDIA).
_MATRICULE_RE = re.compile(r"^([1-478])(\d{2})(\d{2})(\d{2}|2A|2B)(\d{3})(\d{3})(\d{2})$")


def nir_key(thirteen: str) -> int:
    """The control key of the first 13 characters of a NIR or NIA."""
    corsica = thirteen[5:7]
    if corsica == "2A":
        number = int(thirteen[:5] + "19" + thirteen[7:])
    elif corsica == "2B":
        number = int(thirteen[:5] + "18" + thirteen[7:])
    else:
        number = int(thirteen)
    return 97 - number % 97


def nir_with_key(thirteen: str) -> str:
    """Complete 13 characters with their 2-digit key (tests and demo data)."""
    return f"{thirteen}{nir_key(thirteen):02d}"


def matricule_ins_validate(value: str, oid: str = OID_INS_NIR) -> str:
    """A matricule INS: NIR or NIA, 15 characters with its key, for the namespace `oid`.

    Spaces are ignored (the Vitale card prints "2 69 05 49 588 157 80")."""
    if oid not in INS_OIDS:
        raise ValidationError(
            "OID INS inconnu : attendu 1.2.250.1.213.1.4.8 (NIR), .9 (NIA), .10 (NIR de test) "
            "ou .11 (NIR de démonstration).",
            code="ins_oid",
        )
    normalised = re.sub(r"[\s.]", "", value or "").upper()
    if len(normalised) != 15:
        raise ValidationError(
            "Le matricule INS comporte 15 caractères, clé comprise (%(longueur)s saisis).",
            code="ins_longueur",
            params={"longueur": len(normalised)},
        )
    match = _MATRICULE_RE.match(normalised)
    if match is None:
        raise ValidationError(
            "Le matricule INS ne contient que des chiffres (sauf 2A ou 2B pour un département de "
            "Corse) et commence par 1, 2, 3, 4, 7 ou 8.",
            code="ins_format",
        )
    sexe, _year, month, _dep, _commune, _ordre, cle = match.groups()
    if sexe in "78" and oid != OID_INS_NIA:
        # 7/8 are temporary numbers: the INS is then a NIA, in its own namespace.
        raise ValidationError(
            "Un numéro commençant par 7 ou 8 est un NIA : choisissez l'OID du NIA (.9).",
            code="ins_nia_oid",
        )
    month_number = int(month)
    # Months 20-42 and 50+ exist for people whose birth month is unknown or registered late
    # (INSEE); 00 and 13-19 never do.
    if month_number == 0 or 13 <= month_number <= 19:
        raise ValidationError(
            "Le mois de naissance du matricule INS (%(mois)s) est impossible.",
            code="ins_mois",
            params={"mois": month},
        )
    expected = nir_key(normalised[:13])
    if int(cle) != expected:
        raise ValidationError(
            "La clé du matricule INS est %(cle)s, elle devrait être %(attendue)s : un chiffre a "
            "probablement été mal saisi.",
            code="ins_cle",
            params={"cle": cle, "attendue": f"{expected:02d}"},
        )
    return normalised


# ---------------------------------------------------------------------------------------------
# COG (birth place)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LieuCog:
    code: str
    libelle: str
    is_etranger: bool


@functools.cache
def _cog_table() -> dict[str, LieuCog]:
    """Communes and countries of the COG shipped in usagers/data (see SOURCES.md)."""
    table: dict[str, LieuCog] = {}
    with (DATA_DIR / "cog_communes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            table[row["code"]] = LieuCog(row["code"], row["libelle"], False)
    with (DATA_DIR / "cog_pays.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            table[row["code"]] = LieuCog(row["code"], row["libelle"], True)
    return table


_COG_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def cog_lookup(code: str) -> LieuCog | None:
    return _cog_table().get((code or "").strip().upper())


def cog_validate(value: str) -> str:
    """A birth place: COG code of a French commune, or 99xxx for a country (99100 France is
    not a birth place: a person born in France has their commune's code)."""
    normalised = (value or "").strip().upper()
    if not _COG_RE.match(normalised):
        raise ValidationError(
            "Le lieu de naissance est un code officiel géographique (COG) de 5 caractères : "
            "le code INSEE de la commune (2A/2B pour la Corse) ou 99xxx pour un pays.",
            code="cog_format",
        )
    if normalised == "99100":
        raise ValidationError(
            "Pour une personne née en France, indiquez le code de la commune de naissance.",
            code="cog_france",
        )
    if cog_lookup(normalised) is None:
        raise ValidationError(
            "Le code « %(code)s » n'existe pas dans le code officiel géographique de l'INSEE.",
            code="cog_inconnu",
            params={"code": normalised},
        )
    return normalised


def cog_search(terme: str, limit: int = 20) -> list[LieuCog]:
    """Communes and countries whose name starts with `terme` (accent- and case-insensitive),
    or whose code starts with it."""
    key = normalise_text(terme)
    if not key:
        return []
    found = []
    for lieu in _cog_table().values():
        if lieu.code.startswith(terme.strip().upper()) or normalise_text(lieu.libelle).startswith(
            key
        ):
            found.append(lieu)
            if len(found) >= limit:
                break
    return found


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------
def normalise_text(value: str) -> str:
    """Lower case, accents removed, hyphens and apostrophes as spaces, single spaces:
    "Hélène", "HELENE" and "helene" meet; so do "Dupont-Moretti" and "dupont moretti".

    The same rule is applied in PostgreSQL by the trigram index (see the migration), and in
    Python for the stored search column, so SQLite (embedded demo) searches alike."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    cleaned = re.sub(r"[^0-9a-zA-Z]+", " ", stripped)
    return " ".join(cleaned.lower().split())


# Characters the INS accepts in the strict traits (RNIV 1, "règles de saisie"): capital
# letters without diacritics, hyphen, apostrophe and space.
_INS_NAME_RE = re.compile(r"^[A-Z]+([ '-][A-Z]+)*$")


def ins_name_form(value: str) -> str:
    """The form of a name as the INS writes it: upper case, no diacritics (É -> E,
    Œ -> OE), single spaces, hyphen and apostrophe kept."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    stripped = stripped.replace("\u2019", "'")
    return " ".join(stripped.upper().split())


def ins_name_validate(value: str, *, label: str) -> str:
    form = ins_name_form(value)
    if not form:
        raise ValidationError(f"Le {label} est obligatoire.", code="nom_vide")
    if not _INS_NAME_RE.match(form):
        raise ValidationError(
            f"Le {label} ne contient que des lettres, des espaces, des traits d'union et des "
            "apostrophes.",
            code="nom_caracteres",
        )
    return form
