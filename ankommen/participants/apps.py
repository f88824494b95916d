from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "ankommen.participants"
    label = "participants"
    verbose_name = "Participants"

    def ready(self) -> None:
        # Job kinds (duplicate scans) and the audit codes of merges and the review queue.
        import ankommen.participants.duplicates
        import ankommen.participants.merge  # noqa: F401
