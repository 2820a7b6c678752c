"""factory_boy factories for the domain models."""

import datetime

import factory
from factory.django import DjangoModelFactory

from dui.demo_data import finess_with_key
from dui.models import CapaciteAutorisee, Etablissement, ModeAccueil, Organisme, Unite
from securite.models import Professionnel, TypeCompte, Utilisateur
from usagers.models import Sejour, Usager

PASSWORD = "Mot-de-passe-de-test-2026"


class OrganismeFactory(DjangoModelFactory):
    class Meta:
        model = Organisme

    nom = factory.Sequence(lambda n: f"Association n° {n}")


class EtablissementFactory(DjangoModelFactory):
    class Meta:
        model = Etablissement

    organisme = factory.SubFactory(OrganismeFactory)
    nom = factory.Sequence(lambda n: f"Établissement n° {n}")
    finess = factory.Sequence(lambda n: finess_with_key(f"75{n:06d}"))
    categorie = "500"


class CapaciteFactory(DjangoModelFactory):
    class Meta:
        model = CapaciteAutorisee

    etablissement = factory.SubFactory(EtablissementFactory)
    mode_accueil = ModeAccueil.INTERNAT
    places = 40


class UniteFactory(DjangoModelFactory):
    class Meta:
        model = Unite

    etablissement = factory.SubFactory(EtablissementFactory)
    nom = factory.Sequence(lambda n: f"Unité {n}")
    mode_accueil = ""


class UtilisateurFactory(DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    organisme = factory.SubFactory(OrganismeFactory)
    type_compte = TypeCompte.PROFESSIONNEL
    password = factory.django.Password(PASSWORD)


class ProfessionnelFactory(DjangoModelFactory):
    class Meta:
        model = Professionnel
        skip_postgeneration_save = True

    utilisateur = factory.SubFactory(UtilisateurFactory)
    profession = "educateur"

    @factory.post_generation
    def etablissements(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.etablissements.set(extracted)

    @factory.post_generation
    def unites(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.unites.set(extracted)


class UsagerFactory(DjangoModelFactory):
    class Meta:
        model = Usager

    organisme = factory.SubFactory(OrganismeFactory)
    identifiant_local = factory.Sequence(lambda n: f"T{n:07d}")
    nom_naissance = factory.Sequence(lambda n: f"Durand{n}")
    prenoms_naissance = "Hélène Marie"
    premier_prenom_naissance = "Hélène"
    date_naissance = datetime.date(1940, 5, 17)
    sexe = "F"


class SejourFactory(DjangoModelFactory):
    class Meta:
        model = Sejour

    unite = factory.SubFactory(UniteFactory)
    usager = factory.SubFactory(
        UsagerFactory, organisme=factory.SelfAttribute("..unite.etablissement.organisme")
    )
    etablissement = factory.SelfAttribute("unite.etablissement")
    mode_accueil = ModeAccueil.INTERNAT
    date_entree = datetime.date(2024, 1, 15)
    date_sortie = None


# ---------------------------------------------------------------------------------------------
# Usager record (usagers/models.py)
# ---------------------------------------------------------------------------------------------
class ContactFactory(DjangoModelFactory):
    class Meta:
        model = "usagers.Contact"

    usager = factory.SubFactory(UsagerFactory)
    nom = "Durand"
    prenom = "Paul"
    lien = "SONC"
    is_a_prevenir = True
    telephone = "06 12 34 56 78"


class MesureProtectionFactory(DjangoModelFactory):
    class Meta:
        model = "usagers.MesureProtection"

    usager = factory.SubFactory(UsagerFactory)
    type = "curatelle_renforcee"
    portee = "personne_et_biens"
    mandataire_nom = "UDAF du Rhône"
    mandataire_type = "service"
    date_jugement = datetime.date(2022, 3, 1)
    date_debut = datetime.date(2022, 3, 15)
    date_fin = datetime.date(2027, 3, 14)


class IdentiteINSFactory(DjangoModelFactory):
    """An INS of the test namespace (OID .10), as INSi would return it."""

    class Meta:
        model = "usagers.IdentiteINS"

    usager = factory.SubFactory(UsagerFactory)
    matricule = "240056912301716"
    oid = "1.2.250.1.213.1.4.10"
    methode = "insi_traits"
    recupere_le = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))


# ---------------------------------------------------------------------------------------------
# Support plan (usagers/projet): content rows; plans themselves are built through the services
# (tests/projet/conftest.py) so that lifecycle rules hold in every test.
# ---------------------------------------------------------------------------------------------
def _type_projet(code: str):  # type: ignore[no-untyped-def]
    from usagers.projet.models import TypeProjet

    return TypeProjet.objects.get(code=code)


class ProjetFactory(DjangoModelFactory):
    """A draft plan of a person staying in `sejour`'s unit (type PPA)."""

    class Meta:
        model = "projet.ProjetPersonnalise"

    class Params:
        sejour = factory.SubFactory(SejourFactory)

    usager = factory.SelfAttribute("sejour.usager")
    etablissement = factory.SelfAttribute("sejour.etablissement")
    type_projet = factory.LazyFunction(lambda: _type_projet("PPA"))
    titre = "Projet personnalisé d'accompagnement"
    referent = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..usager.organisme")
    )
    date_debut = datetime.date(2025, 1, 15)


# ---------------------------------------------------------------------------------------------
# Daily support (usagers/quotidien): rows as the services would write them, for reads and
# fixtures; the services themselves are tested through their own calls.
# ---------------------------------------------------------------------------------------------
class TransmissionFactory(DjangoModelFactory):
    class Meta:
        model = "quotidien.Transmission"

    usager = factory.SubFactory(UsagerFactory)
    auteur = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..usager.organisme")
    )
    ecrite_le = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))
    categorie = "educatif"
    cible = "Sommeil"
    donnees = "Réveillée à 3 h, angoissée, demande sa fille."
    actions = "Présence rassurante, tisane."
    resultats = "Rendormie vers 4 h."


class ObservationFactory(DjangoModelFactory):
    class Meta:
        model = "quotidien.Observation"

    usager = factory.SubFactory(UsagerFactory)
    auteur = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..usager.organisme")
    )
    type = "temperature"
    categorie = "soins"
    mesuree_le = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))
    valeur = 37
    is_anormale = False


class EvenementIndesirableFactory(DjangoModelFactory):
    class Meta:
        model = "quotidien.EvenementIndesirable"

    class Params:
        sejour = factory.SubFactory(SejourFactory)

    usager = factory.SelfAttribute("sejour.usager")
    etablissement = factory.SelfAttribute("sejour.etablissement")
    declarant = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..etablissement.organisme")
    )
    survenu_le = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))
    type = "chute"
    gravite = 2
    recit = "Chute dans la salle de bains, relevée par l'aide-soignante."


class AbsencePrevueFactory(DjangoModelFactory):
    class Meta:
        model = "quotidien.AbsencePrevue"

    usager = factory.SubFactory(UsagerFactory)
    debut = datetime.date(2026, 7, 1)
    fin = datetime.date(2026, 7, 14)
    motif = "vacances"
    cree_par = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..usager.organisme")
    )


# ---------------------------------------------------------------------------------------------
# Emergency liaison file (usagers.DossierLiaisonUrgence): complete enough for the DLU document.
# ---------------------------------------------------------------------------------------------
class DossierLiaisonUrgenceFactory(DjangoModelFactory):
    class Meta:
        model = "usagers.DossierLiaisonUrgence"

    usager = factory.SubFactory(UsagerFactory)
    medecin_traitant_nom = "Boileau"
    medecin_traitant_prenom = "Charles"
    medecin_traitant_rpps = "10001234565"
    medecin_traitant_telephone = "01 43 00 00 99"
    etablissement_preference_nom = "Hôpital Saint-Antoine"
    etablissement_preference_finess = "750000044"
    etablissement_preference_telephone = "01 49 28 20 00"
    allergies_medicamenteuses = "Pénicilline"
    pathologies = "Bronchite chronique\nHypertension artérielle"
    antecedents = "Infarctus du myocarde (2018)"
    traitements = "Kardégic 75 mg, 1 sachet le midi\nDoliprane 1 g si douleur"
    soins_palliatifs = False
    directives_anticipees = True
    directives_anticipees_lieu = "Dossier médical, copie chez la fille"
    bmr = False
    etat = factory.LazyFunction(lambda: {"288575003": True, "161898004": True})
    appareillages = factory.LazyFunction(lambda: ["Q021003", "Y2145"])
    informations_utiles = "Malentendante à gauche : parler du côté droit."
    mis_a_jour_le = factory.LazyFunction(lambda: datetime.datetime.now(tz=datetime.UTC))
    mis_a_jour_par = factory.SubFactory(
        UtilisateurFactory, organisme=factory.SelfAttribute("..usager.organisme")
    )
