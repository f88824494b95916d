from django.urls import path

from ankommen.cases import settings_views, transfer_views, views

app_name = "cases"
urlpatterns: list = [
    path("", views.case_list, name="list"),
    path("open/", views.open_case, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/timeline/", views.timeline, name="timeline"),
    path("<int:case_id>/intake/", views.edit_intake, name="intake"),
    path("<int:case_id>/advance/", views.advance_phase, name="advance"),
    path("<int:case_id>/reassessment/", views.schedule_reassessment, name="reassessment"),
    path("<int:case_id>/assessment/<slug:domain>/", views.assessment, name="assessment"),
    path("<int:case_id>/goals/add/", views.add_goal, name="add_goal"),
    path("<int:case_id>/goals/<int:goal_id>/", views.edit_goal, name="edit_goal"),
    path("<int:case_id>/goals/<int:goal_id>/measures/add/", views.add_measure, name="add_measure"),
    path("<int:case_id>/goals/<int:goal_id>/notes/add/", views.add_note, name="add_note"),
    path("<int:case_id>/measures/<int:measure_id>/", views.edit_measure, name="edit_measure"),
    path("<int:case_id>/tasks/add/", views.add_task, name="add_task"),
    path("<int:case_id>/tasks/<int:task_id>/done/", views.complete_task, name="complete_task"),
    path("<int:case_id>/appointments/add/", views.add_appointment, name="add_appointment"),
    path("<int:case_id>/people/add/", views.add_role, name="add_role"),
    path("<int:case_id>/people/<int:role_id>/remove/", views.remove_role, name="remove_role"),
    path("<int:case_id>/approvals/request/<slug:kind>/", views.request_approval, name="request_approval"),
    path("<int:case_id>/approvals/<int:approval_id>/", views.decide_approval, name="decide_approval"),
    path("<int:case_id>/close/", views.close_case, name="close"),
    path("<int:case_id>/reopen/", views.reopen_case, name="reopen"),
    # transfers to another organisation
    path("<int:case_id>/transfer/", transfer_views.request_transfer, name="request_transfer"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("transfers/<int:transfer_id>/", transfer_views.transfer_detail, name="transfer"),
    path("transfers/<int:transfer_id>/accept/", transfer_views.accept_transfer, name="accept_transfer"),
    path("transfers/<int:transfer_id>/decline/", transfer_views.decline_transfer, name="decline_transfer"),
    path("transfers/<int:transfer_id>/withdraw/", transfer_views.withdraw_transfer, name="withdraw_transfer"),
    # configuration: case types (coordinators), approvals (team leads), own reminders
    path("types/", settings_views.case_type_list, name="types"),
    path("types/add/", settings_views.add_case_type, name="add_type"),
    path("types/<int:case_type_id>/", settings_views.case_type_detail, name="type"),
    path("types/<int:case_type_id>/edit/", settings_views.edit_case_type, name="edit_type"),
    path("types/<int:case_type_id>/tasks/add/", settings_views.add_template_task, name="add_type_task"),
    path("types/<int:case_type_id>/tasks/<int:task_id>/", settings_views.edit_template_task, name="edit_type_task"),
    path(
        "types/<int:case_type_id>/tasks/<int:task_id>/remove/",
        settings_views.remove_template_task,
        name="remove_type_task",
    ),
    path("settings/", settings_views.organisation_settings, name="settings"),
    path("reminders/", settings_views.reminder_settings, name="reminders"),
]
