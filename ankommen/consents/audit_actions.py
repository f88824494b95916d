from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "consent.recorded": _("Recorded a participant's consent"),
    "consent.revoked": _("Recorded the revocation of a participant's consent"),
    "consent.viewed": _("Viewed a consent"),
    "consent.document_viewed": _("Downloaded the signed document of a consent"),
    "consent.shared_listed": _("Listed what is shared with the organisation under consents"),
}
