"""`reverse` with a per-process cache.

Lists link every person and every note (hundreds of links a page) and `reverse` costs tens of
microseconds each time. A URL depends only on the URLconf, the script prefix, the name and
the arguments, which are all in the cache key."""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=100_000)
def _reverse(urlconf: str | None, prefix: str, name: str, args: tuple[object, ...]) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def lien(name: str, *args: object) -> str:
    """The URL of the view `name` with positional `args` (ids only: no identity in URLs)."""
    return _reverse(get_urlconf(), get_script_prefix(), name, args)
