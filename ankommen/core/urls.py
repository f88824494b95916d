from django.urls import path

from ankommen.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("language/", views.set_language, name="set_language"),
]
