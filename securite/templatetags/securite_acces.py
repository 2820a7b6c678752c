"""Template filters of the access policy (securite.access decides; templates only ask)."""

from typing import Any

from django import template

from securite import access

register = template.Library()


@register.filter
def gere_le_partage(user: Any) -> bool:
    """Does the user's profession manage care teams or objections? Combine with the right to
    write the record's administrative part (`peut_ecrire_admin` on the record page), which is
    the rest of access.equipe_can_manage / opposition_can_manage; the page checks again."""
    pro = access.professional(user)
    return pro is not None and pro.profession in access.PARTAGE_GESTIONNAIRES


@register.filter
def gere_la_matrice(user: Any) -> bool:
    """May the user adjust the organisme's matrix (access.matrice_can_manage)?"""
    return access.matrice_can_manage(user)
