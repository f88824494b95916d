from django.urls import path

from ankommen.conferences import views

app_name = "conferences"
urlpatterns: list = [
    path("", views.conference_list, name="list"),
    path("action-items/", views.action_items, name="action_items"),
    path("schedule/<int:case_id>/", views.schedule, name="schedule"),
    path("<int:conference_id>/", views.detail, name="detail"),
    path("<int:conference_id>/export/", views.export, name="export"),
    path("<int:conference_id>/change/", views.edit, name="edit"),
    path("<int:conference_id>/mode/", views.switch_mode, name="mode"),
    path("<int:conference_id>/organisations/add/", views.add_organisation, name="add_organisation"),
    path(
        "<int:conference_id>/organisations/<int:organisation_id>/remove/",
        views.remove_organisation,
        name="remove_organisation",
    ),
    path("<int:conference_id>/agenda/add/", views.add_agenda_item, name="add_agenda_item"),
    path("<int:conference_id>/agenda/<int:item_id>/", views.edit_agenda_item, name="edit_agenda_item"),
    path("<int:conference_id>/minutes/", views.minutes, name="minutes"),
    path("<int:conference_id>/decisions/add/", views.add_decision, name="add_decision"),
    path("<int:conference_id>/action-items/add/", views.add_action_item, name="add_action_item"),
    path(
        "<int:conference_id>/action-items/<int:item_id>/done/",
        views.complete_action_item,
        name="complete_action_item",
    ),
    path("<int:conference_id>/held/", views.hold, name="hold"),
    path("<int:conference_id>/cancel/", views.cancel, name="cancel"),
]
