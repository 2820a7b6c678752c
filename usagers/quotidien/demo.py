"""Three weeks of daily life for the demo association: transmissions, measurements, agenda,
planned absences, presence and a few adverse events. Called by dui.demo_data.demo_build;
idempotent (skipped when the organisme already has transmissions) and built in bulk.

Seeded generator: two runs on an empty database build the same notes (the times are relative
to `today`). Written directly, like the rest of the demo data: no audit rows for seed data.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dui.models import CategorieEtablissement, Organisme
from securite.models import Utilisateur
from usagers.models import Sejour

from . import services
from .models import (
    AbsencePrevue,
    Evenement,
    EvenementIndesirable,
    Observation,
    Participant,
    Transmission,
)
from .plausibilite import valeur_verifier

JOURS = 21

# (categorie, cible, données, actions, résultats): what a shift writes, for the elderly (EHPAD)
# and for children (IME, SESSAD).
NOTES_EHPAD = (
    (
        "soins",
        "Sommeil",
        "Réveillée à 3 h, a cherché la sortie du couloir.",
        "Raccompagnée en chambre, présence rassurante, lumière tamisée.",
        "Rendormie vers 4 h.",
    ),
    (
        "soins",
        "Alimentation",
        "N'a mangé que la moitié de son déjeuner, dit ne pas avoir faim.",
        "Proposé un laitage enrichi au goûter.",
        "Goûter pris en entier.",
    ),
    (
        "soins",
        "Douleur",
        "Se plaint du genou droit au lever, grimace à la marche.",
        "Infirmière prévenue, antalgique selon prescription à 8 h.",
        "Marche plus facile à 10 h.",
    ),
    (
        "soins",
        "Toilette",
        "Toilette au lavabo, a fait seule le haut du corps.",
        "Aide pour le dos et les jambes.",
        "Satisfaite, a choisi ses vêtements.",
    ),
    (
        "soins",
        "Hydratation",
        "A peu bu ce matin (un verre).",
        "Boisson proposée toutes les heures, eau gélifiée.",
        "Quatre verres à 16 h.",
    ),
    (
        "educatif",
        "Animation",
        "A participé à l'atelier chant, a chanté les refrains.",
        "Installée près du piano.",
        "Souriante, a demandé quand revient l'atelier.",
    ),
    (
        "educatif",
        "Humeur",
        "Triste après l'appel de sa fille, pleure dans sa chambre.",
        "Temps d'écoute, proposé une promenade au jardin.",
        "Apaisée au dîner.",
    ),
    (
        "social",
        "Famille",
        "Visite de son fils, qui s'inquiète de la perte de poids.",
        "Rendez-vous proposé avec l'infirmière coordinatrice.",
        "Rendez-vous fixé jeudi.",
    ),
    (
        "soins",
        "Mobilité",
        "Se lève seule du fauteuil avec le déambulateur.",
        "Encouragée à marcher jusqu'à la salle à manger.",
        "Trajet fait deux fois aujourd'hui.",
    ),
    (
        "soins",
        "Élimination",
        "Pas de selles depuis trois jours.",
        "Hydratation renforcée, infirmière informée.",
        "",
    ),
    (
        "medical",
        "Consultation",
        "Examen après la chute : pas de fracture, hématome de hanche.",
        "Antalgique de palier 1 si douleur ; radiographie non nécessaire.",
        "Revoir dans 8 jours.",
    ),
)
NOTES_ENFANTS = (
    (
        "educatif",
        "Accueil",
        "Arrivé en taxi à 9 h 10, calme, a dit bonjour à chacun.",
        "Temps d'accueil avec le pictogramme de la journée.",
        "S'est installé seul à l'atelier.",
    ),
    (
        "educatif",
        "Communication",
        "A utilisé le classeur PECS pour demander à boire.",
        "Valorisé la demande, modelé la phrase complète.",
        "Deux demandes spontanées ensuite.",
    ),
    (
        "educatif",
        "Comportement",
        "Crise à la récréation quand le ballon lui a été pris.",
        "Mis à l'écart au coin calme, minuteur de 5 minutes.",
        "Revenu jouer, a rendu le ballon.",
    ),
    (
        "educatif",
        "Autonomie",
        "A mis son manteau et fermé la fermeture seul.",
        "Félicité, photo pour le cahier de liaison.",
        "",
    ),
    (
        "educatif",
        "Scolarité",
        "En classe avec l'enseignante : lecture de syllabes.",
        "Jeu de cartes syllabes en petit groupe.",
        "Reconnaît 12 syllabes sur 15.",
    ),
    (
        "educatif",
        "Repas",
        "A goûté les carottes pour la première fois.",
        "Présentation séparée des aliments, sans insister.",
        "Deux bouchées.",
    ),
    (
        "soins",
        "Santé",
        "Tousse depuis ce matin, pas de fièvre (37,1 °C).",
        "Famille prévenue par le cahier de liaison.",
        "À surveiller demain.",
    ),
    (
        "social",
        "Famille",
        "Sa mère signale un déménagement prévu en juin.",
        "Informé l'assistante sociale.",
        "Rendez-vous famille à fixer.",
    ),
    (
        "educatif",
        "Sortie",
        "Sortie à la médiathèque avec le groupe, a choisi deux livres.",
        "Accompagnement à la caisse, il a tendu sa carte.",
        "Fier de montrer ses livres.",
    ),
)
ACTIVITES: dict[str, tuple[tuple[str, int, int, str, str], ...]] = {
    CategorieEtablissement.EHPAD: (
        ("Atelier mémoire", 1, 10, "Salon du 1er étage", "2.2.2"),
        ("Gymnastique douce", 3, 15, "Salle d'animation", "2.1.2.1"),
        ("Chorale", 4, 14, "Salle d'animation", "2.3.4.2"),
    ),
    CategorieEtablissement.IME: (
        ("Piscine", 3, 14, "Piscine municipale", "2.3.4.2"),
        ("Atelier cuisine", 1, 10, "Cuisine pédagogique", "2.2.1"),
        ("Classe", 0, 9, "Unité d'enseignement", "2.3.3.1"),
    ),
    CategorieEtablissement.SESSAD: (
        ("Séance d'orthophonie", 2, 11, "Cabinet du SESSAD", "2.1.2.1"),
    ),
}
RENDEZ_VOUS = (
    ("Consultation du cardiologue", "medical", "Hôpital Édouard-Herriot", "ambulance"),
    ("Dentiste", "soins", "Cabinet dentaire, 12 rue Racine", "taxi"),
    ("Kinésithérapie", "soins", "Dans l'établissement", "aucun"),
    ("Bilan orthophonique", "soins", "CMP de Villeurbanne", "etablissement"),
)


def _moment(rng: random.Random, day: date) -> datetime:
    hour = rng.choice((7, 8, 10, 11, 14, 15, 16, 18, 20, 22, 3))
    return timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(0, 60, 5))))


def quotidien_demo_build(organisme: Organisme, today: date) -> None:
    """Daily life of the demo association over the last three weeks (idempotent)."""
    if Transmission.objects.filter(usager__organisme=organisme).exists():
        return
    users = {u.username: u for u in Utilisateur.objects.filter(organisme=organisme)}
    auteurs_ehpad = [users[n] for n in ("infirmier", "medecin") if n in users]
    auteurs_enfants = [users[n] for n in ("educateur", "chef.service") if n in users]
    if not auteurs_ehpad or not auteurs_enfants:
        return
    rng = random.Random(2026)
    sejours = list(
        Sejour.objects.filter(usager__organisme=organisme, date_entree__lte=today)
        .exclude(date_sortie__lt=today)
        .select_related("etablissement", "unite", "usager")
        .order_by("pk")
    )
    transmissions: list[Transmission] = []
    observations: list[Observation] = []
    for sejour in sejours:
        ehpad = sejour.etablissement.categorie == CategorieEtablissement.EHPAD
        notes, auteurs = (NOTES_EHPAD, auteurs_ehpad) if ehpad else (NOTES_ENFANTS, auteurs_enfants)
        for offset in range(JOURS, -1, -1):
            day = today - timedelta(days=offset)
            if day < sejour.date_entree:
                continue
            for _ in range(rng.choice((0, 1, 1, 2))):
                categorie, cible, donnees, actions, resultats = rng.choice(notes)
                auteur = rng.choice(auteurs)
                if categorie == "medical":
                    auteur = users.get("medecin", auteur)
                moment = _moment(rng, day)
                if moment > timezone.now():
                    continue
                transmissions.append(
                    Transmission(
                        usager=sejour.usager,
                        auteur=auteur,
                        ecrite_le=moment,
                        categorie=categorie,
                        cible=cible,
                        donnees=donnees,
                        actions=actions,
                        resultats=resultats,
                        is_importante=cible in ("Douleur", "Comportement") and rng.random() < 0.3,
                    )
                )
            if ehpad:
                observations += _constantes(rng, sejour, day, auteurs_ehpad[0], offset)
    Transmission.objects.bulk_create(transmissions, batch_size=1000)
    Observation.objects.bulk_create(observations, batch_size=1000)
    _agenda(rng, organisme, sejours, users, today)
    _absences_et_incidents(rng, sejours, users, today)
    for offset in range(JOURS, -1, -1):
        services.presences_deriver(
            jour=today - timedelta(days=offset),
            etablissement_ids=sorted({s.etablissement_id for s in sejours}),
        )


def _constantes(
    rng: random.Random, sejour: Sejour, day: date, auteur: Utilisateur, offset: int
) -> list[Observation]:
    """Weekly weight, blood pressure and pulse every three days, temperature now and then."""
    mesures: list[tuple[str, str, str | None]] = []
    base = 55 + (sejour.usager.pk % 25)
    if offset % 7 == 0:
        mesures.append(("poids", f"{base - (JOURS - offset) * 0.05:.1f}", None))
    if offset % 3 == 0:
        mesures.append(("tension", str(rng.randint(105, 158)), str(rng.randint(60, 92))))
        mesures.append(("pouls", str(rng.randint(58, 104)), None))
    if rng.random() < 0.15:
        mesures.append(("temperature", f"{rng.choice((36.6, 36.9, 37.2, 37.4, 38.3)):.1f}", None))
    moment = timezone.make_aware(datetime.combine(day, time(8, 30)))
    if moment > timezone.now():
        return []
    result = []
    for type, valeur, valeur_2 in mesures:
        verdict = valeur_verifier(type, valeur, valeur_2)
        result.append(
            Observation(
                usager=sejour.usager,
                auteur=auteur,
                type=type,
                categorie="soins",
                mesuree_le=moment,
                valeur=verdict.valeur,
                valeur_2=verdict.valeur_2,
                is_anormale=verdict.is_anormale,
                motif_anomalie=verdict.motif_anomalie,
            )
        )
    return result


def _agenda(
    rng: random.Random,
    organisme: Organisme,
    sejours: list[Sejour],
    users: dict[str, Utilisateur],
    today: date,
) -> None:
    """Weekly activities per unit over six weeks, and a few appointments."""
    lundi = today - timedelta(days=today.weekday())
    evenements: list[Evenement] = []
    participants: list[tuple[Evenement, list[Sejour]]] = []
    par_unite: dict[int, list[Sejour]] = {}
    for sejour in sejours:
        if sejour.unite_id:
            par_unite.setdefault(sejour.unite_id, []).append(sejour)
    auteur = users.get("chef.service") or next(iter(users.values()))
    for unite_sejours in par_unite.values():
        unite = unite_sejours[0].unite
        etablissement = unite_sejours[0].etablissement
        for titre, weekday, hour, lieu, serafin in ACTIVITES.get(etablissement.categorie, ()):
            groupe = rng.sample(unite_sejours, min(6, len(unite_sejours)))
            for week in range(-3, 3):
                day = lundi + timedelta(weeks=week, days=weekday)
                debut = timezone.make_aware(datetime.combine(day, time(hour)))
                evenement = Evenement(
                    etablissement=etablissement,
                    unite=unite,
                    titre=titre,
                    nature="scolarite" if titre == "Classe" else "activite",
                    prestation_serafin=serafin,
                    debut=debut,
                    fin=debut + timedelta(hours=1, minutes=30),
                    lieu=lieu,
                    transport="etablissement" if titre == "Piscine" else "aucun",
                    statut="realise" if day < today else "planifie",
                    cree_par=auteur,
                )
                evenements.append(evenement)
                participants.append((evenement, groupe))
    for index, sejour in enumerate(rng.sample(sejours, min(12, len(sejours)))):
        titre, categorie, lieu, transport = RENDEZ_VOUS[index % len(RENDEZ_VOUS)]
        day = today + timedelta(days=index - 4)
        debut = timezone.make_aware(datetime.combine(day, time(9 + index % 7)))
        evenement = Evenement(
            etablissement=sejour.etablissement,
            unite=sejour.unite,
            titre=titre,
            nature="rendez_vous",
            categorie=categorie,
            debut=debut,
            fin=debut + timedelta(hours=1),
            lieu=lieu,
            transport=transport,
            statut="realise" if day < today else "planifie",
            cree_par=users.get("medecin", auteur),
        )
        evenements.append(evenement)
        participants.append((evenement, [sejour]))
    Evenement.objects.bulk_create(evenements)
    Participant.objects.bulk_create(
        [
            Participant(evenement=e, usager=s.usager, debut=e.debut, categorie=e.categorie)
            for e, groupe in participants
            for s in groupe
        ]
    )


def _absences_et_incidents(
    rng: random.Random, sejours: list[Sejour], users: dict[str, Utilisateur], today: date
) -> None:
    ehpad = [s for s in sejours if s.etablissement.categorie == CategorieEtablissement.EHPAD]
    ime = [s for s in sejours if s.etablissement.categorie == CategorieEtablissement.IME]
    if not ehpad or not ime:
        return
    auteur = users.get("infirmier") or next(iter(users.values()))
    vendredi = today + timedelta(days=(4 - today.weekday()) % 7)
    AbsencePrevue.objects.bulk_create(
        [
            AbsencePrevue(
                usager=ehpad[3].usager,
                debut=today - timedelta(days=2),
                fin=today + timedelta(days=3),
                motif="hospitalisation",
                cree_par=auteur,
            ),
            AbsencePrevue(
                usager=ehpad[7].usager,
                debut=today + timedelta(days=10),
                fin=today + timedelta(days=24),
                motif="vacances",
                cree_par=auteur,
            ),
            AbsencePrevue(
                usager=ime[2].usager,
                debut=vendredi,
                debut_demi_journee="apres_midi",
                fin=vendredi + timedelta(days=3),
                fin_demi_journee="matin",
                motif="famille",
                cree_par=users.get("educateur", auteur),
            ),
        ]
    )
    now = timezone.now()
    EvenementIndesirable.objects.bulk_create(
        [
            EvenementIndesirable(
                etablissement=ehpad[5].etablissement,
                usager=ehpad[5].usager,
                declarant=auteur,
                declare_le=now - timedelta(days=2),
                survenu_le=now - timedelta(days=2, hours=3),
                type="chute",
                gravite=2,
                lieu="Chambre",
                recit="Retrouvée assise au sol au pied du lit à 6 h, dit avoir glissé.",
                mesures_immediates="Relevée à deux, bilan infirmier sans lésion, médecin informé.",
                is_famille_informee=True,
            ),
            EvenementIndesirable(
                etablissement=ehpad[9].etablissement,
                usager=ehpad[9].usager,
                declarant=auteur,
                declare_le=now - timedelta(days=70),
                survenu_le=now - timedelta(days=70, hours=5),
                type="medicament",
                gravite=4,
                lieu="Salle de soins",
                recit="Traitement anticoagulant administré deux fois le même soir.",
                mesures_immediates="Médecin de garde appelé, surveillance rapprochée 48 h.",
                is_famille_informee=True,
                statut="en_analyse",
                is_eigs=True,
                eigs_partie1_le=now - timedelta(days=70),
            ),
            EvenementIndesirable(
                etablissement=ime[4].etablissement,
                usager=ime[4].usager,
                declarant=users.get("educateur", auteur),
                declare_le=now - timedelta(days=6),
                survenu_le=now - timedelta(days=6, hours=2),
                type="fugue",
                gravite=3,
                lieu="Cour de récréation",
                recit="Sorti par le portail resté ouvert pendant la livraison, retrouvé au "
                "coin de la rue après 5 minutes.",
                mesures_immediates="Portail fermé, rappel aux livreurs.",
                is_famille_informee=True,
            ),
        ]
    )
    # A fever this morning: the alert of "ma journée" in the nurse's unit.
    glycines = [s for s in ehpad if s.unite and s.unite.nom == "Les Glycines"]
    if glycines:
        sejour = glycines[0]
        moment = now - timedelta(hours=3)
        verdict = valeur_verifier("temperature", Decimal("38.6"))
        Observation.objects.create(
            usager=sejour.usager,
            auteur=auteur,
            type="temperature",
            categorie="soins",
            mesuree_le=moment,
            valeur=verdict.valeur,
            is_anormale=True,
            motif_anomalie=verdict.motif_anomalie,
        )
