"""Support plans of the demo association and of the scale data (called from dui/demo_data.py).

Plans are built in bulk from a few realistic templates per kind of establishment, with a
seeded generator: two runs build the same plans. Both builders are idempotent (they do nothing
when the organisme already has plans). Seeded rows carry no audit row, like the rest of the
demo data: no one wrote them.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dui.models import CategorieEtablissement, Etablissement, Organisme
from securite.models import Profession, Professionnel, TypeCompte, Utilisateur
from usagers.models import Sejour

from .models import (
    Accord,
    Attente,
    Besoin,
    ConceptSerafin,
    EvaluationObjectif,
    Objectif,
    Participant,
    Prestation,
    ProjetDeVie,
    ProjetPersonnalise,
    StatutProjet,
    TypeProjet,
)
from .services import add_months, projet_nouvelle_version

# The plan page measured by `make bench` (bench/pages.py): a fixed id, far above the sequence.
BENCH_PROJET_PK = 900_000_001


@dataclass(frozen=True)
class ObjectifModele:
    besoin: str
    titre: str
    titre_facile: str
    indicateur: str
    prestation: str
    action: str
    frequence: str
    moyens: str


@dataclass(frozen=True)
class Modele:
    type_projet: str
    projets_de_vie: tuple[str, ...]
    attentes: tuple[str, ...]
    attentes_proches: tuple[tuple[str, str], ...]
    objectifs: tuple[ObjectifModele, ...]


AGEES = Modele(
    "PPA",
    (
        "Rester ici, entourée de mes photos et de mes souvenirs",
        "Continuer à voir mes petits-enfants le dimanche",
        "Garder ma liberté d'aller et venir dans la résidence",
    ),
    (
        "Je voudrais aller au jardin tous les jours quand il fait beau.",
        "Je veux garder mes habitudes : le café à 7 heures et le journal.",
        "J'aimerais qu'on m'aide à téléphoner à ma sœur le mercredi.",
        "Je ne veux plus qu'on me réveille avant 8 heures.",
    ),
    (
        ("Sa fille", "Qu'elle mange mieux et reprenne un peu de poids."),
        ("Son fils", "Qu'il participe aux sorties au marché."),
    ),
    (
        ObjectifModele(
            "1.2.1.3",
            "Marcher jusqu'au jardin avec le déambulateur",
            "Je marche jusqu'au jardin.",
            "Trois promenades par semaine",
            "2.1.2.1",
            "Séances de kinésithérapie",
            "deux fois par semaine",
            "kinésithérapeute libéral, barres parallèles",
        ),
        ObjectifModele(
            "1.3.4.1",
            "Participer à l'atelier mémoire du mardi",
            "Je vais à l'atelier du mardi.",
            "Présente à trois ateliers sur quatre",
            "2.3.4.2",
            "Atelier mémoire et chant",
            "chaque mardi après-midi",
            "salle d'animation, animatrice",
        ),
        ObjectifModele(
            "1.2.1.1",
            "Faire seule la toilette du haut du corps",
            "Je fais ma toilette du haut seule.",
            "Toilette du haut sans aide cinq jours sur sept",
            "2.2.1",
            "Accompagnement à la toilette en guidance verbale",
            "chaque matin",
            "lavabo adapté, aide-soignante du matin",
        ),
        ObjectifModele(
            "1.1.3",
            "Soulager la douleur du genou droit",
            "J'ai moins mal au genou.",
            "Échelle de douleur inférieure à 3 au lever",
            "2.1.1.2",
            "Évaluation de la douleur et soins infirmiers",
            "chaque jour",
            "échelle EVA, infirmière",
        ),
    ),
)
ENFANTS = Modele(
    "PPA",
    (
        "Devenir boulanger comme mon oncle",
        "Aller au collège comme mon grand frère",
        "Avoir des copains et faire du foot",
    ),
    (
        "Je veux apprendre à lire l'heure.",
        "Je veux prendre le bus tout seul.",
        "Je veux faire de la piscine.",
        "Je veux cuisiner des gâteaux.",
    ),
    (
        ("Sa mère", "Qu'il puisse dire ce qu'il ressent sans se mettre en colère."),
        ("Ses parents", "Qu'elle soit plus autonome pour s'habiller le matin."),
    ),
    (
        ObjectifModele(
            "1.3.3.3",
            "Lire l'heure sur une horloge à aiguilles",
            "Je lis l'heure.",
            "Lit l'heure pile et la demie sans aide",
            "2.3.3.1",
            "Apprentissages en classe de l'unité d'enseignement",
            "chaque matin",
            "horloge pédagogique, enseignante spécialisée",
        ),
        ObjectifModele(
            "1.3.4.2",
            "Prendre seul la ligne de bus jusqu'à l'IME",
            "Je prends le bus tout seul.",
            "Trajet aller fait seul deux fois par semaine",
            "2.3.4.3",
            "Apprentissage du trajet en bus",
            "le lundi et le jeudi",
            "carte de bus, éducateur",
        ),
        ObjectifModele(
            "1.1.4",
            "Utiliser le classeur de communication pour faire une demande",
            "Je montre les images pour demander.",
            "Cinq demandes spontanées par jour",
            "2.2.2",
            "Communication alternative et améliorée",
            "chaque jour",
            "classeur PECS, orthophoniste",
        ),
        ObjectifModele(
            "1.2.1.2",
            "Jouer avec un camarade sans conflit pendant la récréation",
            "Je joue avec un copain à la récré.",
            "Trois récréations sur cinq sans conflit",
            "2.2.2",
            "Groupe d'habiletés sociales",
            "chaque vendredi",
            "psychologue, salle de jeux",
        ),
    ),
)
ENFANTS_CATEGORIES = frozenset(
    {
        CategorieEtablissement.IME,
        CategorieEtablissement.SESSAD,
        CategorieEtablissement.ITEP,
        CategorieEtablissement.IEM,
        CategorieEtablissement.CAMSP,
        CategorieEtablissement.MECS,
    }
)


def _modele(categorie: str) -> Modele:
    return ENFANTS if categorie in ENFANTS_CATEGORIES else AGEES


@dataclass
class _Cible:
    """One person to give a plan: their stay and who writes and signs the plan."""

    sejour: Sejour
    referent: Utilisateur
    signataire: Utilisateur


def _bulk_plans(
    cibles: Sequence[_Cible], rng: random.Random, today: date, fixed_pk: int | None = None
) -> list[ProjetPersonnalise]:
    """Build the plans and their content in bulk (a constant number of queries per table)."""
    codes = {c.code: c for c in ConceptSerafin.objects.filter(actif=True)}
    types = {t.code: t for t in TypeProjet.objects.all()}
    projets: list[ProjetPersonnalise] = []
    plans: list[tuple[ProjetPersonnalise, _Cible, list[ObjectifModele]]] = []
    for index, cible in enumerate(cibles):
        modele = _modele(cible.sejour.etablissement.categorie)
        tirage = rng.random()
        if fixed_pk is not None and index == 0:
            statut = StatutProjet.EN_COURS
        elif tirage < 0.08:
            statut = StatutProjet.BROUILLON
        elif tirage < 0.16:
            statut = StatutProjet.CONCERTATION
        elif tirage < 0.88:
            statut = StatutProjet.EN_COURS
        else:
            statut = StatutProjet.REEVALUATION
        debut = max(cible.sejour.date_entree, today - timedelta(days=rng.randint(20, 460)))
        if statut in (StatutProjet.BROUILLON, StatutProjet.CONCERTATION):
            debut = today + timedelta(days=rng.randint(5, 30))
        en_vigueur = statut in (StatutProjet.EN_COURS, StatutProjet.REEVALUATION)
        projet = ProjetPersonnalise(
            usager_id=cible.sejour.usager_id,
            etablissement=cible.sejour.etablissement,
            type_projet=types[modele.type_projet],
            titre="Projet personnalisé d'accompagnement",
            statut=statut,
            date_debut=debut,
            date_reevaluation=add_months(debut, 12) if en_vigueur else None,
            referent=cible.referent,
            usager_present=rng.random() < 0.85,
            modalites_communication=rng.choice(
                (
                    "Remis en main propre, version facile à lire lue avec la personne.",
                    "Expliqué avec des pictogrammes ; copie envoyée à la famille.",
                    "Lu avec la personne et son représentant légal lors de la réunion.",
                )
            ),
            valide_le=timezone.now() if en_vigueur else None,
        )
        if fixed_pk is not None and index == 0:
            projet.pk = fixed_pk
        projets.append(projet)
        plans.append((projet, cible, rng.sample(list(modele.objectifs), 2)))
    ProjetPersonnalise.objects.bulk_create(projets, batch_size=2000)

    vies, attentes, besoins, participants, accords = [], [], [], [], []
    for projet, cible, choisis in plans:
        modele = _modele(cible.sejour.etablissement.categorie)
        vies.append(
            ProjetDeVie(projet=projet, titre=rng.choice(modele.projets_de_vie), aspirations="")
        )
        attentes.append(
            Attente(projet=projet, origine="usager", description=rng.choice(modele.attentes))
        )
        if rng.random() < 0.5:
            qui, quoi = rng.choice(modele.attentes_proches)
            attentes.append(
                Attente(
                    projet=projet,
                    origine="proche",
                    origine_precision=qui,
                    description=quoi,
                    ordre=1,
                )
            )
        deja: set[str] = set()
        for ordre, choisi in enumerate(choisis):
            if choisi.besoin not in deja:
                deja.add(choisi.besoin)
                besoins.append(Besoin(projet=projet, code=codes[choisi.besoin], ordre=ordre))
        participants.append(
            Participant(projet=projet, type="proche", nom="Famille", qualite="entourage")
        )
        if projet.statut != StatutProjet.BROUILLON:
            accords.append(
                Accord(
                    projet=projet,
                    partie="usager",
                    forme="oral",
                    date=min(today, projet.date_debut or today) - timedelta(days=3),
                    temoin="Cadre de l'unité",
                    enregistre_par=cible.referent,
                )
            )
        if projet.statut in (StatutProjet.EN_COURS, StatutProjet.REEVALUATION):
            accords.append(
                Accord(
                    projet=projet,
                    partie="structure",
                    forme="validation",
                    date=min(today, projet.date_debut or today) - timedelta(days=2),
                    enregistre_par=cible.signataire,
                )
            )
    ProjetDeVie.objects.bulk_create(vies, batch_size=2000)
    Attente.objects.bulk_create(attentes, batch_size=2000)
    Besoin.objects.bulk_create(besoins, batch_size=2000)
    Participant.objects.bulk_create(participants, batch_size=2000)
    Accord.objects.bulk_create(accords, batch_size=2000)

    besoin_de = {(b.projet.pk, b.code_id): b for b in besoins}
    objectifs, prestations, liens = [], [], []
    for projet, _cible, choisis in plans:
        for ordre, choisi in enumerate(choisis):
            objectif = Objectif(
                projet=projet,
                besoin=besoin_de[(projet.pk, codes[choisi.besoin].pk)],
                titre=choisi.titre,
                titre_facile=choisi.titre_facile,
                indicateur=choisi.indicateur,
                priorite=("haute", "moyenne")[ordre % 2],
                date_cible=add_months(projet.date_debut or today, 12),
                ordre=ordre,
            )
            prestation = Prestation(
                projet=projet,
                code=codes[choisi.prestation],
                titre=choisi.action,
                responsable=_cible.referent,
                frequence=choisi.frequence,
                moyens=choisi.moyens,
                ordre=ordre,
            )
            objectifs.append(objectif)
            prestations.append(prestation)
    Objectif.objects.bulk_create(objectifs, batch_size=2000)
    Prestation.objects.bulk_create(prestations, batch_size=2000)
    for objectif, prestation in zip(objectifs, prestations, strict=True):
        liens.append(
            Prestation.objectifs.through(prestation_id=prestation.pk, objectif_id=objectif.pk)
        )
    Prestation.objectifs.through.objects.bulk_create(liens, batch_size=5000)

    evaluations = []
    evaluateurs = {p.pk: c.referent for p, c, _ in plans}
    for objectif in objectifs:
        projet = objectif.projet
        if projet.statut not in (StatutProjet.EN_COURS, StatutProjet.REEVALUATION):
            continue
        assert projet.date_debut is not None  # noqa: S101 - plans in force have a start
        if (today - projet.date_debut).days < 60 or rng.random() < 0.4:
            continue
        evaluations.append(
            EvaluationObjectif(
                objectif=objectif,
                date=projet.date_debut
                + timedelta(days=rng.randint(30, (today - projet.date_debut).days)),
                resultat=rng.choice(("atteint", "partiellement", "partiellement", "non_atteint")),
                evaluateur=evaluateurs[projet.pk],
            )
        )
    EvaluationObjectif.objects.bulk_create(evaluations, batch_size=2000)
    return projets


def _sejours_en_cours(organisme: Organisme, today: date) -> list[Sejour]:
    return list(
        Sejour.objects.filter(usager__organisme=organisme, date_entree__lte=today)
        .filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=today))
        .select_related("etablissement", "unite")
        .order_by("usager_id")
    )


@transaction.atomic
def projet_demo_build(organisme: Organisme, today: date) -> int:
    """Plans for about 60 % of the demo association's present usagers (idempotent).

    The IME's Colibris group is written by the demo educator, the rest of the IME and the
    SESSAD by the head of service, the EHPAD by the nurse (her units) and the doctor."""
    if ProjetPersonnalise.objects.filter(usager__organisme=organisme).exists():
        return 0
    comptes = {u.username: u for u in Utilisateur.objects.filter(organisme=organisme)}
    educateur, chef = comptes.get("educateur"), comptes.get("chef.service")
    infirmier, medecin = comptes.get("infirmier"), comptes.get("medecin")
    directeur = comptes.get("directeur")
    if not all((educateur, chef, infirmier, medecin, directeur)):
        return 0
    assert educateur and chef and infirmier and medecin and directeur  # noqa: S101 - for mypy
    rng = random.Random(5)  # noqa: S311 - demo data, reproducible
    cibles = []
    for sejour in _sejours_en_cours(organisme, today):
        if rng.random() > 0.6:
            continue
        unite = sejour.unite.nom if sejour.unite else ""
        if sejour.etablissement.categorie == CategorieEtablissement.EHPAD:
            referent = infirmier if unite in ("Les Glycines", "Les Lilas") else medecin
            cibles.append(_Cible(sejour, referent, directeur))
        elif unite == "Les Colibris":
            cibles.append(_Cible(sejour, educateur, chef))
        else:
            cibles.append(_Cible(sejour, chef, chef))
    projets = _bulk_plans(cibles, rng, today)
    # A few plans under re-evaluation already have their version 2 in preparation.
    for projet in [p for p in projets if p.statut == StatutProjet.REEVALUATION][:4]:
        projet_nouvelle_version(acteur=projet.referent, projet=projet)
    return len(projets)


def _scale_referents(
    organisme: Organisme, etablissements: list[Etablissement]
) -> dict[int, Utilisateur]:
    """One educator référent per establishment of the scale data (created once, no login)."""
    existing = {
        u.username: u
        for u in Utilisateur.objects.filter(
            organisme=organisme, username__startswith="bench.referent."
        )
    }
    nouveaux = [
        Utilisateur(
            username=f"bench.referent.{e.pk}",
            organisme=organisme,
            type_compte=TypeCompte.PROFESSIONNEL,
            first_name="Référent",
            last_name=f"n° {index + 1}",
            password=make_password(None),
        )
        for index, e in enumerate(etablissements)
        if f"bench.referent.{e.pk}" not in existing
    ]
    Utilisateur.objects.bulk_create(nouveaux)
    profils = Professionnel.objects.bulk_create(
        Professionnel(utilisateur=u, profession=Profession.EDUCATEUR) for u in nouveaux
    )
    by_user = {
        u.pk: e
        for u, e in zip(
            nouveaux,
            [e for e in etablissements if f"bench.referent.{e.pk}" not in existing],
            strict=True,
        )
    }
    Professionnel.etablissements.through.objects.bulk_create(
        Professionnel.etablissements.through(
            professionnel_id=p.pk, etablissement_id=by_user[p.utilisateur_id].pk
        )
        for p in profils
    )
    existing.update({u.username: u for u in nouveaux})
    return {e.pk: existing[f"bench.referent.{e.pk}"] for e in etablissements}


@transaction.atomic
def projet_scale_build(
    organisme: Organisme,
    today: date,
    *,
    part: float = 0.5,
    educateur: Utilisateur | None = None,
    directeur: Utilisateur | None = None,
    educateur_unites: Callable[[Sejour], bool] | None = None,
) -> int:
    """Plans for `part` of the scale data's present usagers (idempotent), in bulk. The first
    plan of `educateur`'s units gets the fixed id BENCH_PROJET_PK (the bench plan page)."""
    if ProjetPersonnalise.objects.filter(usager__organisme=organisme).exists():
        return 0
    etablissements = list(Etablissement.objects.filter(organisme=organisme).order_by("pk"))
    referents = _scale_referents(organisme, etablissements)
    rng = random.Random(55)  # noqa: S311 - scale data, reproducible
    mine, others = [], []
    for sejour in _sejours_en_cours(organisme, today):
        if rng.random() > part:
            continue
        if educateur is not None and educateur_unites is not None and educateur_unites(sejour):
            mine.append(_Cible(sejour, educateur, directeur or educateur))
        else:
            referent = referents[sejour.etablissement_id]
            others.append(_Cible(sejour, referent, directeur or referent))
    # The bench plan: in force, so its page shows evaluations and the history.
    projets = _bulk_plans(mine[:1], rng, today, fixed_pk=BENCH_PROJET_PK)
    projets += _bulk_plans(mine[1:] + others, rng, today)
    return len(projets)
