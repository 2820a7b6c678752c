"""Key rotation: re-encrypt, in batches, every value not under the active key.

Runs while the service writes: each row is updated with a compare-and-swap on the old
ciphertext, so a value changed meanwhile is left alone (it was written with the active key
anyway)."""

from collections.abc import Iterator
from typing import Any

from django.db import connection, models, transaction

from .crypto import (
    ChampChiffre,
    decrypt_bytes,
    encrypt_bytes,
    encrypted_fields,
    key_id,
    keyring,
)


def _rotation_flag(cursor: Any, *, on: bool) -> None:
    """Tell the database triggers of append-only tables (quotidien_transmission) that this
    transaction re-encrypts the same text: `set_config(..., true)` lasts until the end of the
    transaction at most, and is switched off again at the end of the batch."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('dui.rotation_cles', %s, true)", ["on" if on else "off"])


def rotate_field(model: type[models.Model], field: ChampChiffre, batch_size: int = 500) -> int:
    _, active = keyring()
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(field.column))
    pk_column = connection.ops.quote_name(str(model._meta.pk.column))  # type: ignore[union-attr]
    context = field.context()
    rotated = 0
    last_pk: Any = None
    while True:
        with connection.cursor() as cursor:
            if last_pk is None:
                cursor.execute(
                    f"SELECT {pk_column}, {column} FROM {table} ORDER BY {pk_column} LIMIT %s",  # noqa: S608 - quoted identifiers
                    [batch_size],
                )
            else:
                cursor.execute(
                    f"SELECT {pk_column}, {column} FROM {table} WHERE {pk_column} > %s "  # noqa: S608
                    f"ORDER BY {pk_column} LIMIT %s",
                    [last_pk, batch_size],
                )
            rows = cursor.fetchall()
        if not rows:
            return rotated
        with transaction.atomic(), connection.cursor() as cursor:
            _rotation_flag(cursor, on=True)
            for pk, stored in rows:
                if stored and key_id(stored) not in (None, active):
                    # As bytes: the same for a text (its UTF-8) and for a document.
                    fresh = encrypt_bytes(decrypt_bytes(stored, context=context), context=context)
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s "  # noqa: S608
                        f"AND {column} = %s",
                        [fresh, pk, stored],
                    )
                    rotated += cursor.rowcount
            _rotation_flag(cursor, on=False)
        last_pk = rows[-1][0]


def rotate_all(batch_size: int = 500) -> Iterator[tuple[str, int]]:
    for model, field in encrypted_fields():
        yield f"{model._meta.label}.{field.name}", rotate_field(model, field, batch_size)
