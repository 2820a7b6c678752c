"""A cache that lives for one HTTP request, for facts of the access policy a page asks for
several times (the profession's row of the matrix, "this person is in my scope").

`CacheRequeteMiddleware` opens it at the start of each request and drops it at the end, and
`ouvrir`/`fermer` do the same around each Celery task (dui/celery.py); elsewhere (services
called by tests, commands) there is none and every call computes afresh, so nothing can go
stale there. A change to what the policy depends on
(stays, care team, break-the-glass, objections, the matrix, assignments, establishments and
units) during a request
empties it (signals connected in securite/apps.py)."""

from collections.abc import Callable, Hashable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_cache: ContextVar[dict[Hashable, Any] | None] = ContextVar("dui_cache_requete", default=None)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """The value of `key` for this request, computed once (or each time outside a request)."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]  # type: ignore[no-any-return]


def lire(key: Hashable) -> Any:
    """What was kept for `key` in this request, or None."""
    cache = _cache.get()
    return None if cache is None else cache.get(key)


def retenir(key: Hashable, value: Any) -> None:
    """Record a fact established by other means (e.g. a usager read through the policy)."""
    cache = _cache.get()
    if cache is not None:
        cache[key] = value


def vider() -> None:
    """Forget everything kept for the current request (after changing the policy)."""
    cache = _cache.get()
    if cache is not None:
        cache.clear()


def ouvrir() -> Token[dict[Hashable, Any] | None]:
    """Open an empty cache for a unit of work (a Celery task); `fermer` with the token."""
    return _cache.set({})


def fermer(token: Token[dict[Hashable, Any] | None]) -> None:
    _cache.reset(token)


class CacheRequeteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = ouvrir()
        try:
            return self.get_response(request)
        finally:
            fermer(token)
