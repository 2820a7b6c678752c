from typing import Any

from django.http import HttpRequest

from . import access


def acces_exceptionnels(request: HttpRequest) -> dict[str, Any]:
    """Break-the-glass accesses in force, shown as a banner on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"acces_exceptionnels": access.acces_exceptionnels_en_cours_liste(user)[:5]}
