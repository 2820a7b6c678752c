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
