from django.urls import path

from ankommen.offers import (
    allocation_views,
    attendance_views,
    enrolment_views,
    feeds,
    finder_views,
    referral_views,
    views,
)

app_name = "offers"
urlpatterns: list = [
    # catalogue and offers
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create_offer, name="create"),
    path("<int:offer_id>/", views.offer_detail, name="detail"),
    path("<int:offer_id>/edit/", views.edit_offer, name="edit"),
    path("<int:offer_id>/sessions/add/", views.add_sessions, name="add_sessions"),
    path("<int:offer_id>/sessions/<int:session_id>/edit/", views.edit_session, name="edit_session"),
    path("<int:offer_id>/calendar.ics", feeds.offer_calendar, name="offer_calendar"),
    path("feed/<uuid:feed_key>.ics", feeds.public_offer_calendar, name="public_calendar"),
    path("programme/", views.programme, name="programme"),
    path("paths/", views.paths, name="paths"),
    path("paths/<slug:path>/", views.set_path, name="set_path"),
    path("reports/", views.reports, name="reports"),
    # the provider's staff: enrolment list, attendance, scanning
    path("<int:offer_id>/participants/", attendance_views.offer_participants, name="participants"),
    path("<int:offer_id>/sessions/<int:session_id>/", attendance_views.session_page, name="session"),
    path("<int:offer_id>/sessions/<int:session_id>/scan/", attendance_views.scan, name="scan"),
    path("card/<str:token>/", attendance_views.card_checkin, name="card_checkin"),
    # case managers: enrolment, a person's offers and card
    path("<int:offer_id>/enrol/", enrolment_views.enrol, name="enrol"),
    path("enrolments/", enrolment_views.enrolments, name="enrolments"),
    path("enrolments/<int:enrolment_id>/cancel/", enrolment_views.cancel_enrolment, name="cancel_enrolment"),
    path("people/<int:participant_id>/", enrolment_views.participant_offers, name="participant"),
    path("people/<int:participant_id>/calendar.ics", feeds.participant_calendar, name="participant_calendar"),
    path("people/<int:participant_id>/card/", enrolment_views.card, name="card"),
    path("people/<int:participant_id>/card/issue/", enrolment_views.issue_card, name="issue_card"),
    path("people/<int:participant_id>/card/revoke/", enrolment_views.revoke_card, name="revoke_card"),
    # the offer finder
    path("people/<int:participant_id>/finder/", finder_views.finder_page, name="finder"),
    path("people/<int:participant_id>/finder/<int:offer_id>/enrol/", finder_views.finder_enrol, name="finder_enrol"),
    # referrals to partners
    path("referrals/", referral_views.inbox, name="referral_inbox"),
    path("referrals/new/<int:case_id>/", referral_views.refer, name="refer"),
    path("referrals/<int:referral_id>/", referral_views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/accept/", referral_views.accept, name="accept_referral"),
    path("referrals/<int:referral_id>/decline/", referral_views.decline, name="decline_referral"),
    path("referrals/<int:referral_id>/complete/", referral_views.complete, name="complete_referral"),
    path("referrals/<int:referral_id>/withdraw/", referral_views.withdraw, name="withdraw_referral"),
    # seat allocation (coordinators)
    path("allocation/", allocation_views.runs, name="allocations"),
    path("allocation/new/", allocation_views.new_run, name="new_allocation"),
    path("allocation/<int:run_id>/", allocation_views.run_page, name="allocation"),
    path("allocation/<int:run_id>/apply/", allocation_views.apply, name="apply_allocation"),
    path("allocation/<int:run_id>/discard/", allocation_views.discard, name="discard_allocation"),
]
