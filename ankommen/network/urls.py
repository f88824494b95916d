from django.urls import path

from ankommen.network import views

app_name = "network"
urlpatterns = [
    # directory (every member)
    path("partners/", views.directory, name="directory"),
    path("partners/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    # managing organisations (coordination)
    path("organisations/", views.manage_organisations, name="manage_organisations"),
    path("organisations/new/", views.create_organisation, name="create_organisation"),
    path("organisations/<int:organisation_id>/edit/", views.edit_organisation, name="edit_organisation"),
    path(
        "organisations/<int:organisation_id>/deactivate/",
        views.deactivate_organisation,
        name="deactivate_organisation",
    ),
    path(
        "organisations/<int:organisation_id>/reactivate/",
        views.reactivate_organisation,
        name="reactivate_organisation",
    ),
    # users and roles
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/invitations/<int:invitation_id>/withdraw/", views.revoke_invitation, name="revoke_invitation"),
    path("members/<int:user_id>/", views.member_detail, name="member"),
    path("members/<int:user_id>/roles/", views.assign_role, name="assign_role"),
    path("members/<int:user_id>/deactivate/", views.deactivate_user, name="deactivate_user"),
    path("members/<int:user_id>/reset-second-factor/", views.reset_second_factor, name="reset_second_factor"),
    path("members/<int:user_id>/reactivate/", views.reactivate_user, name="reactivate_user"),
    path("members/roles/<int:membership_id>/revoke/", views.revoke_role, name="revoke_role"),
    # the invitee's page (public, one-time token) and the role switcher
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("switch/", views.switch_membership, name="switch_membership"),
]
