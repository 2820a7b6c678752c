"""E-mails of the daily support. They carry no health data: a number, a date, a link to
follow in the DUI, never the narrative nor the person's name."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from securite.models import Profession, Utilisateur

from .models import EvenementIndesirable, Gravite, PalierRelance


def responsables(incident: EvenementIndesirable) -> list[str]:
    """Addresses of the heads of service of the establishment and of the organisme's
    directors."""
    etablissement = incident.etablissement
    users = Utilisateur.objects.filter(
        is_active=True, organisme_id=etablissement.organisme_id
    ).filter(
        Q(professionnel__profession=Profession.DIRECTEUR)
        | Q(
            professionnel__profession=Profession.CHEF_SERVICE,
            professionnel__etablissements=etablissement,
        )
        | Q(
            professionnel__profession=Profession.CHEF_SERVICE,
            professionnel__unites__etablissement=etablissement,
        )
    )
    return sorted({u.email for u in users if u.email})


def incident_notifier(incident_id: int) -> int:
    """Tell the heads of service and directors that an adverse event was declared."""
    incident = EvenementIndesirable.objects.select_related("etablissement").get(pk=incident_id)
    recipients = responsables(incident)
    if not recipients:
        return 0
    urgent = incident.is_eigs or incident.gravite >= Gravite.CRITIQUE
    send_mail(
        subject=("[DUI] URGENT : " if urgent else "[DUI] ")
        + f"événement indésirable n° {incident.pk} déclaré",
        message=(
            f"Un événement indésirable de gravité {incident.gravite}/5 a été déclaré le "
            f"{timezone.localtime(incident.declare_le):%d/%m/%Y à %H:%M} "
            f"({incident.etablissement}).\n\n"
            "Le détail est consultable dans le DUI, rubrique « Événements indésirables »."
            + (
                "\n\nIl est qualifié d'événement grave associé aux soins (EIGS) : la partie 1 "
                "de la déclaration à l'ARS est à transmettre sans délai."
                if incident.is_eigs
                else ""
            )
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)


def eigs_relance_envoyer(incident: EvenementIndesirable, palier: str) -> int:
    """One EIGS reminder to the heads of service and directors; returns the recipients."""
    recipients = responsables(incident)
    if not recipients:
        return 0
    echeance = incident.eigs_partie2_echeance
    avant = f"avant le {echeance:%d/%m/%Y}" if echeance else ""
    lignes = {
        PalierRelance.PARTIE1: "la partie 1 de la déclaration à l'ARS n'est pas enregistrée "
        "comme transmise : elle est due sans délai.",
        PalierRelance.PARTIE2_J30: f"la partie 2 (analyse approfondie) est à transmettre à "
        f"l'ARS {avant}, dans 30 jours au plus.",
        PalierRelance.PARTIE2_J7: f"la partie 2 (analyse approfondie) est à transmettre à "
        f"l'ARS {avant}, dans 7 jours au plus.",
        PalierRelance.PARTIE2_RETARD: f"la partie 2 (analyse approfondie) était à transmettre "
        f"{avant} : l'échéance est dépassée.",
    }
    send_mail(
        subject=f"[DUI] Relance EIGS n° {incident.pk} : {PalierRelance(palier).label.lower()}",
        message=(
            f"Événement indésirable grave associé aux soins n° {incident.pk} "
            f"({incident.etablissement}) : {lignes[PalierRelance(palier)]}\n\n"
            "Enregistrez la transmission dans le DUI, rubrique « Événements indésirables »."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)
