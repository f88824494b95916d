from django.urls import include, path

from ankommen.participants import views

app_name = "participants"
urlpatterns: list = [
    # Records: register, search, view, edit, households, status history (views.py).
    path("", views.participant_list, name="list"),
    path("register/", views.register, name="register"),
    path("<int:participant_id>/", views.participant_detail, name="detail"),
    path("<int:participant_id>/edit/", views.edit_participant, name="edit"),
    path("<int:participant_id>/statuses/", views.status_history, name="statuses"),
    path("<int:participant_id>/household/new/", views.create_household, name="create_household"),
    path("<int:participant_id>/<slug:section>/add/", views.add_detail, name="add_detail"),
    path("<int:participant_id>/<slug:section>/<int:row_id>/", views.edit_detail, name="edit_detail"),
    path("<int:participant_id>/<slug:section>/<int:row_id>/remove/", views.remove_detail, name="remove_detail"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/members/add/", views.add_member, name="add_member"),
    path("households/<int:household_id>/members/<int:member_id>/", views.edit_member, name="edit_member"),
    path("households/<int:household_id>/members/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    # Duplicates: review queue, merge and undo, batch scans (duplicate_views.py, urls_duplicates.py).
    path("duplicates/", include("ankommen.participants.urls_duplicates")),
]
