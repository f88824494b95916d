from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "ankommen.consents"
    label = "consents"
    verbose_name = "Consents"
