from django.urls import path

from ankommen.audit import views

app_name = "audit"
urlpatterns = [
    path("log/", views.audit_log, name="log"),
    path("log/export.csv", views.audit_export, name="export"),
    path("log/verify/", views.verify_chain, name="verify"),
    path("processing/", views.processing_records, name="processing"),
]
