from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "account.logged_in": _("Logged in"),
    "account.logged_out": _("Logged out"),
    "account.login_failed": _("Failed login"),
    "account.locked_out": _("Login locked temporarily after repeated failures"),
    "account.language_changed": _("Changed the interface language"),
    "account.profile_updated": _("Changed their own account details"),
    "account.two_factor_setup_started": _("Started setting up two-factor authentication"),
    "account.two_factor_enabled": _("Set up two-factor authentication"),
    "account.two_factor_verified": _("Confirmed the second factor"),
    "account.two_factor_failed": _("Entered a wrong or blocked second-factor code"),
    "account.backup_codes_regenerated": _("Generated new backup codes"),
    "account.reauthenticated": _("Re-authenticated for a protected action"),
    "account.password_changed": _("Changed their password"),
    "account.password_reset_requested": _("Requested a password-reset e-mail"),
    "account.password_reset_done": _("Set a new password with a reset link"),
}
