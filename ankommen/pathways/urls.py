from django.urls import path

from ankommen.pathways import views

app_name = "pathways"
urlpatterns = [
    path("participants/<int:participant_id>/", views.participant_pathways, name="participant"),
    path(
        "participants/<int:participant_id>/goal/<str:pathway>/<str:criterion>/",
        views.add_goal,
        name="add_goal",
    ),
]
