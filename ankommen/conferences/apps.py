from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "ankommen.conferences"
    label = "conferences"
    verbose_name = "Case conferences"
