"""HTML helpers for long lists in templates.

`{% options choices selected %}` writes the `<option>` elements of a select in Python: a
director's filters list hundreds of units, and a template loop with a comparison per option
costs several milliseconds on every page view. Every value and label is escaped (`html.escape`,
quotes included) before it is marked safe."""

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from django import template
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

Choice = tuple[object, str]


def _options(choices: Iterable[Choice], selected: str) -> str:
    return "".join(
        f'<option value="{escape(str(value))}"'
        f"{' selected' if str(value) == selected else ''}>{escape(str(label))}</option>"
        for value, label in choices
    )


@register.simple_tag
def options(choices: Iterable[Choice], selected: object = None) -> SafeString:
    """`<option>` elements of (value, label) pairs; `selected` marks the chosen value."""
    return mark_safe(_options(choices, "" if selected is None else str(selected)))  # noqa: S308


@register.simple_tag
def option_groups(
    groups: Iterable[tuple[str, Sequence[Choice]]], selected: object = None
) -> SafeString:
    """`<optgroup>` elements of (label, [(value, label), ...]) pairs."""
    chosen = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308
        "".join(
            f'<optgroup label="{escape(str(label))}">{_options(choices, chosen)}</optgroup>'
            for label, choices in groups
        )
    )


@functools.cache
def _choix(model: type[models.Model], name: str) -> dict[object, str]:
    field = model._meta.get_field(name)
    return {value: str(label) for value, label in getattr(field, "flatchoices", ())}


@register.filter
def libelle(obj: models.Model, name: str) -> str:
    """The label of a choice field, like `get_<name>_display`, from a dict built once per
    field (Django rebuilds the choices on every call: lists of notes call it hundreds of
    times)."""
    value = getattr(obj, name)
    return _choix(type(obj), name).get(value, value)


@register.simple_tag
def horodatage(moment: datetime | None) -> SafeString:
    """`<time datetime="ISO 8601">dd/mm/yyyy hh:mm</time>` in the current time zone: the same
    as `|date:'c'` and `|date:"d/m/Y H:i"`, without Django's format machinery."""
    if moment is None:
        return mark_safe("")
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return mark_safe(  # noqa: S308 (digits and punctuation only)
        f'<time datetime="{local.isoformat()}">{local:%d/%m/%Y %H:%M}</time>'
    )
