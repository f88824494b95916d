from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # catalogue and sessions (services.py)
    "offer.created": _("Created an offer"),
    "offer.updated": _("Changed an offer"),
    "offer.sessions_added": _("Added sessions to an offer"),
    "offer.session_updated": _("Changed or cancelled a session of an offer"),
    "offer.path_changed": _("Opened or closed an entitlement path to German courses for the network"),
    # enrolment
    "enrolment.enrolled": _("Enrolled a participant in an offer"),
    "enrolment.waitlisted": _("Put a participant on the waiting list of an offer"),
    "enrolment.promoted": _("A participant moved up from the waiting list into a seat"),
    "enrolment.cancelled": _("Cancelled an enrolment"),
    "enrolment.allocated": _("Gave a participant a seat by applying a seat allocation"),
    "enrolment.viewed": _("Viewed an enrolment"),
    "enrolment.listed": _("Viewed the enrolment or attendance list of an offer"),
    "enrolment.participant_listed": _("Viewed the offers and enrolments of a participant"),
    "enrolment.calendar_exported": _("Downloaded the calendar of a participant's sessions"),
    # attendance
    "attendance.recorded": _("Recorded attendance of a session by list"),
    "attendance.card_scanned": _("Recorded attendance of a session by participant card"),
    "attendance.counted": _("Recorded the number of people present at a session"),
    "attendance.card_looked_up": _("Looked up a participant card to record attendance"),
    # participant cards
    "card.issued": _("Issued a participant card"),
    "card.revoked": _("Revoked a participant card"),
    "participantcard.viewed": _("Viewed or printed a participant card"),
    # offer finder
    "offer.finder_used": _("Looked for fitting offers for a participant (offer finder)"),
    # referrals to partners
    "referral.sent": _("Referred a participant to a partner with a referral packet"),
    "referral.viewed": _("Viewed a referral and its referral packet"),
    "referral.listed": _("Viewed the list of referrals received"),
    "referral.accepted": _("Accepted a referral"),
    "referral.declined": _("Declined a referral"),
    "referral.completed": _("Completed a referral with its outcome"),
    "referral.withdrawn": _("Withdrew a referral"),
    "referral.packet_erased": _("Erased a referral packet (consent ended, referral declined or withdrawn)"),
    # seat allocation
    "allocation.started": _("Started a seat allocation"),
    "allocation.computed": _("A seat allocation was computed (preview)"),
    "allocation.previewed": _("Viewed the preview of a seat allocation"),
    "allocation.applied": _("Applied a seat allocation"),
    "allocation.apply_refused": _("A seat allocation could not be applied (conflicts; nothing was changed)"),
    "allocation.discarded": _("Discarded the preview of a seat allocation"),
}
