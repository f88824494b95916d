from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "ankommen.participants"
    label = "participants"
    verbose_name = "Participants"
