from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "account.logged_in": _("Logged in"),
    "account.logged_out": _("Logged out"),
    "account.login_failed": _("Failed login"),
    "account.language_changed": _("Changed the interface language"),
}
