"""The outbox keeps a document as sealed bytes instead of a sealed base 64 text of them: a
448 kB CDA was 797 kB in the database (base 64 twice), it is now 597 kB, and neither the
click nor the worker encodes or decodes it once more. Existing rows are converted."""

import base64

from django.db import migrations

import securite.crypto
from securite.crypto import decrypt_bytes, encrypt_bytes

CONTEXTE = "interop_envoi.contenu"
LOT = 100


def _convertir(apps, schema_editor, conversion):
    connection = schema_editor.connection
    dernier = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, contenu FROM interop_envoi WHERE id > %s ORDER BY id LIMIT %s",
                [dernier, LOT],
            )
            lignes = cursor.fetchall()
            if not lignes:
                return
            for pk, stocke in lignes:
                if stocke:
                    clair = decrypt_bytes(stocke, context=CONTEXTE)
                    cursor.execute(
                        "UPDATE interop_envoi SET contenu = %s WHERE id = %s",
                        [encrypt_bytes(conversion(clair), context=CONTEXTE), pk],
                    )
        dernier = lignes[-1][0]


def vers_octets(apps, schema_editor):
    _convertir(apps, schema_editor, base64.b64decode)


def vers_base64(apps, schema_editor):
    _convertir(apps, schema_editor, base64.b64encode)


class Migration(migrations.Migration):
    dependencies = [
        ("interop", "0001_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="envoi",
            name="contenu",
            field=securite.crypto.EncryptedBytesField(verbose_name="contenu"),
        ),
        migrations.RunPython(vers_octets, vers_base64, elidable=True),
    ]
