"""Every route is classified; every route that touches usager data goes through the policy:
an out-of-scope professional gets 404 and leaves a refusal in the audit, an in-scope one is
served and leaves a reading in the audit. A new route that is not classified here fails."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory

# Routes that never show usager data (organisation, account, technical pages).
NO_USAGER_DATA = {
    "admin:*",
    "dui:accueil",  # lists present people through securite.access (tested in tests/dui)
    "dui:etablissement-list",
    "dui:etablissement-create",
    "dui:etablissement",
    "dui:sante",
    "dui:api-etablissement-list",
    "dui:api-etablissement-detail",
    "dui:api-moi",
    "dui:api-schema",
    "dui:api-docs",
    "securite:*",
    "acces:bris-de-glace",
}


def _usager_kwargs(world: Any) -> dict[str, Any]:
    usager = SejourFactory(unite=world.unite_a).usager
    return {"pk": usager.pk, "_usager": usager}


# Routes that show one usager's data: name -> builder of the URL kwargs (and the usager).
USAGER_ROUTES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "acces:consultations": _usager_kwargs,
}
# Which persona is "in scope" for each route (default: the head of service of the EHPAD).
IN_SCOPE_PERSONA = {"acces:consultations": "chef_service"}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, pattern


def _all_routes() -> list[str]:
    return sorted({name for name, _ in _walk(get_resolver().url_patterns)})


def _classified(name: str) -> bool:
    if name in USAGER_ROUTES or name in NO_USAGER_DATA:
        return True
    return any(rule.endswith(":*") and name.startswith(rule[:-1]) for rule in NO_USAGER_DATA)


def test_every_route_is_classified():
    unclassified = [name for name in _all_routes() if not _classified(name)]
    assert not unclassified, (
        "Routes à classer dans tests/securite/test_url_policy.py "
        f"(données usager ou non) : {unclassified}"
    )


def test_every_usager_route_exists():
    assert set(USAGER_ROUTES) <= set(_all_routes())


@pytest.mark.parametrize("outsider", ["educateur_ailleurs", "educateur_ime"])
@pytest.mark.parametrize("route", sorted(USAGER_ROUTES))
def test_usager_route_refuses_out_of_scope_with_404_and_audit(
    request, route, outsider, world, client_for
):
    """Another organisme's professional, or another establishment's: 404 and a trace."""
    user = request.getfixturevalue(outsider)
    kwargs = USAGER_ROUTES[route](world)
    kwargs.pop("_usager")
    url = reverse(route, kwargs=kwargs)
    response = client_for(user).get(url)
    assert response.status_code == 404, url
    assert EvenementAudit.objects.filter(acteur=user, action=AuditAction.REFUS).exists(), (
        f"{route}: refus non tracé"
    )


@pytest.mark.parametrize("route", sorted(USAGER_ROUTES))
def test_usager_route_serves_in_scope_and_records_the_reading(request, route, world, client_for):
    kwargs = USAGER_ROUTES[route](world)
    usager = kwargs.pop("_usager")
    user = request.getfixturevalue(IN_SCOPE_PERSONA.get(route, "chef_service"))
    response = client_for(user).get(reverse(route, kwargs=kwargs))
    assert response.status_code == 200
    assert EvenementAudit.objects.filter(
        acteur=user, action=AuditAction.LECTURE, usager=usager
    ).exists(), f"{route}: lecture non tracée"
