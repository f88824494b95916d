from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "ankommen.pathways"
    label = "pathways"
    verbose_name = "Right-to-stay pathways"

    def ready(self) -> None:
        # A bad rule file is reported by `manage.py check` (and at deployment), not at the first page view.
        import ankommen.pathways.checks  # noqa: F401
