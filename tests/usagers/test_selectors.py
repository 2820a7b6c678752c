"""Search, lists, duplicates and the INS gate (usagers/selectors.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import IdentiteINSFactory, SejourFactory, UsagerFactory
from usagers import selectors
from usagers.models import StatutIdentite

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _person(world, nom, prenoms="Hélène Marie", unite=None, **kwargs):
    sejour_kwargs = {k: kwargs.pop(k) for k in ("date_entree", "date_sortie") if k in kwargs}
    usager = SejourFactory(unite=unite or world.unite_a, **sejour_kwargs).usager
    usager.nom_naissance = nom
    usager.prenoms_naissance = prenoms
    usager.premier_prenom_naissance = prenoms.split()[0]
    for key, value in kwargs.items():
        setattr(usager, key, value)
    usager.save()
    return usager


def _search(user, **kwargs):
    return selectors.usager_search(user=user, jour=TODAY, **kwargs).usagers


# ---------------------------------------------------------------------------------------------
# The INS gate
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("statut", "flags", "shared"),
    [
        (StatutIdentite.PROVISOIRE, {}, False),
        (StatutIdentite.RECUPEREE, {}, False),
        (StatutIdentite.VALIDEE, {}, False),
        (StatutIdentite.QUALIFIEE, {}, True),
        (StatutIdentite.QUALIFIEE, {"is_douteuse": True}, False),
        (StatutIdentite.QUALIFIEE, {"is_fictive": True}, False),
    ],
)
def test_the_ins_is_shared_only_for_a_qualified_identity(world, statut, flags, shared):
    usager = _person(world, "DURAND", statut_identite=statut, **flags)
    ins = IdentiteINSFactory(usager=usager)
    assert (selectors.ins_partageable(usager) == ins) is shared


def test_a_qualified_status_without_ins_shares_nothing(world):
    usager = _person(world, "DURAND", statut_identite=StatutIdentite.QUALIFIEE)
    assert selectors.ins_partageable(usager) is None


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "terme",
    [
        "Hélène",
        "helene",
        "HELENE",
        "hel",
        "dupont moretti",
        "Dupont-Moretti",
        "moretti helene",
        "MARIE",
    ],
)
def test_a_name_is_found_accent_and_case_insensitively_in_any_word_order(world, secretaire, terme):
    usager = _person(world, "Dupont-Moretti", "Hélène Marie")
    _person(world, "Martin", "Paul")
    assert _search(secretaire, texte=terme) == [usager]


def test_the_used_name_finds_the_person(world, secretaire):
    usager = _person(world, "Lefèvre", nom_utilise="Garnier")
    assert _search(secretaire, texte="garnier") == [usager]


def test_a_close_spelling_is_proposed_when_nothing_matches(world, secretaire):
    usager = _person(world, "Dupont")
    assert _search(secretaire, texte="Dupond") == [usager]


def test_search_by_birth_date_alone_or_with_a_name(world, secretaire):
    a = _person(world, "Durand", date_naissance=datetime.date(1931, 3, 4))
    _person(world, "Durand", date_naissance=datetime.date(1932, 3, 4))
    assert _search(secretaire, date_naissance=datetime.date(1931, 3, 4)) == [a]
    assert _search(secretaire, texte="durand", date_naissance=datetime.date(1931, 3, 4)) == [a]


def test_search_by_matricule_ins_or_local_identifier(world, secretaire):
    usager = _person(world, "Durand")
    ins = IdentiteINSFactory(usager=usager, oid="1.2.250.1.213.1.4.8")
    assert _search(secretaire, texte=ins.matricule) == [usager]
    assert _search(secretaire, texte=usager.identifiant_local.lower()) == [usager]


def test_search_never_reaches_out_of_scope_or_merged_records(world, secretaire):
    _person(world, "Durand", unite=world.unite_ime)
    merged = _person(world, "Durand")
    merged.fusionne_dans = _person(world, "Autre")
    merged.save()
    assert _search(secretaire, texte="durand") == []


def test_search_costs_a_constant_number_of_queries(world, secretaire):
    for n in range(3):
        _person(world, f"Durand{n}")
    with CaptureQueriesContext(connection) as few:
        _search(secretaire, texte="durand")
    for n in range(3, 30):
        _person(world, f"Durand{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(_search(secretaire, texte="durand")) == 30
    assert len(few) == len(many)


@pytest.mark.parametrize("seuil", [1000, 2])
def test_frequent_and_rare_words_give_the_same_page_in_name_order(
    world, secretaire, monkeypatch, seuil
):
    """Below `RECHERCHE_PAR_INDEX` matches the people are found by the trigram index and then
    ordered, above it the page is read in name order: the same people, the same order, the
    same scope either way."""
    monkeypatch.setattr(selectors, "RECHERCHE_PAR_INDEX", seuil)
    dehors = _person(world, "Durand", "Zoé", unite=world.unite_ime)
    trouves = [
        _person(world, "Durand", "Yves"),
        _person(world, "Bernard", "Ana", nom_utilise="Durand"),
        _person(world, "Durand", "Anne"),
        _person(world, "Durandal", "Luc"),
    ]
    _person(world, "Martin", "Paul")
    page = _search(secretaire, texte="durand")
    assert dehors not in page
    assert page == sorted(
        trouves, key=lambda u: (u.nom_naissance, u.premier_prenom_naissance, u.pk)
    )


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------
def test_list_present_left_and_by_unit(world, directeur):
    present_a = _person(world, "Aaa")
    present_b = _person(world, "Bbb", unite=world.unite_b)
    parti = _person(world, "Ccc", date_sortie=TODAY - datetime.timedelta(days=3))
    parti.membres_equipe.create(utilisateur=directeur, role="referent", date_debut=TODAY)
    page = selectors.usager_list(user=directeur, jour=TODAY)
    assert page.usagers == [present_a, present_b]
    assert page.usagers[0].sejours_courants == [
        selectors.SejourCourant(world.ehpad.nom, world.unite_a.nom)
    ]
    assert selectors.usager_list(user=directeur, jour=TODAY, unite_id=world.unite_b.pk).usagers == [
        present_b
    ]
    assert selectors.usager_list(user=directeur, jour=TODAY, presence="sortis").usagers == [parti]
    assert len(selectors.usager_list(user=directeur, jour=TODAY, presence="tous").usagers) == 3
    assert (
        selectors.usager_list(
            user=directeur, jour=TODAY, presence="tous", etablissement_id=world.ime.pk
        ).usagers
        == []
    )


def test_each_person_comes_with_every_current_stay_latest_first(world, directeur):
    usager = _person(world, "Aaa", date_entree=TODAY - datetime.timedelta(days=90))
    SejourFactory(
        usager=usager,
        etablissement=world.ime,
        unite=None,
        date_entree=TODAY - datetime.timedelta(days=5),
    )
    SejourFactory(
        usager=usager,
        unite=world.unite_b,
        date_entree=TODAY - datetime.timedelta(days=200),
        date_sortie=TODAY - datetime.timedelta(days=100),
    )
    (row,) = selectors.usager_list(user=directeur, jour=TODAY).usagers
    assert row.sejours_courants == [
        selectors.SejourCourant(world.ime.nom, ""),
        selectors.SejourCourant(world.ehpad.nom, world.unite_a.nom),
    ]


def test_keyset_pages_follow_each_other_with_a_constant_number_of_queries(world, directeur):
    people = [_person(world, f"Nom{n:02d}") for n in range(7)]
    first = selectors.usager_list(user=directeur, jour=TODAY, limit=3)
    assert first.usagers == people[:3] and first.suivant == people[2].pk
    with CaptureQueriesContext(connection) as queries:
        second = selectors.usager_list(user=directeur, jour=TODAY, limit=3, apres=first.suivant)
    assert second.usagers == people[3:6]
    last = selectors.usager_list(user=directeur, jour=TODAY, limit=3, apres=second.suivant)
    assert last.usagers == people[6:] and last.suivant is None
    with CaptureQueriesContext(connection) as queries_last:
        selectors.usager_list(user=directeur, jour=TODAY, limit=3, apres=second.suivant)
    assert len(queries) == len(queries_last)


# ---------------------------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------------------------
def test_duplicates_include_records_outside_the_users_scope(world):
    other = UsagerFactory(
        organisme=world.organisme, nom_naissance="DURAND", premier_prenom_naissance="HELENE"
    )
    found = selectors.doublons_potentiels(
        organisme_id=world.organisme.pk,
        nom_naissance="Durant",
        premier_prenom_naissance="Hélène",
        date_naissance=other.date_naissance,
    )
    assert found == [other]


def test_another_organismes_record_is_never_a_duplicate(world):
    other = UsagerFactory(
        organisme=world.autre_organisme, nom_naissance="DURAND", premier_prenom_naissance="HELENE"
    )
    assert (
        selectors.doublons_potentiels(
            organisme_id=world.organisme.pk,
            nom_naissance="DURAND",
            premier_prenom_naissance="HELENE",
            date_naissance=other.date_naissance,
        )
        == []
    )


def test_the_record_shows_each_part_only_with_its_category(world, secretaire, medecin):
    usager = _person(world, "Durand")
    dossier = selectors.usager_dossier(user=secretaire, usager=usager)
    assert dossier.contacts is None and dossier.evaluations is None
    assert [s.pk for s in dossier.sejours_en_cours] == [usager.sejours.get().pk]
    full = selectors.usager_dossier(user=medecin, usager=usager)
    assert full.contacts == [] and full.evaluations == [] and full.mesures == []
