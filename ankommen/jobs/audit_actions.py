from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "job.started": _("Started a background job"),
}
