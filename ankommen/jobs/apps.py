from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ankommen.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
