from importlib import import_module

from django.apps import AppConfig, apps


class AuditConfig(AppConfig):
    name = "ankommen.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # Each ankommen app declares its audit action codes in `audit_actions.py`.
        from ankommen.audit.actions import register_actions

        for config in apps.get_app_configs():
            if not config.name.startswith("ankommen."):
                continue
            try:
                module = import_module(f"{config.name}.audit_actions")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.audit_actions":
                    raise
                continue
            register_actions(module.ACTIONS)

        # Job kinds of this app (the integrity check started from the audit screen).
        import ankommen.audit.jobs  # noqa: F401
