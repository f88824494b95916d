from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "ankommen.offers"
    label = "offers"
    verbose_name = "Offers"
