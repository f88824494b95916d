from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "dashboard.exported": _("Exported the needs-versus-offers dashboard (aggregates, small cells suppressed)"),
    "dashboard.rebuild_started": _("Started rebuilding the dashboard's summary tables"),
    "dashboard.interest_recorded": _("Recorded that a participant is interested in offers of a field"),
    "dashboard.scenario_created": _("Created a scenario of planned offers"),
    "dashboard.scenario_deleted": _("Deleted a scenario of planned offers"),
    "dashboard.planned_offer_added": _("Added a planned offer to a scenario"),
    "dashboard.planned_offer_removed": _("Removed a planned offer from a scenario"),
    "dashboard.careers_listed": _(
        "Was shown the own participants who completed several offers of the same kind without progress on their plan"
    ),
}
