from django.urls import path

from ankommen.core import views
from ankommen.env import env_bool

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.status, name="status"),
    path("language/", views.set_language, name="set_language"),
]
if env_bool("ANKOMMEN_BENCH_HELLO", False):
    # The floor of the page benchmark (bench/pages.py): routed only on the benchmark's own server.
    urlpatterns.append(path("bench-hello/", views.bench_hello, name="bench_hello"))
