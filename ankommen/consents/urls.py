from django.urls import path

from ankommen.consents import views

app_name = "consents"
urlpatterns: list = [
    path("shared/", views.shared_list, name="shared"),
    path("cases/<int:case_id>/record/", views.record_for_case, name="record_for_case"),
    path("participants/<int:participant_id>/record/", views.record_for_participant, name="record_for_participant"),
    path("<int:consent_id>/", views.consent_detail, name="detail"),
    path("<int:consent_id>/revoke/", views.revoke, name="revoke"),
    path("<int:consent_id>/document/", views.document, name="document"),
]
