from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "audit.log_searched": _("Searched the audit log"),
    "audit.log_exported": _("Exported the audit log"),
    "audit.chain_verified": _("Verified the audit log's integrity"),
}
