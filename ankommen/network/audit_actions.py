from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "organisation.created": _("Created a partner organisation"),
    "organisation.updated": _("Changed a partner organisation"),
    "organisation.deactivated": _("Deactivated a partner organisation"),
    "organisation.reactivated": _("Reactivated a partner organisation"),
    "invitation.created": _("Invited someone to take a role"),
    "invitation.revoked": _("Withdrew an invitation"),
    "invitation.accepted": _("Accepted an invitation"),
    "membership.created": _("Assigned a role"),
    "membership.revoked": _("Revoked a role"),
    "membership.switched": _("Switched to another role"),
    "user.viewed": _("Viewed a user's account data"),
    "user.deactivated": _("Deactivated a user account"),
    "user.reactivated": _("Reactivated a user account"),
    "user.second_factor_reset": _("Reset a user's second factor (lost phone)"),
}
