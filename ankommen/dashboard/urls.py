from django.urls import path

from ankommen.dashboard import views

app_name = "dashboard"
urlpatterns: list = [
    path("", views.overview, name="overview"),
    path("offers/", views.cell, name="cell"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
    path("young-adults/", views.young_adults_view, name="young_adults"),
    path("measure-careers/", views.careers_view, name="careers"),
    path("measure-careers/mine/", views.my_careers, name="my_careers"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:scenario_id>/offers/add/", views.planned_offer_add, name="planned_offer_add"),
    path(
        "scenarios/<int:scenario_id>/offers/<int:planned_id>/remove/",
        views.planned_offer_remove,
        name="planned_offer_remove",
    ),
    path("scenarios/<int:scenario_id>/delete/", views.scenario_delete, name="scenario_delete"),
    path("rebuild/", views.rebuild, name="rebuild"),
]
