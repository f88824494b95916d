from django.urls import path

from ankommen.api import cases as cases_api
from ankommen.api import views
from ankommen.participants import api as participants_api

app_name = "api"
urlpatterns = [
    path("schema/", views.schema, name="schema"),
    path("v1/me/", views.me, name="me"),
    path("v1/organisations/", views.organisations, name="organisations"),
    path("v1/organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("v1/participants/<int:participant_id>/", participants_api.participant_detail, name="participant"),
    path("v1/cases/", cases_api.case_list, name="cases"),
    path("v1/cases/<int:case_id>/", cases_api.case_detail, name="case"),
    path("v1/cases/<int:case_id>/tasks/", cases_api.case_tasks, name="case_tasks"),
    path("v1/cases/<int:case_id>/tasks/<int:task_id>/complete/", cases_api.complete_task, name="complete_task"),
    path("v1/tasks/mine/", cases_api.my_tasks, name="my_tasks"),
]
