from django.apps import AppConfig


class ProjetConfig(AppConfig):
    """The personalised support plan (projet personnalisé) and its reference data."""

    name = "usagers.projet"
    label = "projet"
    verbose_name = "Projet personnalisé"
