"""HTML helpers of dui/templatetags/dui_html.py: escaped, and the same output as the Django
template code they replace."""

import datetime

from django.template import Context, Template
from django.utils import timezone

from dui.models import ModeAccueil
from usagers.models import Sejour


def _render(source: str, **context: object) -> str:
    return Template("{% load dui_html %}" + source).render(Context(context))


def test_options_escape_values_and_labels_and_mark_the_choice():
    html = _render(
        "{% options choix choisi %}",
        choix=[(1, 'Unité "Les <Lilas>"'), (2, "L'Étang & co")],
        choisi=2,
    )
    assert html == (
        '<option value="1">Unité &quot;Les &lt;Lilas&gt;&quot;</option>'
        '<option value="2" selected>L&#x27;Étang &amp; co</option>'
    )


def test_option_groups_escape_the_group_label():
    html = _render(
        "{% option_groups groupes choisi %}",
        groupes=[("EHPAD <Tilleuls>", [(7, "Rez-de-jardin")])],
        choisi=None,
    )
    assert html == (
        '<optgroup label="EHPAD &lt;Tilleuls&gt;"><option value="7">Rez-de-jardin</option>'
        "</optgroup>"
    )


def test_libelle_is_the_choice_label_and_keeps_an_unknown_value():
    sejour = Sejour(mode_accueil=ModeAccueil.INTERNAT)
    assert _render('{{ s|libelle:"mode_accueil" }}', s=sejour) == sejour.get_mode_accueil_display()
    sejour.mode_accueil = "inconnu"
    assert _render('{{ s|libelle:"mode_accueil" }}', s=sejour) == "inconnu"


def test_horodatage_matches_the_date_filters_in_the_current_time_zone():
    moment = datetime.datetime(2026, 7, 1, 22, 30, 5, tzinfo=datetime.UTC)
    expected = Template(
        """<time datetime="{{ m|date:'c' }}">{{ m|date:"d/m/Y H:i" }}</time>"""
    ).render(Context({"m": moment}))
    assert _render("{% horodatage m %}", m=moment) == expected
    assert "02/07/2026 00:30" in expected  # Europe/Paris, summer time
    assert timezone.get_current_timezone_name() == "Europe/Paris"
    assert _render("{% horodatage m %}", m=None) == ""
