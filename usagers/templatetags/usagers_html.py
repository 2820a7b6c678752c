"""HTML of a person in lists, written in Python: the list and the search show 50 people a
page, and the template loop (an include per row for the identity badges, a nested loop for
the stays) was the largest part of those pages' time. Every value is escaped
(`html.escape`, quotes included) before it is marked safe."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from usagers.models import StatutIdentite, Usager

register = template.Library()

_STATUTS = {value: str(label).lower() for value, label in StatutIdentite.choices}
_ATTRIBUTS = (
    ("is_douteuse", "alerte", "douteuse"),
    ("is_fictive", "alerte", "fictive"),
    ("is_homonyme", "info", "homonyme"),
)


def _statut(usager: Usager) -> str:
    statut = usager.statut_identite
    html = (
        f'<span class="badge badge--{escape(statut)}">'
        f"Identité {escape(_STATUTS.get(statut, statut))}</span>"
    )
    for attribut, sorte, libelle in _ATTRIBUTS:
        if getattr(usager, attribut):
            html += f' <span class="badge badge--{sorte}">{libelle}</span>'
    return html


@register.simple_tag
def statut_identite(usager: Usager) -> SafeString:
    """The identity status badge (RNIV) and the attributes douteuse, fictive, homonyme."""
    return mark_safe(_statut(usager))  # noqa: S308 (escaped above)


def _sejours(usager: Usager) -> str:
    sejours = getattr(usager, "sejours_courants", None) or []
    if not sejours:
        return '<span class="muted">aucun</span>'
    return "<br>".join(
        escape(sejour.etablissement) + (f" — {escape(sejour.unite)}" if sejour.unite else "")
        for sejour in sejours
    )


@register.simple_tag
def usager_ligne(usager: Usager) -> SafeString:
    """One row of the list of people: name (and birth name when a used name is set), birth
    date, record number, current stays (`sejours_courants`, see usagers.selectors), identity
    badges."""
    naissance = ""
    if usager.nom_utilise:
        nee = "née" if usager.sexe == "F" else "né"
        naissance = f'<br><span class="muted">{nee} {escape(usager.nom_naissance)}</span>'
    return mark_safe(  # noqa: S308 (escaped above)
        "<tr>"
        f'<th scope="row"><a href="{escape(usager.get_absolute_url())}">'
        f"{escape(usager.nom_affiche)} {escape(usager.prenom_affiche)}</a>{naissance}</th>"
        f"<td>{escape(usager.date_naissance_affichee)}</td>"
        f"<td>{escape(usager.identifiant_local)}</td>"
        f"<td>{_sejours(usager)}</td>"
        f"<td>{_statut(usager)}</td>"
        "</tr>"
    )
