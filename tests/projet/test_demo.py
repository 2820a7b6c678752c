"""Plans of the demo association and of the scale data: realistic, idempotent, in bulk."""

import datetime

from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from dui import demo_data
from securite.models import Utilisateur
from usagers.projet.demo import BENCH_PROJET_PK
from usagers.projet.models import Objectif, ProjetPersonnalise, StatutProjet


def test_demo_plans_are_realistic_and_idempotent(db):
    call_command("seed_demo")
    count = ProjetPersonnalise.objects.count()
    call_command("seed_demo")
    assert ProjetPersonnalise.objects.count() == count
    assert 90 <= count <= 140
    statuts = set(ProjetPersonnalise.objects.values_list("statut", flat=True))
    assert {StatutProjet.BROUILLON, StatutProjet.EN_COURS, StatutProjet.REEVALUATION} <= statuts
    # Versions 2 in preparation, starting from plans under re-evaluation.
    assert ProjetPersonnalise.objects.filter(version=2, precedent__isnull=False).count() == 4
    # Every objective answers a need of its own plan.
    assert not Objectif.objects.exclude(besoin__projet=F("projet")).exists()
    today = datetime.date.today()
    assert ProjetPersonnalise.objects.filter(
        statut__in=("en_cours", "reevaluation"), date_reevaluation__lt=today
    ).exists()


def test_the_demo_educator_sees_their_plans(db, client_for):
    call_command("seed_demo")
    educateur = Utilisateur.objects.get(username="educateur")
    projet = ProjetPersonnalise.objects.filter(referent=educateur).first()
    assert projet is not None
    response = client_for(educateur).get(reverse("projet:detail", args=[projet.pk]))
    assert response.status_code == 200
    assert client_for(educateur).get(reverse("projet:pdf", args=[projet.pk])).status_code == 200


def test_scale_data_has_plans_and_the_bench_plan(db, client_for):
    organisme = demo_data.scale_build(datetime.date.today(), etablissements=8, usagers=400)
    plans = ProjetPersonnalise.objects.filter(usager__organisme=organisme)
    assert 120 <= plans.count() <= 240
    bench = ProjetPersonnalise.objects.get(pk=BENCH_PROJET_PK)
    educateur = Utilisateur.objects.get(username="bench.educateur")
    assert bench.referent == educateur and bench.statut == StatutProjet.EN_COURS
    assert client_for(educateur).get(reverse("projet:detail", args=[bench.pk])).status_code == 200
    directeur = Utilisateur.objects.get(username="bench.directeur")
    assert client_for(directeur).get(reverse("projet:echeances") + "?vue=tous").status_code == 200
    # Idempotent, also when the scale organisme already exists.
    demo_data.scale_build(datetime.date.today(), etablissements=8, usagers=400)
    assert plans.count() == ProjetPersonnalise.objects.filter(usager__organisme=organisme).count()
