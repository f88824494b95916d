from django.urls import include, path

app_name = "participants"
urlpatterns: list = [
    # Records: register, search, view, edit, households, status history (views.py).
    # Duplicates: review queue, merge and undo, batch scans (duplicate_views.py, urls_duplicates.py).
    path("duplicates/", include("ankommen.participants.urls_duplicates")),
]
