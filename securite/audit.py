"""The audit trail: append-only, hash-chained rows of every read and write of usager data.

Each row stores the SHA-256 of the previous row's hash and of its own content, in id order.
Editing a row changes its hash; deleting or reordering rows breaks the link to the previous
hash. `manage.py audit_verify` walks the chain. A PostgreSQL trigger also refuses UPDATE and
DELETE (except the retention purge), so tampering needs a database superuser and is then
detected by the chain.
"""

import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import AuditAction, EvenementAudit, Utilisateur
from .reseau import client_ip

GENESIS = "0" * 64
# Arbitrary constant key of the PostgreSQL advisory lock that serialises the chain.
_CHAIN_LOCK_KEY = 7_305_118_001


def _hash(content: dict[str, Any]) -> str:
    """SHA-256 of a row's content: the columns above, ids for the foreign keys."""
    payload = {
        "horodatage": content["horodatage"].isoformat(),
        "acteur": content["acteur"],
        "acteur_libelle": content["acteur_libelle"],
        "role": content["role"],
        "action": content["action"],
        "usager": content["usager"],
        "objet_type": content["objet_type"],
        "objet_id": content["objet_id"],
        "categorie": content["categorie"],
        "champs": list(content["champs"]),
        "adresse_ip": content["adresse_ip"],
        "user_agent": content["user_agent"],
        "motif": content["motif"],
        "is_bris_glace": content["is_bris_glace"],
        "hash_precedent": content["hash_precedent"],
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()


def row_hash(row: EvenementAudit) -> str:
    return _hash(
        {
            "horodatage": row.horodatage,
            "acteur": row.acteur_id,
            "acteur_libelle": row.acteur_libelle,
            "role": row.role,
            "action": row.action,
            "usager": row.usager_id,
            "objet_type": row.objet_type,
            "objet_id": row.objet_id,
            "categorie": row.categorie,
            "champs": row.champs,
            "adresse_ip": row.adresse_ip,
            "user_agent": row.user_agent,
            "motif": row.motif,
            "is_bris_glace": row.is_bris_glace,
            "hash_precedent": row.hash_precedent,
        }
    )


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite (embedded demo) serialises writers: transactions there start IMMEDIATE.


def audit_record(
    *,
    acteur: Utilisateur | None,
    action: str,
    usager: models.Model | None = None,
    objet: models.Model | None = None,
    categorie: str = "",
    champs: Iterable[str] = (),
    request: HttpRequest | None = None,
    motif: str = "",
    is_bris_glace: bool | None = None,
    objet_type: str = "",
    objet_id: str = "",
) -> EvenementAudit:
    """Append one audit row, in the caller's transaction (or its own).

    `champs` are field *names*; values of health fields are never recorded."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action: {action}")
    if is_bris_glace is None:
        is_bris_glace = bool(
            usager is not None and acteur is not None and _under_break_the_glass(acteur, usager.pk)
        )
    # No savepoint inside a caller's transaction: a failed audit row fails the whole of it.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        previous = EvenementAudit.objects.order_by("-id").values_list("hash", flat=True).first()
        row = EvenementAudit(
            horodatage=timezone.now(),
            acteur=acteur,
            acteur_libelle=str(acteur) if acteur is not None else "système",
            role=(acteur.profession or acteur.type_compte) if acteur is not None else "",
            action=action,
            usager_id=usager.pk if usager is not None else None,
            objet_type=objet._meta.label if objet is not None else objet_type,
            objet_id=str(objet.pk) if objet is not None else objet_id,
            categorie=categorie,
            champs=sorted(champs),
            adresse_ip=client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
            motif=motif,
            is_bris_glace=is_bris_glace,
            hash_precedent=previous or GENESIS,
        )
        row.hash = row_hash(row)
        row.save(force_insert=True)
    return row


# Columns of a row written by `audit_record_many`, in the order of its COPY or INSERT.
_MANY_COLUMNS = (
    "horodatage",
    "acteur",
    "acteur_libelle",
    "role",
    "action",
    "objet_type",
    "objet_id",
    "categorie",
    "champs",
    "adresse_ip",
    "user_agent",
    "motif",
    "usager",
    "is_bris_glace",
    "hash_precedent",
    "hash",
)
# Rows per INSERT statement (SQLite allows 32,766 parameters a statement).
_MANY_CHUNK = 500


@dataclass(frozen=True)
class ActeAudit:
    """A row about no one in particular written ahead of the rows of `audit_record_many`, in
    the same statement: a search (its criteria's names), then one reading per person found."""

    objet_type: str
    champs: Iterable[str] = ()
    categorie: str = ""


def audit_record_many(
    *,
    acteur: Utilisateur,
    usager_ids: Iterable[int],
    objet_type: str,
    action: str = AuditAction.LECTURE,
    categorie: str = "",
    champs: Iterable[str] = (),
    request: HttpRequest | None = None,
    acte: ActeAudit | None = None,
) -> int:
    """Append one audit row per usager (same content as `audit_record`), for a page that
    shows many people's records, under the chain lock, in four queries whatever the number
    of usagers; `acte`, a row about the act itself, goes first.

    The rows differ only by usager, break-the-glass flag and hashes: they are built as plain
    values, without model instances (building and saving 50 of them was a third of a list
    page's time), and written by one COPY on PostgreSQL (multi-row INSERTs elsewhere)."""
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action: {action}")
    ids = sorted(set(usager_ids))
    if not ids and acte is None:
        return 0
    from .access import acces_exceptionnels_en_cours_liste

    common: dict[str, Any] = {
        "horodatage": timezone.now(),
        "acteur": acteur.pk,
        "acteur_libelle": str(acteur),
        "role": acteur.profession or acteur.type_compte,
        "action": action,
        "objet_type": objet_type,
        "objet_id": "",
        "categorie": categorie,
        "champs": sorted(champs),
        "adresse_ip": client_ip(request),
        "user_agent": (request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        "motif": "",
    }
    fields = {
        name: cast("models.Field[Any, Any]", EvenementAudit._meta.get_field(name))
        for name in _MANY_COLUMNS
    }
    table = connection.ops.quote_name(EvenementAudit._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(str(fields[name].column)) for name in _MANY_COLUMNS
    )
    base = list(common.values())
    # No savepoint inside a caller's transaction: a failed audit row fails the whole of it.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        previous = EvenementAudit.objects.order_by("-id").values_list("hash", flat=True).first()
        glass = {acces.usager_id for acces in acces_exceptionnels_en_cours_liste(acteur)}
        previous = previous or GENESIS
        rows: list[list[Any]] = []
        if acte is not None:
            content = {
                **common,
                "objet_type": acte.objet_type,
                "categorie": acte.categorie,
                "champs": sorted(acte.champs),
            }
            digest = _hash(
                {**content, "usager": None, "is_bris_glace": False, "hash_precedent": previous}
            )
            rows.append([*content.values(), None, False, previous, digest])
            previous = digest
        for usager_id in ids:
            is_bris_glace = usager_id in glass
            digest = _hash(
                {
                    **common,
                    "usager": usager_id,
                    "is_bris_glace": is_bris_glace,
                    "hash_precedent": previous,
                }
            )
            rows.append([*base, usager_id, is_bris_glace, previous, digest])
            previous = digest
        with connection.cursor() as cursor:
            if _par_copy():
                _copier(cursor, table, columns, rows)
            else:
                _inserer(cursor, table, columns, [fields[name] for name in _MANY_COLUMNS], rows)
    return len(rows)


def _par_copy() -> bool:
    return connection.vendor == "postgresql"


def _copier(cursor: Any, table: str, columns: str, rows: list[list[Any]]) -> None:
    """The rows in one COPY (PostgreSQL): the text format read by the server's fast path,
    instead of an INSERT of 16 parameters a row to quote and parse (measured: 1 ms less for
    the 50 rows of a list page)."""
    data = "".join("\t".join(_copie(value) for value in row) + "\n" for row in rows)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.wrap_database_errors:
        if hasattr(cursor, "debug_sql"):  # queries logged (DEBUG, tests): counted as the others
            with cursor.debug_sql(sql):
                cursor.cursor.copy_expert(sql, io.StringIO(data))
        else:
            cursor.cursor.copy_expert(sql, io.StringIO(data))


def _copie(value: Any) -> str:
    """One value in COPY's text format: NULL as \\N, backslash and control characters
    escaped (a user agent is any text the browser sends)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _inserer(
    cursor: Any,
    table: str,
    columns: str,
    fields: list["models.Field[Any, Any]"],
    rows: list[list[Any]],
) -> None:
    """The rows in multi-row INSERTs (SQLite, the embedded demo)."""
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    for start in range(0, len(rows), _MANY_CHUNK):
        chunk = rows[start : start + _MANY_CHUNK]
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 (names, not data)
            + ", ".join([placeholders] * len(chunk)),
            [
                field.get_db_prep_save(value, connection)
                for row in chunk
                for field, value in zip(fields, row, strict=True)
            ],
        )


def _under_break_the_glass(acteur: Utilisateur, usager_pk: int) -> bool:
    from .access import acces_exceptionnels_en_cours_liste

    return any(acces.usager_id == usager_pk for acces in acces_exceptionnels_en_cours_liste(acteur))


def audit_refusal(
    *,
    acteur: Utilisateur | None,
    request: HttpRequest | None,
    objet_type: str,
    objet_id: Any,
) -> EvenementAudit:
    """Record an access the policy refused (answered 404): IDOR attempts leave a trace."""
    return audit_record(
        acteur=acteur,
        action=AuditAction.REFUS,
        request=request,
        objet_type=objet_type[:100],
        objet_id=str(objet_id)[:64],
    )


@dataclass(frozen=True)
class ChainBreak:
    row_id: int
    reason: str


def audit_head() -> tuple[int, str] | None:
    """The last row of the chain (id, hash): what `audit_anchor` writes outside the database
    so that deleting the newest rows, which the chain alone cannot show, is detected."""
    head = EvenementAudit.objects.order_by("-id").values_list("id", "hash").first()
    return (int(head[0]), str(head[1])) if head else None


def audit_verify(
    batch_size: int = 5000, anchors: Iterable[tuple[int, str]] = ()
) -> Iterator[ChainBreak]:
    """Walk the chain in id order and yield every break (edited, deleted or swapped row).

    `anchors` are (id, hash) heads recorded outside the database (the log line of
    `securite.tasks.audit_anchor`): each one must still be in the chain, unchanged, unless
    retention purged it."""
    oldest = EvenementAudit.objects.order_by("id").values_list("id", flat=True).first()
    for anchor_id, anchor_hash in anchors:
        if oldest is not None and anchor_id < oldest and _purge_anchor() is not None:
            continue  # purged by retention, before the current start of the chain
        kept = EvenementAudit.objects.filter(id=anchor_id).values_list("hash", flat=True).first()
        if kept != anchor_hash:
            yield ChainBreak(
                anchor_id,
                "la ligne ancrée hors de la base est absente ou différente "
                "(fin du journal supprimée ou réécrite)",
            )
    expected_previous = _purge_anchor()
    last_id = 0
    while True:
        rows = list(EvenementAudit.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            return
        for row in rows:
            if expected_previous is not None and row.hash_precedent != expected_previous:
                yield ChainBreak(
                    row.id,
                    "le lien avec la ligne précédente est rompu "
                    "(ligne supprimée, insérée ou déplacée)",
                )
            if row_hash(row) != row.hash:
                yield ChainBreak(row.id, "le contenu de la ligne a été modifié")
            expected_previous = row.hash
            last_id = row.id


def _purge_anchor() -> str | None:
    """Hash the oldest remaining row must point to: GENESIS, or the last purged row's hash
    recorded by the latest retention purge."""
    purge = (
        EvenementAudit.objects.filter(action=AuditAction.ADMINISTRATION, objet_type="audit.purge")
        .order_by("-id")
        .values_list("objet_id", flat=True)
        .first()
    )
    return purge or GENESIS


def audit_purge(*, before: Any, acteur: Utilisateur | None = None) -> int:
    """Delete rows older than `before` (retention), keeping the chain verifiable: the hash of
    the last deleted row is recorded in a new 'purge' row that anchors the remaining chain."""
    with transaction.atomic():
        _lock_chain()
        old = EvenementAudit.objects.filter(horodatage__lt=before).order_by("-id")
        last = old.values_list("id", "hash").first()
        if last is None:
            return 0
        last_id, last_hash = last
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL dui.audit_purge = 'on'")
        deleted, _ = EvenementAudit.objects.filter(id__lte=last_id).delete()
        # The anchor rides in objet_id, a field covered by the purge row's own hash.
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            objet_type="audit.purge",
            objet_id=last_hash,
            motif=f"Purge de rétention : {deleted} lignes antérieures au {before:%d/%m/%Y}.",
        )
        return deleted
