"""The audit trail: hash chain, tamper detection, append-only table, retention."""

import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from securite.audit import (
    GENESIS,
    ActeAudit,
    audit_purge,
    audit_record,
    audit_record_many,
    audit_verify,
    row_hash,
)
from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory

TABLE = "securite_evenementaudit"


@pytest.fixture
def chain(world, educateur):
    usager = SejourFactory(unite=world.unite_a).usager
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Tablette")
    rows = [
        audit_record(
            acteur=educateur,
            action=AuditAction.LECTURE,
            usager=usager,
            categorie="educatif",
            request=request,
        )
        for _ in range(5)
    ]
    return rows


def _tamper(sql, params=()):
    """What a database superuser can do: bypass the append-only trigger."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = origin")


def test_rows_are_chained_from_genesis(chain):
    assert chain[0].hash_precedent == GENESIS
    for previous, row in itertools.pairwise(chain):
        assert row.hash_precedent == previous.hash
        assert row.hash == row_hash(row)
    assert list(audit_verify()) == []


def test_row_records_who_when_what_and_where_but_no_values(chain, educateur):
    row = chain[0]
    assert row.acteur == educateur
    assert row.role == "educateur"
    assert row.adresse_ip == "10.1.2.3"
    assert row.user_agent == "Tablette"
    assert row.categorie == "educatif"


def test_edited_row_is_detected(chain):
    _tamper(f"UPDATE {TABLE} SET categorie = 'medical' WHERE id = %s", [chain[2].id])
    breaks = list(audit_verify())
    assert [b.row_id for b in breaks] == [chain[2].id]
    assert "modifié" in breaks[0].reason


def test_deleted_row_is_detected(chain):
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [chain[2].id])
    assert [b.row_id for b in audit_verify()] == [chain[3].id]


def test_swapped_rows_are_detected(chain):
    a, b = chain[1], chain[2]
    _tamper(f"UPDATE {TABLE} SET id = -1 WHERE id = %s", [a.id])
    _tamper(f"UPDATE {TABLE} SET id = %s WHERE id = %s", [a.id, b.id])
    _tamper(f"UPDATE {TABLE} SET id = %s WHERE id = -1", [b.id])
    assert len(list(audit_verify())) >= 2


def test_deleting_the_newest_rows_is_caught_by_an_anchor_kept_outside(chain, caplog):
    from securite.tasks import audit_anchor

    with caplog.at_level("INFO", logger="dui.audit.ancre"):
        line = audit_anchor()
    assert line == f"{chain[-1].id}:{chain[-1].hash}" and line in caplog.text
    assert list(audit_verify(anchors=[(chain[-1].id, chain[-1].hash)])) == []
    _tamper(f"DELETE FROM {TABLE} WHERE id >= %s", [chain[3].id])
    assert list(audit_verify()) == []  # the chain alone cannot see a cut tail
    breaks = list(audit_verify(anchors=[(chain[-1].id, chain[-1].hash)]))
    assert [b.row_id for b in breaks] == [chain[-1].id]
    with pytest.raises(CommandError, match="rompue"):
        call_command("audit_verify", "--ancre", line)
    with pytest.raises(CommandError, match="mal formée"):
        call_command("audit_verify", "--ancre", "12:abc")


def test_database_refuses_update_and_delete(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        EvenementAudit.objects.filter(pk=chain[0].pk).update(motif="effacé")
    with pytest.raises(DatabaseError), transaction.atomic():
        EvenementAudit.objects.filter(pk=chain[0].pk).delete()
    assert EvenementAudit.objects.count() == 5


def test_audit_verify_command_fails_loudly_on_a_broken_chain(chain, capsys):
    call_command("audit_verify")
    assert "intègre (5 lignes)" in capsys.readouterr().out
    _tamper(f"UPDATE {TABLE} SET acteur_libelle = 'Quelqu''un' WHERE id = %s", [chain[0].id])
    with pytest.raises(CommandError, match="rompue"):
        call_command("audit_verify")


def test_retention_purge_keeps_the_chain_verifiable(chain):
    _tamper(
        f"UPDATE {TABLE} SET horodatage = %s WHERE id <= %s",
        [timezone.now() - timedelta(days=4000), chain[1].id],
    )
    # The timestamps were edited on purpose: rebuild a consistent chain for this scenario.
    previous = GENESIS
    for row in EvenementAudit.objects.order_by("id"):
        row.hash_precedent = previous
        row.hash = row_hash(row)
        _tamper(
            f"UPDATE {TABLE} SET hash_precedent = %s, hash = %s WHERE id = %s",
            [row.hash_precedent, row.hash, row.pk],
        )
        previous = row.hash
    assert list(audit_verify()) == []

    deleted = audit_purge(before=timezone.now() - timedelta(days=3000))
    assert deleted == 2
    assert list(audit_verify()) == []
    # Removing the oldest remaining row after the purge is still detected.
    oldest = EvenementAudit.objects.order_by("id").first()
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [oldest.id])
    assert list(audit_verify())


def test_unknown_action_is_refused(world, educateur):
    with pytest.raises(ValueError):
        audit_record(acteur=educateur, action="lecture-rapide")


def test_bulk_readings_chain_with_single_rows_and_verify(world, chef_service, resident):
    others = [SejourFactory(unite=world.unite_a).usager for _ in range(3)]
    audit_record(acteur=chef_service, action=AuditAction.LECTURE, usager=resident)
    count = audit_record_many(
        acteur=chef_service,
        usager_ids=[u.pk for u in others] + [others[0].pk],
        objet_type="quotidien.ma_journee",
        champs=("transmissions",),
    )
    audit_record(acteur=chef_service, action=AuditAction.LECTURE, usager=resident)
    assert count == 3  # one row per person, duplicates merged
    rows = EvenementAudit.objects.filter(objet_type="quotidien.ma_journee")
    assert sorted(rows.values_list("usager_id", flat=True)) == sorted(u.pk for u in others)
    assert all(r.champs == ["transmissions"] and r.role == "chef_service" for r in rows)
    assert list(audit_verify()) == []


@pytest.mark.parametrize("par_copy", [True, False], ids=["copy", "insert"])
def test_bulk_readings_in_several_statements_keep_every_column_and_the_chain(
    world, chef_service, monkeypatch, par_copy
):
    """Both writers (COPY on PostgreSQL, INSERTs in chunks elsewhere) store every column as
    the hash saw it, control characters and backslashes included."""
    import securite.audit

    monkeypatch.setattr(securite.audit, "_MANY_CHUNK", 2)  # 5 rows: three INSERTs
    monkeypatch.setattr(securite.audit, "_par_copy", lambda: par_copy)
    usagers = [SejourFactory(unite=world.unite_a).usager for _ in range(5)]
    agent = "Tablette\\x\tonglet\nligne\r« é »"
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT=agent)
    count = audit_record_many(
        acteur=chef_service,
        usager_ids=[u.pk for u in usagers],
        objet_type="usagers.liste",
        categorie="administratif",
        champs=("nom", "date_naissance"),
        request=request,
    )
    assert count == 5
    rows = list(EvenementAudit.objects.filter(objet_type="usagers.liste").order_by("id"))
    assert [r.usager_id for r in rows] == sorted(u.pk for u in usagers)
    for previous, row in itertools.pairwise(rows):
        assert row.hash_precedent == previous.hash
    for row in rows:
        assert (row.acteur_id, row.action, row.categorie) == (
            chef_service.pk,
            AuditAction.LECTURE,
            "administratif",
        )
        assert row.champs == ["date_naissance", "nom"]
        assert (row.adresse_ip, row.user_agent) == ("10.1.2.3", agent)
        assert row.hash == row_hash(row)
    assert list(audit_verify()) == []


def test_an_act_row_goes_first_in_the_same_insert_and_chains(
    world, chef_service, django_assert_num_queries
):
    """A search: the act (criteria names, no one in particular), then one reading per person
    found, in one INSERT under one wait for the chain lock."""
    usagers = [SejourFactory(unite=world.unite_a).usager for _ in range(3)]
    audit_record(acteur=chef_service, action=AuditAction.LECTURE, objet_type="avant")
    # Chain lock, previous hash, break-the-glass accesses, one INSERT.
    with django_assert_num_queries(4):
        count = audit_record_many(
            acteur=chef_service,
            usager_ids=[u.pk for u in usagers],
            objet_type="usagers.recherche.resultat",
            categorie="administratif",
            acte=ActeAudit(objet_type="usagers.recherche", champs=("nom", "date_naissance")),
        )
    assert count == 4
    acte, *lectures = EvenementAudit.objects.filter(objet_type__startswith="usagers.").order_by(
        "id"
    )
    assert (acte.objet_type, acte.usager_id, acte.categorie, acte.champs, acte.is_bris_glace) == (
        "usagers.recherche",
        None,
        "",
        ["date_naissance", "nom"],
        False,
    )
    assert [r.usager_id for r in lectures] == sorted(u.pk for u in usagers)
    assert all(r.categorie == "administratif" and r.champs == [] for r in lectures)
    assert acte.hash == row_hash(acte)
    assert list(audit_verify()) == []
    # A search that found no one still leaves its act.
    assert (
        audit_record_many(
            acteur=chef_service,
            usager_ids=[],
            objet_type="usagers.recherche.resultat",
            acte=ActeAudit(objet_type="usagers.recherche", champs=("nom",)),
        )
        == 1
    )
    assert list(audit_verify()) == []


def test_bulk_readings_refuse_an_unknown_action(world, chef_service, resident):
    with pytest.raises(ValueError):
        audit_record_many(
            acteur=chef_service, usager_ids=[resident.pk], objet_type="x", action="survol"
        )
    assert not EvenementAudit.objects.filter(objet_type="x").exists()


def test_bulk_readings_are_flagged_under_break_the_glass(world, educateur_ime, resident):
    from securite.services import acces_exceptionnel_ouvrir

    acces_exceptionnel_ouvrir(
        acteur=educateur_ime,
        identifiant_local=resident.identifiant_local,
        motif="Remplacement au pied levé dans l'unité A",
    )
    audit_record_many(acteur=educateur_ime, usager_ids=[resident.pk], objet_type="quotidien.fil")
    assert EvenementAudit.objects.get(objet_type="quotidien.fil").is_bris_glace
