from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "ankommen.funding"
    label = "funding"
    verbose_name = "Funding"
