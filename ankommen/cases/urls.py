from django.urls import path

from ankommen.cases import views

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
    path("<int:case_id>/approvals/request/<slug:kind>/", views.request_approval, name="request_approval"),
    path("<int:case_id>/approvals/<int:approval_id>/", views.decide_approval, name="decide_approval"),
    path("<int:case_id>/close/", views.close_case, name="close"),
    path("<int:case_id>/reopen/", views.reopen_case, name="reopen"),
]
