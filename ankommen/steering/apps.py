from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "ankommen.steering"
    label = "steering"
    verbose_name = "Steering the network"
