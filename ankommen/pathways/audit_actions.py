from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # Only that a check was run: never the answers given at check time or the outcomes (DOMAIN §2.7).
    "pathway.checked": _("Checked a participant's right-to-stay pathways"),
    "pathway.goal_added": _("Turned a missing right-to-stay condition into a plan goal"),
}
