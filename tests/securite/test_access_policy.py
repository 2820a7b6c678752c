"""The whole role x category x action matrix, scope and care-team rules, objections and
break-the-glass expiry."""

import datetime
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from securite import access, cache_requete
from securite.access import DEFAULT_MATRIX
from securite.models import (
    AccesExceptionnel,
    Action,
    AuditAction,
    Categorie,
    EvenementAudit,
    MembreEquipe,
    Opposition,
    Profession,
    RegleAcces,
    TypeCompte,
)
from tests.factories import ProfessionnelFactory, SejourFactory, UtilisateurFactory

ALL_CASES = [
    (profession, categorie, action)
    for profession in Profession.values
    for categorie in Categorie.values
    for action in Action.values
]


def _pro_of_ehpad(world, profession):
    user = UtilisateurFactory(organisme=world.organisme)
    ProfessionnelFactory(utilisateur=user, profession=profession, etablissements=[world.ehpad])
    return user


@pytest.fixture
def resident(world):
    """A person staying in unit A of the EHPAD."""
    return SejourFactory(unite=world.unite_a).usager


@pytest.mark.parametrize(("profession", "categorie", "action"), ALL_CASES)
def test_matrix_decides_each_role_category_action(world, resident, profession, categorie, action):
    user = _pro_of_ehpad(world, profession)
    expected = action in DEFAULT_MATRIX[profession].get(categorie, frozenset())
    assert access.usager_can(user, resident, categorie, action) is expected


def test_matrix_defaults_follow_shared_secrecy():
    """A secretary: administrative only; an educator: no medical notes; a doctor: all."""
    assert set(DEFAULT_MATRIX[Profession.SECRETAIRE]) == {Categorie.ADMINISTRATIF}
    assert Categorie.MEDICAL not in DEFAULT_MATRIX[Profession.EDUCATEUR]
    assert Categorie.PSYCHOLOGIQUE not in DEFAULT_MATRIX[Profession.EDUCATEUR]
    assert all(
        DEFAULT_MATRIX[Profession.MEDECIN][c] == {Action.LIRE, Action.ECRIRE}
        for c in Categorie.values
    )
    for row in DEFAULT_MATRIX.values():
        for actions in row.values():
            assert Action.ECRIRE not in actions or Action.LIRE in actions


def test_organisme_adjustment_overrides_the_default_for_that_organisme_only(world, resident):
    educateur = _pro_of_ehpad(world, Profession.EDUCATEUR)
    RegleAcces.objects.create(
        organisme=world.organisme,
        profession=Profession.EDUCATEUR,
        categorie=Categorie.PSYCHOLOGIQUE,
        peut_lire=True,
        peut_ecrire=False,
    )
    RegleAcces.objects.create(
        organisme=world.autre_organisme,
        profession=Profession.EDUCATEUR,
        categorie=Categorie.MEDICAL,
        peut_lire=True,
        peut_ecrire=True,
    )
    assert access.usager_can(educateur, resident, Categorie.PSYCHOLOGIQUE, Action.LIRE)
    assert not access.usager_can(educateur, resident, Categorie.PSYCHOLOGIQUE, Action.ECRIRE)
    assert not access.usager_can(educateur, resident, Categorie.MEDICAL, Action.LIRE)


def test_adjustment_removing_administrative_read_hides_every_usager(world, resident):
    secretaire = _pro_of_ehpad(world, Profession.SECRETAIRE)
    RegleAcces.objects.create(
        organisme=world.organisme,
        profession=Profession.SECRETAIRE,
        categorie=Categorie.ADMINISTRATIF,
        peut_lire=False,
        peut_ecrire=False,
    )
    assert not access.usagers_visibles(secretaire).exists()


def test_objection_against_a_profession(world, resident):
    infirmier = _pro_of_ehpad(world, Profession.INFIRMIER)
    medecin = _pro_of_ehpad(world, Profession.MEDECIN)
    Opposition.objects.create(
        usager=resident,
        categorie=Categorie.SOCIAL,
        profession=Profession.INFIRMIER,
        exprimee_par="L'usager",
        date=datetime.date(2026, 1, 5),
    )
    assert not access.usager_can(infirmier, resident, Categorie.SOCIAL, Action.LIRE)
    assert access.usager_can(infirmier, resident, Categorie.SOINS, Action.LIRE)
    assert access.usager_can(medecin, resident, Categorie.SOCIAL, Action.LIRE)


def test_objection_against_a_named_professional(world, resident):
    medecin = _pro_of_ehpad(world, Profession.MEDECIN)
    autre_medecin = _pro_of_ehpad(world, Profession.MEDECIN)
    Opposition.objects.create(
        usager=resident,
        categorie=Categorie.PSYCHOLOGIQUE,
        utilisateur=medecin,
        exprimee_par="Sa tutrice",
        date=datetime.date(2026, 1, 5),
    )
    assert not access.usager_can(medecin, resident, Categorie.PSYCHOLOGIQUE, Action.LIRE)
    assert access.usager_can(autre_medecin, resident, Categorie.PSYCHOLOGIQUE, Action.LIRE)
    with pytest.raises(Http404):
        access.usager_get(medecin, resident.pk, categorie=Categorie.PSYCHOLOGIQUE)


def test_scope_unit_establishment_and_organisme(world, resident, educateur, medecin, directeur):
    autre_unite = SejourFactory(unite=world.unite_b).usager
    assert access.usager_can(educateur, resident, Categorie.ADMINISTRATIF, Action.LIRE)
    assert not access.usager_can(educateur, autre_unite, Categorie.ADMINISTRATIF, Action.LIRE)
    assert access.usager_can(medecin, autre_unite, Categorie.MEDICAL, Action.LIRE)
    assert access.usager_can(directeur, autre_unite, Categorie.ADMINISTRATIF, Action.LIRE)


def test_other_organisme_and_left_usagers_are_out_of_scope(world, educateur_ailleurs, directeur):
    gone = SejourFactory(unite=world.unite_a, date_sortie=datetime.date(2025, 3, 1)).usager
    here = SejourFactory(unite=world.unite_a).usager
    assert not access.usager_can(educateur_ailleurs, here, Categorie.ADMINISTRATIF, Action.LIRE)
    assert not access.usager_can(directeur, gone, Categorie.ADMINISTRATIF, Action.LIRE)


@pytest.mark.parametrize(
    ("debut", "fin", "visible"),
    [
        (-10, None, True),
        (-10, 10, True),
        (5, None, False),
        (-30, -1, False),
    ],
)
def test_care_team_membership_opens_the_record_within_its_dates(world, debut, fin, visible):
    psychologue = UtilisateurFactory(organisme=world.organisme)
    ProfessionnelFactory(utilisateur=psychologue, profession=Profession.PSYCHOLOGUE)
    usager = SejourFactory(unite=world.unite_ime).usager
    today = timezone.localdate()
    MembreEquipe.objects.create(
        usager=usager,
        utilisateur=psychologue,
        role="intervenant",
        date_debut=today + timedelta(days=debut),
        date_fin=today + timedelta(days=fin) if fin is not None else None,
    )
    assert access.usager_can(psychologue, usager, Categorie.PSYCHOLOGIQUE, Action.ECRIRE) is visible


def test_break_the_glass_opens_until_it_expires(world, educateur):
    usager = SejourFactory(unite=world.unite_ime).usager
    assert not access.usager_can(educateur, usager, Categorie.ADMINISTRATIF, Action.LIRE)
    now = timezone.now()
    acces = AccesExceptionnel.objects.create(
        utilisateur=educateur,
        usager=usager,
        motif="Chute dans le couloir, besoin du dossier",
        debut=now - timedelta(hours=1),
        fin=now + timedelta(hours=3),
    )
    assert access.usager_can(educateur, usager, Categorie.EDUCATIF, Action.LIRE)
    # The matrix still applies under break the glass: no medical notes for an educator.
    assert not access.usager_can(educateur, usager, Categorie.MEDICAL, Action.LIRE)
    acces.fin = now - timedelta(seconds=1)
    acces.save()
    assert not access.usager_can(educateur, usager, Categorie.ADMINISTRATIF, Action.LIRE)


@pytest.mark.parametrize("type_compte", [TypeCompte.FAMILLE, TypeCompte.TECHNIQUE])
def test_families_and_technical_admins_never_reach_usager_data(world, resident, type_compte):
    user = UtilisateurFactory(organisme=world.organisme, type_compte=type_compte, is_staff=True)
    assert not access.usagers_visibles(user).exists()
    assert access.categories_permises(user, resident, Action.LIRE) == frozenset()


def test_inactive_account_sees_nothing(world, resident, educateur):
    educateur.is_active = False
    educateur.save()
    assert not access.usagers_visibles(educateur).exists()


def test_refused_access_is_404_and_leaves_an_audit_row(world, resident, educateur_ailleurs):
    with pytest.raises(Http404):
        access.usager_get(educateur_ailleurs, resident.pk)
    with pytest.raises(Http404):
        access.usager_get(educateur_ailleurs, "999999")
    refusals = EvenementAudit.objects.filter(action=AuditAction.REFUS, acteur=educateur_ailleurs)
    assert sorted(refusals.values_list("objet_id", flat=True)) == sorted(
        [str(resident.pk), "999999"]
    )


def test_refused_category_looks_like_an_absent_usager(world, resident, educateur):
    with pytest.raises(Http404):
        access.usager_get(educateur, resident.pk, categorie=Categorie.MEDICAL)
    assert access.usager_get(educateur, resident.pk, categorie=Categorie.EDUCATIF) == resident


def test_policy_queries_are_bounded(world, resident, educateur, django_assert_num_queries):
    # Outside a request: the matrix row (twice), the scope's ids, the person, the objections.
    with django_assert_num_queries(5):
        access.usager_get(educateur, resident.pk, categorie=Categorie.EDUCATIF)
    # Within a request (or a task) the matrix row and the scope are read once.
    jeton = cache_requete.ouvrir()
    try:
        with django_assert_num_queries(4):
            access.usager_get(educateur, resident.pk, categorie=Categorie.EDUCATIF)
        with django_assert_num_queries(2):
            access.usager_get(educateur, resident.pk, categorie=Categorie.EDUCATIF)
    finally:
        cache_requete.fermer(jeton)


def test_list_form_of_the_scope_finds_exactly_the_same_people(
    world, resident, educateur, medecin, directeur, educateur_ailleurs
):
    """`usagers_visibles_liste` (lists and searches) and `usagers_visibles` (one person) must
    never disagree: stays in and out of scope, without a unit, left, upcoming, care team in
    force or over, break-the-glass in progress or over."""
    today = timezone.localdate()
    now = timezone.now()
    unite_b = SejourFactory(unite=world.unite_b).usager
    ime = SejourFactory(unite=world.unite_ime).usager
    sans_unite = SejourFactory(unite=world.unite_a).usager
    sans_unite.sejours.update(unite=None)
    parti = SejourFactory(unite=world.unite_a, date_sortie=datetime.date(2025, 3, 1)).usager
    a_venir = SejourFactory(unite=world.unite_a, date_entree=today + timedelta(days=20)).usager
    equipe, equipe_finie, glace, glace_finie = (
        SejourFactory(unite=world.unite_ime).usager for _ in range(4)
    )
    for usager, fin in ((equipe, None), (equipe_finie, today - timedelta(days=1))):
        MembreEquipe.objects.create(
            usager=usager,
            utilisateur=educateur,
            role="intervenant",
            date_debut=today - timedelta(days=30),
            date_fin=fin,
        )
    for usager, fin in ((glace, now + timedelta(hours=2)), (glace_finie, now)):
        AccesExceptionnel.objects.create(
            utilisateur=educateur,
            usager=usager,
            motif="Remplacement de nuit dans l'unité",
            debut=now - timedelta(hours=3),
            fin=fin,
        )
    everyone = [resident, unite_b, ime, sans_unite, parti, a_venir]
    everyone += [equipe, equipe_finie, glace, glace_finie]
    for user in (educateur, medecin, directeur, educateur_ailleurs):
        un_par_un = set(access.usagers_visibles(user).values_list("pk", flat=True))
        en_liste = set(access.usagers_visibles_liste(user).values_list("pk", flat=True))
        assert un_par_un == en_liste, user
        # The SQL form of the one-person check (`usager_visible`) agrees for each of them.
        for usager in [*everyone, resident]:
            assert access.usager_visible(user, usager.pk) == (usager.pk in un_par_un), (
                user,
                usager,
            )
    visibles = set(access.usagers_visibles_liste(educateur).values_list("pk", flat=True))
    assert visibles & {u.pk for u in everyone} == {
        resident.pk,
        a_venir.pk,
        equipe.pk,
        glace.pk,
    }
    assert parti.pk not in set(
        access.usagers_visibles_liste(directeur).values_list("pk", flat=True)
    )
