"""The HTML of a person in lists (usagers/templatetags/usagers_html.py): escaped, and the
same badges as the record page."""

from django.template import Context, Template

from tests.factories import SejourFactory
from usagers import selectors
from usagers.models import StatutIdentite


def _rendu(source: str, **context) -> str:
    return Template("{% load usagers_html %}" + source).render(Context(context))


def test_a_row_escapes_every_value_and_shows_stays_and_badges(world):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.nom_naissance = "O'Brien <b>"
    usager.nom_utilise = "Martin & Fils"
    usager.sexe = "F"
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.is_homonyme = True
    usager.sejours_courants = [
        selectors.SejourCourant("EHPAD <Les Tilleuls>", "Unité A"),
        selectors.SejourCourant("IME", ""),
    ]
    html = _rendu("{% usager_ligne usager %}", usager=usager)
    assert "<b>" not in html and "O&#x27;Brien &lt;b&gt;" in html
    assert "MARTIN &amp; FILS" in html and "née O&#x27;Brien" in html
    assert f'href="/usagers/{usager.pk}/"' in html
    assert "EHPAD &lt;Les Tilleuls&gt; — Unité A<br>IME</td>" in html
    assert '<span class="badge badge--qualifiee">Identité qualifiée</span>' in html
    assert '<span class="badge badge--info">homonyme</span>' in html
    assert "douteuse" not in html


def test_a_row_without_current_stay_says_so(world):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.sejours_courants = []
    assert '<span class="muted">aucun</span>' in _rendu("{% usager_ligne usager %}", usager=usager)


def test_the_badges_mark_doubtful_and_fictitious_identities(world):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.is_douteuse = usager.is_fictive = True
    html = _rendu("{% statut_identite usager %}", usager=usager)
    assert html == (
        '<span class="badge badge--provisoire">Identité provisoire</span>'
        ' <span class="badge badge--alerte">douteuse</span>'
        ' <span class="badge badge--alerte">fictive</span>'
    )
