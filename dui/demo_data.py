"""Builders of demo and scale data: a realistic association, or a large one for benchmarks.

Names are drawn from fixed lists with a seeded generator, so two runs build the same data.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from securite.authentification.second_factor import recovery_codes_generate, totp_device_set
from securite.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_recovery_codes, demo_totp_key
from securite.models import Professionnel, TypeCompte, Utilisateur
from usagers.identifiants import OID_INS_NIR_DEMO, nir_with_key
from usagers.models import (
    Contact,
    IdentiteINS,
    Lien,
    MesureProtection,
    MethodeRecuperation,
    PorteeMesure,
    Sejour,
    Sexe,
    StatutIdentite,
    TypeMandataire,
    TypeMesure,
    Usager,
)

from .models import (
    CapaciteAutorisee,
    CategorieEtablissement,
    Etablissement,
    ModeAccueil,
    Organisme,
    Unite,
)
from .validators import luhn_is_valid

NOMS = """
    Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel
    Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine
    Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier
    Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry
    Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer
    Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud
    Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre
    Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc
    Payet Rolland Leclercq Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger
    Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer
    Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier
    Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Collet Léger Bouvier
    Julien Prévost Millet Perrot Daniel Cousin Germain Breton Besson Langlois Rémy Pelletier
    Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier
    Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin
    Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret
    Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Nguyen
    Diallo Traoré
""".split()  # noqa: SIM905 - a readable word list
NOMS_COMPOSES = [
    "Le Gall",
    "Le Roux",
    "Le Goff",
    "Da Silva",
    "Ben Ali",
    "Dupont-Moretti",
    "Saint-Martin",
]
PRENOMS_F = """
    Marie Jeanne Françoise Monique Catherine Nathalie Isabelle Sylvie Anne Martine Christine
    Hélène Sophie Sandrine Valérie Céline Julie Camille Léa Manon Chloé Emma Inès Jade
    Louise Zoé Lina Ambre Rose Anaïs Océane Margaux Clémence Aïcha Fatima Yasmine Maëlle
    Noémie Élodie Odette Germaine Simone Yvette Paulette Huguette Colette Ginette Denise
    Suzanne Marcelle
""".split()  # noqa: SIM905 - a readable word list
PRENOMS_M = """
    Jean Pierre Michel André Philippe René Louis Alain Jacques Bernard Marcel Daniel Roger
    Robert Paul Claude Christian Henri Georges Nicolas François Lucas Hugo Nathan Enzo Louis
    Gabriel Arthur Jules Raphaël Adam Léo Noah Mathis Théo Tom Maël Sacha Yanis Mohamed
    Rayan Kylian Timéo Ethan Lucien Marius Émile Gaston Fernand Raymond Maurice Lucien
    Étienne
""".split()  # noqa: SIM905 - a readable word list


@dataclass(frozen=True)
class EtablissementSpec:
    key: str
    nom: str
    categorie: str
    finess: str
    commune: str
    code_postal: str
    capacites: dict[str, int]
    unites: tuple[tuple[str, str], ...]  # (name, mode d'accueil)
    ages: tuple[int, int]


def finess_with_key(first_eight: str) -> str:
    """Complete 8 characters with the Luhn key (2A/2B compute like 20)."""
    digits = first_eight.replace("2A", "20", 1).replace("2B", "20", 1)
    for key in "0123456789":
        if luhn_is_valid(digits + key):
            return first_eight + key
    raise AssertionError("unreachable: one Luhn key always exists")


DEMO_ORGANISME = "Association Les Tilleuls"
DEMO_ETABLISSEMENTS = (
    EtablissementSpec(
        "ehpad",
        "EHPAD Résidence Les Tilleuls",
        CategorieEtablissement.EHPAD,
        finess_with_key("69000101"),
        "Villeurbanne",
        "69100",
        {ModeAccueil.INTERNAT: 74, ModeAccueil.ACCUEIL_TEMPORAIRE: 6},
        (
            ("Les Glycines", ModeAccueil.INTERNAT),
            ("Les Lilas", ModeAccueil.INTERNAT),
            ("Les Capucines (UVP)", ModeAccueil.INTERNAT),
            ("Accueil temporaire", ModeAccueil.ACCUEIL_TEMPORAIRE),
        ),
        (68, 101),
    ),
    EtablissementSpec(
        "ime",
        "IME Les Peupliers",
        CategorieEtablissement.IME,
        finess_with_key("69000202"),
        "Lyon",
        "69008",
        {ModeAccueil.INTERNAT: 20, ModeAccueil.EXTERNAT: 40},
        (
            ("Les Colibris", ModeAccueil.EXTERNAT),
            ("Les Mésanges", ModeAccueil.EXTERNAT),
            ("Internat Les Hirondelles", ModeAccueil.INTERNAT),
            ("SIPFP Les Ateliers", ModeAccueil.EXTERNAT),
        ),
        (6, 20),
    ),
    EtablissementSpec(
        "sessad",
        "SESSAD Les Sources",
        CategorieEtablissement.SESSAD,
        finess_with_key("69000303"),
        "Vénissieux",
        "69200",
        {ModeAccueil.DOMICILE: 40},
        (("Équipe Nord", ModeAccueil.DOMICILE), ("Équipe Sud", ModeAccueil.DOMICILE)),
        (3, 18),
    ),
)


def _person(rng: random.Random, ages: tuple[int, int], today: date) -> dict[str, object]:
    sexe = Sexe.FEMININ if rng.random() < 0.55 else Sexe.MASCULIN
    prenoms = rng.sample(PRENOMS_F if sexe == Sexe.FEMININ else PRENOMS_M, 2)
    nom = rng.choice(NOMS_COMPOSES) if rng.random() < 0.05 else rng.choice(NOMS)
    age_days = rng.randint(ages[0] * 365, ages[1] * 365)
    nom_utilise = ""
    if sexe == Sexe.FEMININ and ages[0] > 30 and rng.random() < 0.5:
        nom_utilise = rng.choice(NOMS)
    return {
        "nom_naissance": nom,
        "prenoms_naissance": " ".join(prenoms),
        "premier_prenom_naissance": prenoms[0],
        "nom_utilise": nom_utilise,
        "date_naissance": today - timedelta(days=age_days),
        "sexe": sexe,
    }


def _fill(
    *,
    rng: random.Random,
    organisme: Organisme,
    etablissement: Etablissement,
    unites: list[Unite],
    count_present: int,
    count_left: int,
    ages: tuple[int, int],
    next_number: Iterator[int],
    today: date,
) -> tuple[list[Usager], list[tuple[int, Sejour]]]:
    """Build (unsaved) usagers and their stays: `count_present` current, `count_left` ended."""
    usagers: list[Usager] = []
    sejours: list[tuple[int, Sejour]] = []
    for index in range(count_present + count_left):
        usager = Usager(
            organisme=organisme,
            identifiant_local=f"U{next(next_number):07d}",
            **_person(rng, ages, today),  # type: ignore[arg-type]
        )
        unite = unites[index % len(unites)]
        entree = today - timedelta(days=rng.randint(10, 6 * 365))
        sortie = None
        if index >= count_present:
            sortie = min(today - timedelta(days=1), entree + timedelta(days=rng.randint(30, 900)))
        usagers.append(usager)
        sejours.append(
            (
                len(usagers) - 1,
                Sejour(
                    etablissement=etablissement,
                    unite=unite,
                    mode_accueil=unite.mode_accueil or ModeAccueil.INTERNAT,
                    date_entree=entree,
                    date_sortie=sortie,
                ),
            )
        )
    return usagers, sejours


# Birth places of the demo people (INSEE COG): Lyon, Villeurbanne, Paris 12e, Ajaccio,
# Algeria, Morocco, Portugal.
LIEUX_NAISSANCE = ("69123", "69266", "75112", "2A004", "99352", "99350", "99139")


def _save_people(usagers: list[Usager], sejours: list[tuple[int, Sejour]]) -> None:
    """Save in bulk, with richer identities for some: birth place for most, a qualified INS
    (demo namespace) for one in four, a relative for one in three, a protection measure for
    one adult in ten. `bulk_create` skips save(): the search column is filled here."""
    for index, usager in enumerate(usagers):
        if index % 5:
            usager.lieu_naissance_code = LIEUX_NAISSANCE[index % len(LIEUX_NAISSANCE)]
        if index % 4 == 1 and usager.lieu_naissance_code:
            usager.statut_identite = StatutIdentite.QUALIFIEE
        elif index % 4 == 2:
            usager.statut_identite = StatutIdentite.VALIDEE
        usager.refresh_nom_recherche()
    Usager.objects.bulk_create(usagers, batch_size=2000)
    for index, sejour in sejours:
        sejour.usager = usagers[index]
    Sejour.objects.bulk_create([s for _, s in sejours], batch_size=2000)
    now = timezone.now()
    ins, contacts, mesures = [], [], []
    for index, usager in enumerate(usagers):
        if usager.statut_identite == StatutIdentite.QUALIFIEE:
            sexe = "2" if usager.sexe == Sexe.FEMININ else "1"
            # sex, year, month, birth place (département + commune, or 99 + country), order.
            naissance = f"{usager.date_naissance:%y%m}{usager.lieu_naissance_code}"
            treize = f"{sexe}{naissance}{usager.pk % 1000:03d}"
            ins.append(
                IdentiteINS(
                    usager=usager,
                    matricule=nir_with_key(treize),
                    oid=OID_INS_NIR_DEMO,
                    methode=MethodeRecuperation.INSI_TRAITS,
                    recupere_le=now,
                )
            )
        if index % 3 == 0:
            contacts.append(
                Contact(
                    usager=usager,
                    nom=usager.nom_naissance,
                    prenom="Claire" if index % 2 else "Marc",
                    lien=Lien.FILLE if index % 2 else Lien.FILS,
                    is_a_prevenir=True,
                    telephone=f"06 00 00 {index % 100:02d} {index % 97:02d}",
                    ordre_appel=1,
                )
            )
        if index % 10 == 7 and usager.age(now.date()) >= 18:
            mesures.append(
                MesureProtection(
                    usager=usager,
                    type=TypeMesure.CURATELLE_RENFORCEE,
                    portee=PorteeMesure.PERSONNE_ET_BIENS,
                    mandataire_nom="UDAF (service mandataire)",
                    mandataire_type=TypeMandataire.SERVICE,
                    date_debut=now.date() - timedelta(days=400),
                    date_fin=now.date() + timedelta(days=1400),
                )
            )
    IdentiteINS.objects.bulk_create(ins, batch_size=2000)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    MesureProtection.objects.bulk_create(mesures, batch_size=2000)


def _structure(organisme: Organisme, spec: EtablissementSpec) -> tuple[Etablissement, list[Unite]]:
    etablissement, _ = Etablissement.objects.get_or_create(
        finess=spec.finess,
        defaults={
            "organisme": organisme,
            "nom": spec.nom,
            "categorie": spec.categorie,
            "commune": spec.commune,
            "code_postal": spec.code_postal,
        },
    )
    for mode, places in spec.capacites.items():
        CapaciteAutorisee.objects.update_or_create(
            etablissement=etablissement, mode_accueil=mode, defaults={"places": places}
        )
    unites = [
        Unite.objects.get_or_create(
            etablissement=etablissement, nom=nom, defaults={"mode_accueil": mode}
        )[0]
        for nom, mode in spec.unites
    ]
    return etablissement, unites


@transaction.atomic
def demo_build(today: date) -> Organisme:
    """The demo association (idempotent): 3 establishments, ~200 usagers, one account per
    persona."""
    rng = random.Random(2026)
    organisme, _ = Organisme.objects.get_or_create(
        nom=DEMO_ORGANISME, defaults={"finess_juridique": finess_with_key("69000000")}
    )
    built = {spec.key: _structure(organisme, spec) for spec in DEMO_ETABLISSEMENTS}
    if not Usager.objects.filter(organisme=organisme).exists():
        numbers = iter(range(1, 10**7))
        for spec in DEMO_ETABLISSEMENTS:
            etablissement, unites = built[spec.key]
            places = sum(spec.capacites.values())
            usagers, sejours = _fill(
                rng=rng,
                organisme=organisme,
                etablissement=etablissement,
                unites=unites,
                count_present=places - 2,
                count_left=8,
                ages=spec.ages,
                next_number=numbers,
                today=today,
            )
            _save_people(usagers, sejours)
    password = make_password(DEMO_PASSWORD)
    for account in DEMO_ACCOUNTS:
        user, _ = Utilisateur.objects.update_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@demo.invalid",
                "organisme": organisme,
                "type_compte": account.type_compte,
                "is_staff": account.type_compte == TypeCompte.TECHNIQUE,
                "is_superuser": account.type_compte == TypeCompte.TECHNIQUE,
                "password": password,
            },
        )
        # Second factor enrolled: the demo key (its code is shown on the login page in demo
        # mode) and fixed recovery codes, restored at each seeding.
        totp_device_set(user, key=demo_totp_key(account.username))
        recovery_codes_generate(user, demo_recovery_codes(account.username))
        if account.type_compte == TypeCompte.PROFESSIONNEL:
            profil, _ = Professionnel.objects.update_or_create(
                utilisateur=user, defaults={"profession": account.profession}
            )
            profil.etablissements.set([built[key][0] for key in account.etablissements])
            profil.unites.set(
                [u for key, nom in account.unites for u in built[key][1] if u.nom == nom]
            )
    # Support plans for a share of the usagers (usagers/projet/demo.py, idempotent).
    from usagers.projet.demo import projet_demo_build

    projet_demo_build(organisme, today)
    # Three weeks of daily life (usagers/quotidien/demo.py, idempotent).
    from usagers.quotidien.demo import quotidien_demo_build

    quotidien_demo_build(organisme, today)
    return organisme


SCALE_ORGANISME = "Fédération Grand Est (données de charge)"
SCALE_CATEGORIES = (
    (CategorieEtablissement.EHPAD, (ModeAccueil.INTERNAT,), (65, 102)),
    (CategorieEtablissement.IME, (ModeAccueil.EXTERNAT, ModeAccueil.INTERNAT), (6, 20)),
    (CategorieEtablissement.MAS, (ModeAccueil.INTERNAT,), (20, 70)),
    (CategorieEtablissement.FAM, (ModeAccueil.INTERNAT, ModeAccueil.ACCUEIL_JOUR), (20, 70)),
    (CategorieEtablissement.SESSAD, (ModeAccueil.DOMICILE,), (3, 18)),
    (CategorieEtablissement.SSIAD, (ModeAccueil.DOMICILE,), (60, 100)),
    (CategorieEtablissement.FOYER_VIE, (ModeAccueil.INTERNAT,), (20, 65)),
    (CategorieEtablissement.MECS, (ModeAccueil.INTERNAT,), (3, 18)),
)
SCALE_DEPARTEMENTS = ("57", "67", "68", "54", "55", "88", "08", "10", "51", "52")
BENCH_PASSWORD = "Bench-charge-2026"  # noqa: S105 - benchmark data only
# TOTP key (hex) of the bench accounts' second factor: bench/run.py logs in through the form,
# then posts the current code (securite.authentification.second_factor.totp_code_now).
BENCH_TOTP_SECRET = "62656e63682d746f74702d7365637265742d3230"  # noqa: S105 - benchmark data only
BENCH_USERNAMES = ("bench.directeur", "bench.educateur", "bench.educateur1")


def _bench_second_factor() -> None:
    """Enrol the bench accounts' TOTP device (idempotent, also on an existing bench base)."""
    for user in Utilisateur.objects.filter(username__in=BENCH_USERNAMES):
        totp_device_set(user, key=BENCH_TOTP_SECRET)


@transaction.atomic
def scale_build(today: date, etablissements: int = 100, usagers: int = 20_000) -> Organisme:
    """A large association for benchmarks, built in bulk (idempotent: skipped when present).

    Also creates `bench.directeur` (organisation-wide), `bench.educateur` (two units) and
    `bench.educateur1` (the first of them)."""
    existing = Organisme.objects.filter(nom=SCALE_ORGANISME).first()
    if existing is not None:
        _bench_educateur_une_unite(existing)
        _bench_second_factor()
        _scale_projets(existing, today)
        _scale_quotidien(existing, today)
        return existing
    rng = random.Random(20_000)
    organisme = Organisme.objects.create(nom=SCALE_ORGANISME)
    etabs: list[Etablissement] = []
    for index in range(etablissements):
        categorie = SCALE_CATEGORIES[index % len(SCALE_CATEGORIES)][0]
        departement = SCALE_DEPARTEMENTS[index % len(SCALE_DEPARTEMENTS)]
        etabs.append(
            Etablissement(
                organisme=organisme,
                nom=f"{CategorieEtablissement(categorie).label.split(' ')[0]} n° {index + 1:03d}",
                finess=finess_with_key(f"{departement}08{index:04d}"),
                categorie=categorie,
                commune="Metz",
                code_postal="57000",
            )
        )
    Etablissement.objects.bulk_create(etabs)
    per_etab = usagers // etablissements
    capacites, unites_all = [], []
    for index, etab in enumerate(etabs):
        modes = SCALE_CATEGORIES[index % len(SCALE_CATEGORIES)][1]
        for mode in modes:
            capacites.append(
                CapaciteAutorisee(
                    etablissement=etab, mode_accueil=mode, places=per_etab // len(modes) + 5
                )
            )
        for number in range(1, 4):
            unites_all.append(
                Unite(
                    etablissement=etab,
                    nom=f"Unité {number}",
                    mode_accueil=modes[number % len(modes)],
                )
            )
    CapaciteAutorisee.objects.bulk_create(capacites)
    Unite.objects.bulk_create(unites_all)
    unites_by_etab: dict[int, list[Unite]] = {}
    for unite in unites_all:
        unites_by_etab.setdefault(unite.etablissement_id, []).append(unite)
    numbers = iter(range(1, 10**7))
    for index, etab in enumerate(etabs):
        ages = SCALE_CATEGORIES[index % len(SCALE_CATEGORIES)][2]
        left = per_etab // 10
        people, sejours = _fill(
            rng=rng,
            organisme=organisme,
            etablissement=etab,
            unites=unites_by_etab[etab.pk],
            count_present=per_etab - left,
            count_left=left,
            ages=ages,
            next_number=numbers,
            today=today,
        )
        _save_people(people, sejours)
    password = make_password(BENCH_PASSWORD)
    directeur = Utilisateur.objects.create(
        username="bench.directeur",
        organisme=organisme,
        password=password,
        first_name="Directeur",
        last_name="Charge",
    )
    Professionnel.objects.create(utilisateur=directeur, profession="directeur")
    educateur = Utilisateur.objects.create(
        username="bench.educateur",
        organisme=organisme,
        password=password,
        first_name="Éducateur",
        last_name="Charge",
    )
    profil = Professionnel.objects.create(utilisateur=educateur, profession="educateur")
    profil.unites.set(unites_by_etab[etabs[1].pk][:2])
    _bench_educateur_une_unite(organisme)
    _bench_second_factor()
    _scale_projets(organisme, today)
    _scale_quotidien(organisme, today)
    return organisme


def _bench_educateur_une_unite(organisme: Organisme) -> None:
    """`bench.educateur1`: an educator of the first of `bench.educateur`'s two units, whose
    "ma journée" is that of one unit (issue 6's target), idempotent."""
    educateur = Utilisateur.objects.filter(username="bench.educateur").first()
    if educateur is None or Utilisateur.objects.filter(username="bench.educateur1").exists():
        return
    unite = educateur.professionnel.unites.order_by("nom", "pk").first()
    if unite is None:
        return
    user = Utilisateur.objects.create(
        username="bench.educateur1",
        organisme=organisme,
        password=make_password(BENCH_PASSWORD),
        first_name="Éducatrice",
        last_name="Charge",
    )
    Professionnel.objects.create(utilisateur=user, profession="educateur").unites.set([unite])


def _scale_quotidien(organisme: Organisme, today: date) -> None:
    """Bench persons and recent notes of the daily support (usagers/quotidien/charge.py,
    idempotent); years of notes come with `manage.py seed_notes`."""
    from usagers.quotidien.charge import quotidien_scale_build

    quotidien_scale_build(organisme, today)


def _scale_projets(organisme: Organisme, today: date) -> None:
    """Support plans of the scale data (usagers/projet/demo.py, idempotent): half the present
    usagers; `bench.educateur` is the référent of those of their two units."""
    from usagers.projet.demo import projet_scale_build

    educateur = Utilisateur.objects.filter(username="bench.educateur").first()
    unites = (
        set(educateur.professionnel.unites.values_list("pk", flat=True)) if educateur else set()
    )
    projet_scale_build(
        organisme,
        today,
        educateur=educateur,
        directeur=Utilisateur.objects.filter(username="bench.directeur").first(),
        educateur_unites=lambda sejour: sejour.unite_id in unites,
    )
