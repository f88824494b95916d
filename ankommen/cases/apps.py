from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ankommen.cases"
    label = "cases"
    verbose_name = "Cases"
