"""API tokens (`Authorization: Token …`) for machine clients only.

A token carries no session: no second factor, no idle timeout, no absolute lifetime. So a
token authenticates only a technical account (`TypeCompte.TECHNIQUE`, an integration of the
organisme), never a person's account: a professional or a family reaches the API through a
session verified by the second factor."""

from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from securite.models import TypeCompte


class JetonTechniqueAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if getattr(user, "type_compte", None) != TypeCompte.TECHNIQUE:
            raise AuthenticationFailed(
                "Les jetons d'API sont réservés aux comptes techniques (clients machines) : "
                "connectez-vous avec votre second facteur."
            )
        return user, token
