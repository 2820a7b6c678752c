"""Template tags of the daily support.

`{% lien 'quotidien:fil' pk %}` is `{% url %}` with a per-process cache: pages such as "ma
journée" link every person and every note (hundreds of links), and `reverse` costs tens of
microseconds each time. URLs depend only on the name, the arguments and the script prefix."""

import functools

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@functools.lru_cache(maxsize=100_000)
def _reverse(prefix: str, name: str, args: tuple[object, ...]) -> str:
    return reverse(name, args=args)


@register.simple_tag
def lien(name: str, *args: object) -> str:
    return _reverse(get_script_prefix(), name, args)
