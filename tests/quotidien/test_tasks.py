"""Periodic jobs of the daily support: thin tasks on idempotent services, in the beat schedule."""

import datetime

from django.conf import settings
from django.core import mail
from django.utils import timezone

from dui.celery import app
from tests.factories import EvenementIndesirableFactory, SejourFactory
from usagers.quotidien import tasks
from usagers.quotidien.models import Presence, RelanceEIGS


def test_the_beat_schedule_runs_the_eigs_reminders_and_the_presence_derivation():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["quotidien-eigs-relances"]["task"] == "usagers.quotidien.tasks.eigs_relancer"
    assert schedule["quotidien-presences"]["task"] == "usagers.quotidien.tasks.presences_deriver"
    for name in ("quotidien-eigs-relances", "quotidien-presences"):
        assert schedule[name]["task"] in app.tasks


def test_the_eigs_task_sends_each_reminder_once(world, chef_service, celery_eager):
    chef_service.email = "chef@example.org"
    chef_service.save(update_fields=["email"])
    EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_a), is_eigs=True, gravite=5)
    assert tasks.eigs_relancer.delay().get() == 1
    assert tasks.eigs_relancer.delay().get() == 0
    assert RelanceEIGS.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_presence_task_derives_today_and_can_run_twice(world, celery_eager):
    SejourFactory(unite=world.unite_a, date_entree=datetime.date(2024, 1, 1))
    assert tasks.presences_deriver.delay().get() == 1
    assert tasks.presences_deriver.delay().get() == 1
    assert Presence.objects.filter(jour=timezone.localdate()).count() == 1


def test_declaring_an_incident_queues_the_notification_after_commit(
    world, educateur, resident, django_capture_on_commit_callbacks, monkeypatch
):
    from usagers.quotidien import services

    queued = []
    monkeypatch.setattr(tasks.incident_notifier, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incident = services.incident_declarer(
            acteur=educateur,
            etablissement=world.ehpad,
            usager=resident,
            survenu_le=timezone.now(),
            type="chute",
            gravite=2,
            recit="Chute sans gravité.",
        )
    assert queued == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert queued == [incident.pk]


def test_the_new_incident_e_mail_gives_the_local_time_of_the_declaration(world, chef_service):
    from usagers.quotidien import notifications

    chef_service.email = "chef@example.org"
    chef_service.save(update_fields=["email"])
    incident = EvenementIndesirableFactory(
        sejour=SejourFactory(unite=world.unite_a),
        # 21:30 UTC in summer is 23:30 in Paris.
        declare_le=datetime.datetime(2026, 7, 14, 21, 30, tzinfo=datetime.UTC),
    )
    assert notifications.incident_notifier(incident.pk) == 1
    assert "déclaré le 14/07/2026 à 23:30" in mail.outbox[0].body
