"""Encryption at rest: authenticated, key-identified, rotatable, invisible in a dump."""

import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from securite.crypto import DecryptionError, decrypt, encrypt, key_id
from securite.models import AccesExceptionnel

SECRET = "Chute dans la salle de bain, hématome frontal, traitement anticoagulant"


def _acces(world, user, motif=SECRET):
    now = timezone.now()
    from tests.factories import SejourFactory

    usager = SejourFactory(unite=world.unite_a).usager
    return AccesExceptionnel.objects.create(
        utilisateur=user, usager=usager, motif=motif, debut=now, fin=now + timedelta(hours=4)
    )


def _raw_motif(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT motif FROM securite_accesexceptionnel WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_value_round_trips_and_is_stored_encrypted_with_its_key_id(world, educateur):
    acces = _acces(world, educateur)
    assert AccesExceptionnel.objects.get(pk=acces.pk).motif == SECRET
    raw = _raw_motif(acces.pk)
    assert raw.startswith("enc:v1:t2:")
    assert "hématome" not in raw and "Chute" not in raw


def test_same_text_encrypts_differently_each_time():
    context = "table.colonne"
    assert encrypt(SECRET, context=context) != encrypt(SECRET, context=context)


def test_ciphertext_is_bound_to_its_column():
    stored = encrypt(SECRET, context="securite_accesexceptionnel.motif")
    with pytest.raises(DecryptionError):
        decrypt(stored, context="usagers_transmission.donnees")


def test_tampered_ciphertext_is_refused():
    stored = encrypt(SECRET, context="t.c")
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(DecryptionError):
        decrypt(tampered, context="t.c")


def test_encrypted_field_cannot_be_searched(world, educateur):
    _acces(world, educateur)
    with pytest.raises(TypeError, match="chiffré"):
        list(AccesExceptionnel.objects.filter(motif__icontains="Chute"))
    assert AccesExceptionnel.objects.filter(motif__isnull=False).count() == 1


@override_settings(DUI_ENCRYPTION_KEYS="")
def test_missing_keys_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        encrypt("x", context="t.c")


def test_rotate_keys_reencrypts_old_values_without_losing_any(world, educateur, capsys):
    with override_settings(DUI_ENCRYPTION_ACTIVE_KEY="t1"):
        old = [_acces(world, educateur, motif=f"{SECRET} n° {i}") for i in range(7)]
    new = _acces(world, educateur, motif="déjà sous la clé active")
    assert {key_id(_raw_motif(a.pk)) for a in old} == {"t1"}
    new_raw = _raw_motif(new.pk)

    call_command("rotate_keys", "--batch-size", "3")

    assert {key_id(_raw_motif(a.pk)) for a in old} == {"t2"}
    assert _raw_motif(new.pk) == new_raw  # untouched
    for i, acces in enumerate(old):
        assert AccesExceptionnel.objects.get(pk=acces.pk).motif == f"{SECRET} n° {i}"
    assert "7 valeur(s) rechiffrée(s)" in capsys.readouterr().out
    # After rotation, the old key can be withdrawn.
    with override_settings(DUI_ENCRYPTION_KEYS=settings.DUI_ENCRYPTION_KEYS.split(",")[1]):
        assert AccesExceptionnel.objects.get(pk=old[0].pk).motif.endswith("n° 0")


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_does_not_reveal_the_text(world, educateur):
    _acces(world, educateur)
    db = settings.DATABASES["default"]
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            db["HOST"],
            "-p",
            str(db["PORT"]),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "securite_accesexceptionnel" in dump
    assert "enc:v1:t2:" in dump
    assert "hématome" not in dump
    assert "anticoagulant" not in dump
