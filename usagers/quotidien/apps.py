from django.apps import AppConfig


class QuotidienConfig(AppConfig):
    """Daily support: transmissions, observations, incidents, agenda and presence."""

    name = "usagers.quotidien"
    label = "quotidien"
    verbose_name = "Quotidien"
