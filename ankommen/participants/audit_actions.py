from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # records (services.py, views.py)
    "participant.registered": _("Registered a participant"),
    "participant.updated": _("Changed a participant's record"),
    "participant.viewed": _("Viewed a participant's record"),
    "participant.searched": _("Searched or listed participant records"),
    "participant.candidate_shown": _("Was shown a record as a possible duplicate while registering"),
    "participant.detail_added": _("Added details to a participant's record"),
    "participant.detail_changed": _("Changed details of a participant's record"),
    "participant.detail_removed": _("Removed details from a participant's record"),
    "household.created": _("Created a household"),
    "household.member_added": _("Added a person to a household"),
    "household.member_changed": _("Changed a household member's details"),
    "household.member_removed": _("Removed a person from a household"),
}
