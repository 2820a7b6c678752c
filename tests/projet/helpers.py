"""Plan builders for the tests: every plan is built through the services, so a test never
starts from a state the product could not reach."""

import datetime

from django.utils import timezone

from securite.models import Utilisateur
from usagers.models import Usager
from usagers.projet import services
from usagers.projet.models import ProjetPersonnalise, TypeProjet

DEBUT = datetime.date(2025, 1, 15)


def projet_brouillon(
    *,
    referent: Utilisateur,
    usager: Usager,
    type_code: str = "PPA",
    date_debut: datetime.date | None = DEBUT,
) -> ProjetPersonnalise:
    """A draft with the person's words, one need, one objective and one service."""
    projet = services.projet_creer(
        acteur=referent,
        usager=usager,
        type_projet=TypeProjet.objects.get(code=type_code),
        titre="Projet personnalisé d'accompagnement",
        date_debut=date_debut,
    )
    services.projet_de_vie_enregistrer(
        acteur=referent,
        projet=projet,
        titre="Rester vivre ici, près de ma fille",
        aspirations="Je veux continuer à jardiner.",
    )
    services.attente_ajouter(
        acteur=referent,
        projet=projet,
        origine="usager",
        description="Je veux aller au marché le samedi.",
    )
    besoin = services.besoin_ajouter(
        acteur=referent, projet=projet, code="1.2.1.3", commentaire="Marche avec un déambulateur."
    )
    objectif = services.objectif_ajouter(
        acteur=referent,
        projet=projet,
        besoin=besoin,
        titre="Aller au marché du samedi avec un accompagnement",
        titre_facile="Je vais au marché le samedi.",
        date_cible=datetime.date(2025, 12, 31),
        indicateur="Trois sorties par mois",
        priorite="haute",
    )
    services.prestation_ajouter(
        acteur=referent,
        projet=projet,
        code="2.3.4.3",
        titre="Accompagnement au marché",
        objectifs=[objectif],
        responsable=referent,
        frequence="chaque samedi matin",
        moyens="déambulateur, véhicule adapté",
    )
    return projet


def projet_en_concertation(
    *, referent: Utilisateur, usager: Usager, **kwargs: object
) -> ProjetPersonnalise:
    projet = projet_brouillon(referent=referent, usager=usager, **kwargs)  # type: ignore[arg-type]
    return services.projet_transition(acteur=referent, projet=projet, vers="concertation")


def accords_recueillir(
    projet: ProjetPersonnalise, *, referent: Utilisateur, chef: Utilisateur
) -> None:
    today = timezone.localdate()
    services.accord_enregistrer(
        acteur=referent,
        projet=projet,
        partie="usager",
        forme="oral",
        date=today,
        temoin="Mme Roux, AES",
    )
    services.accord_enregistrer(
        acteur=chef, projet=projet, partie="structure", forme="validation", date=today
    )


def projet_en_cours(
    *, referent: Utilisateur, chef: Utilisateur, usager: Usager, **kwargs: object
) -> ProjetPersonnalise:
    """A plan validated with both agreements; started (its start date is in the past)."""
    projet = projet_en_concertation(referent=referent, usager=usager, **kwargs)
    accords_recueillir(projet, referent=referent, chef=chef)
    return services.projet_transition(acteur=referent, projet=projet, vers="valide")
