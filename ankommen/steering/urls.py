from django.urls import path

from ankommen.steering import views
from ankommen.steering.views import agreements, bodies, events, gaps, reports

app_name = "steering"
urlpatterns: list = [
    path("", views.overview, name="overview"),
    # agreements and the partner map
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", agreements.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/change/", agreements.agreement_edit, name="agreement_edit"),
    path("agreements/<int:agreement_id>/document/", agreements.agreement_document, name="agreement_document"),
    path("agreements/<int:agreement_id>/partners/add/", agreements.add_partner, name="agreement_add_partner"),
    path(
        "agreements/<int:agreement_id>/partners/<int:partner_id>/remove/",
        agreements.remove_partner,
        name="agreement_remove_partner",
    ),
    path("agreements/<int:agreement_id>/signatories/add/", agreements.add_signatory, name="agreement_add_signatory"),
    path(
        "agreements/<int:agreement_id>/signatories/<int:signatory_id>/remove/",
        agreements.remove_signatory,
        name="agreement_remove_signatory",
    ),
    path("partners/", agreements.partner_map, name="partner_map"),
    # bodies, meetings, action items
    path("bodies/", bodies.body_list, name="bodies"),
    path("bodies/new/", bodies.body_create, name="body_create"),
    path("bodies/<int:body_id>/", bodies.body_detail, name="body"),
    path("bodies/<int:body_id>/change/", bodies.body_edit, name="body_edit"),
    path("bodies/<int:body_id>/members/add/", bodies.add_member, name="body_add_member"),
    path("bodies/<int:body_id>/members/<int:member_id>/remove/", bodies.remove_member, name="body_remove_member"),
    path("bodies/<int:body_id>/meetings/new/", bodies.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", bodies.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/change/", bodies.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/agenda/add/", bodies.add_agenda_item, name="meeting_add_agenda_item"),
    path("meetings/<int:meeting_id>/minutes/", bodies.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/decisions/add/", bodies.add_decision, name="meeting_add_decision"),
    path("meetings/<int:meeting_id>/action-items/add/", bodies.add_action_item, name="meeting_add_action_item"),
    path("meetings/<int:meeting_id>/held/", bodies.meeting_hold, name="meeting_hold"),
    path("meetings/<int:meeting_id>/cancel/", bodies.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/pdf/", bodies.meeting_pdf, name="meeting_pdf"),
    path("action-items/", bodies.action_items, name="action_items"),
    path("action-items/<int:item_id>/status/", bodies.action_item_status, name="action_item_status"),
    # events
    path("events/", events.event_list, name="events"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<int:event_id>/", events.event_detail, name="event"),
    path("events/<int:event_id>/change/", events.event_edit, name="event_edit"),
    path("events/<int:event_id>/figures/", events.event_counts, name="event_counts"),
    path("events/<int:event_id>/registration/", events.event_register, name="event_register"),
    # problem reports
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_create, name="report_create"),
    path("reports/<int:report_id>/", reports.report_detail, name="report"),
    path("reports/<int:report_id>/change/", reports.report_edit, name="report_edit"),
    # gap register
    path("gaps/", gaps.gap_list, name="gaps"),
    path("gaps/export/", gaps.gap_export, name="gaps_export"),
    path("gaps/new/", gaps.gap_create, name="gap_create"),
    path("gaps/<int:gap_id>/", gaps.gap_detail, name="gap"),
    path("gaps/<int:gap_id>/change/", gaps.gap_edit, name="gap_edit"),
    path("gaps/<int:gap_id>/reports/", gaps.gap_reports, name="gap_reports"),
    path("gaps/<int:gap_id>/offers/add/", gaps.gap_offer, name="gap_offer"),
    path("gaps/<int:gap_id>/offers/<int:offer_id>/remove/", gaps.gap_offer_remove, name="gap_offer_remove"),
    path("gaps/<int:gap_id>/priority/", gaps.gap_priority, name="gap_priority"),
    path("gaps/<int:gap_id>/status/", gaps.gap_status, name="gap_status"),
]
