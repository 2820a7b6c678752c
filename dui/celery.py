"""The Celery application: workers push documents and run periodic jobs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dui.settings")

app = Celery("dui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
