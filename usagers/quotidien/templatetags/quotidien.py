"""Template tags of the daily support.

`{% lien 'quotidien:fil' pk %}` is `{% url %}` with a per-process cache (`dui.liens`): pages
such as "ma journée" link every person and every note (hundreds of links)."""

from django import template

from dui import liens

register = template.Library()


@register.simple_tag
def lien(name: str, *args: object) -> str:
    return liens.lien(name, *args)
