from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "conference.scheduled": _("Scheduled a case conference"),
    "conference.changed": _("Moved a case conference (date, form or place)"),
    "conference.mode_changed": _("Switched a case conference between anonymised and named"),
    "conference.organisation_added": _("Invited an organisation to a case conference"),
    "conference.organisation_removed": _("Took an organisation off a case conference"),
    "conference.agenda_item_added": _("Added an agenda item to a case conference"),
    "conference.agenda_item_changed": _("Changed an agenda item of a case conference"),
    "conference.minutes_saved": _("Wrote the minutes of a case conference"),
    "conference.decision_added": _("Recorded a decision of a case conference"),
    "conference.action_item_added": _("Agreed an action item in a case conference"),
    "conference.action_item_done": _("Marked an action item of a case conference as done"),
    "conference.held": _("Marked a case conference as held"),
    "conference.cancelled": _("Cancelled a case conference"),
    "conference.viewed": _("Viewed a case conference"),
    "conference.exported": _("Exported the minutes of a case conference as PDF"),
    "conference.listed": _("Listed case conferences"),
    "conference.action_items_listed": _("Listed the own organisation's action items from case conferences"),
}
