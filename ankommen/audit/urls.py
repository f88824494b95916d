from django.urls import path

from ankommen.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
]
