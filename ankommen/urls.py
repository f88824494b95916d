from django.urls import include, path

from ankommen.core import views as core_views

urlpatterns = [
    path("", include("ankommen.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("ankommen.accounts.urls")),
    path("network/", include("ankommen.network.urls")),
    path("audit/", include("ankommen.audit.urls")),
    path("jobs/", include("ankommen.jobs.urls")),
    path("participants/", include("ankommen.participants.urls")),
    path("cases/", include("ankommen.cases.urls")),
    path("pathways/", include("ankommen.pathways.urls")),
    path("consents/", include("ankommen.consents.urls")),
    path("conferences/", include("ankommen.conferences.urls")),
    path("offers/", include("ankommen.offers.urls")),
    path("funding/", include("ankommen.funding.urls")),
    path("steering/", include("ankommen.steering.urls")),
    path("dashboard/", include("ankommen.dashboard.urls")),
    path("api/", include("ankommen.api.urls")),
]

handler403 = "ankommen.core.views.permission_denied"
handler404 = "ankommen.core.views.page_not_found"
