from django.urls import path

from ankommen.api import views
from ankommen.participants import api as participants_api

app_name = "api"
urlpatterns = [
    path("schema/", views.schema, name="schema"),
    path("v1/me/", views.me, name="me"),
    path("v1/organisations/", views.organisations, name="organisations"),
    path("v1/organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("v1/participants/<int:participant_id>/", participants_api.participant_detail, name="participant"),
]
