"""Notifications of the securite app (e-mails carry no health data: a link, not the reason)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q

from .models import AccesExceptionnel, Profession, Utilisateur


def bris_glace_notifier(acces_id: int) -> int:
    """E-mail the heads of service of the establishments where the person stays (directors if
    none). Returns the number of recipients. Idempotent enough: a second run sends again,
    which errs on the side of telling."""
    acces = AccesExceptionnel.objects.select_related("utilisateur", "usager").get(pk=acces_id)
    etablissements = acces.usager.sejours.values("etablissement_id")
    chefs = Utilisateur.objects.filter(
        is_active=True,
        organisme_id=acces.usager.organisme_id,
        professionnel__profession=Profession.CHEF_SERVICE,
    ).filter(
        Q(professionnel__etablissements__in=etablissements)
        | Q(professionnel__unites__etablissement__in=etablissements)
    )
    recipients = sorted({u.email for u in chefs if u.email})
    if not recipients:
        recipients = sorted(
            {
                u.email
                for u in Utilisateur.objects.filter(
                    is_active=True,
                    organisme_id=acces.usager.organisme_id,
                    professionnel__profession=Profession.DIRECTEUR,
                )
                if u.email
            }
        )
    if not recipients:
        return 0
    send_mail(
        subject="[DUI] Accès exceptionnel à un dossier (bris de glace)",
        message=(
            f"{acces.utilisateur} a ouvert un accès exceptionnel au dossier "
            f"n° {acces.usager.identifiant_local} le {acces.debut:%d/%m/%Y à %H:%M}, "
            f"jusqu'au {acces.fin:%d/%m/%Y à %H:%M}.\n\n"
            "Le motif est consultable dans le DUI, page « Qui a consulté ce dossier ». "
            "Merci de revoir cet accès."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)
