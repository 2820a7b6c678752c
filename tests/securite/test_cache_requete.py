"""The request cache of policy facts: one reading per request, none outside a request, and
forgotten as soon as what it depends on changes within the request."""

from datetime import timedelta

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from securite import access
from securite.cache_requete import CacheRequeteMiddleware
from securite.models import AccesExceptionnel, Action, Categorie, RegleAcces
from tests.factories import SejourFactory


def _in_request(fn):
    """Run `fn` as a view behind the middleware; what it returns."""
    out = {}

    def view(request):
        out["value"] = fn()
        return HttpResponse()

    CacheRequeteMiddleware(view)(RequestFactory().get("/"))
    return out["value"]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_outside_a_request_every_call_reads_the_database(world, educateur):
    assert _queries(lambda: access.matrix_row(educateur)) == 1
    assert _queries(lambda: access.matrix_row(educateur)) == 1


def test_within_a_request_the_matrix_row_is_read_once(world, educateur):
    def twice():
        return _queries(lambda: access.matrix_row(educateur)), _queries(
            lambda: access.matrix_row(educateur)
        )

    assert _in_request(twice) == (1, 0)


def test_a_rule_changed_during_the_request_is_seen_at_once(world, educateur):
    def scenario():
        before = access.matrix_row(educateur).get(Categorie.EDUCATIF, frozenset())
        RegleAcces.objects.create(
            organisme=world.organisme,
            profession="educateur",
            categorie=Categorie.EDUCATIF,
            peut_lire=False,
            peut_ecrire=False,
        )
        after = access.matrix_row(educateur).get(Categorie.EDUCATIF, frozenset())
        return before, after

    before, after = _in_request(scenario)
    assert Action.LIRE in before
    assert after == frozenset()


def test_a_returned_row_cannot_alter_the_cached_one(world, educateur):
    def scenario():
        access.matrix_row(educateur)[Categorie.MEDICAL] = frozenset({Action.ECRIRE})
        return access.matrix_row(educateur).get(Categorie.MEDICAL, frozenset())

    assert Action.ECRIRE not in _in_request(scenario)


def test_scope_and_break_the_glass_follow_changes_within_the_request(world, educateur):
    usager = SejourFactory(unite=world.unite_ime).usager  # outside the educator's unit

    def scenario():
        seen_before = access.usager_visible(educateur, usager.pk)
        now = timezone.now()
        acces = AccesExceptionnel.objects.create(
            utilisateur=educateur,
            usager=usager,
            motif="Remplacement de nuit dans l'unité",
            debut=now - timedelta(minutes=1),
            fin=now + timedelta(hours=1),
        )
        seen_during = access.usager_visible(educateur, usager.pk)
        flagged = [a.usager_id for a in access.acces_exceptionnels_en_cours_liste(educateur)]
        acces.fin = now
        acces.save()
        seen_after = access.usager_visible(educateur, usager.pk)
        return seen_before, seen_during, flagged, seen_after

    seen_before, seen_during, flagged, seen_after = _in_request(scenario)
    assert (seen_before, seen_during, seen_after) == (False, True, False)
    assert flagged == [usager.pk]


def test_the_scope_follows_assignments_and_new_units_within_the_request(world, educateur):
    """The scope's ids are read once per request, and read again after a change of the
    user's assignments or of the units of an establishment they work in as a whole."""
    from dui.models import Unite

    usager = SejourFactory(unite=world.unite_b).usager
    pro = educateur.professionnel

    def scenario():
        seen = [access.usager_visible(educateur, usager.pk)]
        pro.unites.add(world.unite_b)
        seen.append(access.usager_visible(educateur, usager.pk))
        pro.unites.remove(world.unite_a, world.unite_b)
        pro.etablissements.add(world.ehpad)
        avant = set(access.perimetre(educateur).unites)  # read, and kept for the request
        kept = _queries(lambda: access.perimetre(educateur))
        nouvelle = Unite.objects.create(etablissement=world.ehpad, nom="Unité C")
        seen.append(nouvelle.pk in access.perimetre(educateur).unites)
        return seen, avant, kept

    seen, avant, kept = _in_request(scenario)
    assert seen == [False, True, True]
    assert avant == {world.unite_a.pk, world.unite_b.pk}
    assert kept == 0


def test_a_celery_task_has_a_cache_of_its_own(world, educateur):
    """Each task reads the policy facts once (like a request), and nothing is kept after it."""
    from celery.signals import task_postrun, task_prerun

    from dui import celery
    from securite import cache_requete

    receivers = [r() for _, r in task_prerun.receivers] + [r() for _, r in task_postrun.receivers]
    assert celery.cache_politique_ouvrir in receivers
    assert celery.cache_politique_fermer in receivers

    class Tache:
        request = None

    celery.cache_politique_ouvrir(sender=Tache(), task_id="t1")
    try:
        assert _queries(lambda: access.matrix_row(educateur)) == 1
        assert _queries(lambda: access.matrix_row(educateur)) == 0
    finally:
        celery.cache_politique_fermer(sender=Tache(), task_id="t1")
    assert cache_requete.lire(("matrix_row", educateur.organisme_id, educateur.profession)) is None
    assert _queries(lambda: access.matrix_row(educateur)) == 1
