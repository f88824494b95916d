from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "ankommen.dashboard"
    label = "dashboard"
    verbose_name = "Needs and offers dashboard"

    def ready(self) -> None:
        # Signal receivers that keep needs and summaries in step, the rebuild job kind, and what a
        # merge of two participant records does to their needs (after the offers' hook has moved
        # the enrolments: this app is installed after offers).
        import ankommen.dashboard.jobs
        import ankommen.dashboard.signals  # noqa: F401
        from ankommen.dashboard.needs import NeedRows
        from ankommen.participants.merge import MERGE_HOOKS

        if not any(isinstance(hook, NeedRows) for hook in MERGE_HOOKS):
            MERGE_HOOKS.append(NeedRows())
