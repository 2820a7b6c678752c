"""Password authentication (Django's model backend) whose `get_user`, run on every request
to load the session's account, also reads the professional profile in the same query: the
access policy needs the profession on nearly every page (one query fewer per request)."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from securite.models import Utilisateur


class UtilisateurBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Utilisateur | None:
        user = Utilisateur.objects.select_related("professionnel").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
