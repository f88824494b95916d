from django.urls import path

from ankommen.network import views

app_name = "network"
urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("partners/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("members/", views.members, name="members"),
]
