from typing import Any

from django.apps import AppConfig


class SecuriteConfig(AppConfig):
    name = "securite"
    verbose_name = "Sécurité"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from dui.models import Etablissement, Unite
        from usagers.models import Sejour

        from . import cache_requete
        from .models import AccesExceptionnel, MembreEquipe, Opposition, Professionnel, RegleAcces

        # What the access policy depends on: a change during a request empties the request's
        # cache of policy facts (securite/cache_requete.py).
        def vider(**kwargs: Any) -> None:
            cache_requete.vider()

        modeles = (
            AccesExceptionnel,
            MembreEquipe,
            Opposition,
            RegleAcces,
            Sejour,
            Professionnel,
            Etablissement,
            Unite,
        )
        for model in modeles:
            uid = f"cache-requete-{model.__name__}"
            post_save.connect(vider, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(vider, sender=model, weak=False, dispatch_uid=f"{uid}-suppression")
        for through in (Professionnel.unites.through, Professionnel.etablissements.through):
            uid = f"cache-requete-{through.__name__}"
            m2m_changed.connect(vider, sender=through, weak=False, dispatch_uid=uid)
