"""Invitations: the service, the e-mail and the invitee's one-time page."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ankommen.accounts.models import User
from ankommen.network import services
from ankommen.network.models import Invitation, InvitationState, Membership
from ankommen.network.roles import Role
from ankommen.network.services import NetworkError
from ankommen.network.tests.utils import audit, audit_text, grant_sudo, token_from_last_mail
from ankommen.testing.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from ankommen.testing.personas import World

NEW_PASSWORD = "Fahrradwerkstatt-im-Hafen-2026"


@pytest.fixture
def scoped(world: World) -> Iterator[World]:
    with scope(network=world.network.pk):
        yield world


def invite(
    world: World,
    capture,  # type: ignore[no-untyped-def]
    *,
    email: str = "neu@example.org",
    org: str = "org_a",
    role: str = Role.CASE_MANAGER,
    language: str = "de",
) -> tuple[Invitation, str]:
    with scope(network=world.network.pk), capture(execute=True):
        invitation = services.invite_user(
            world.memberships["coordinator"],
            organisation=world.organisations[org],
            email=email,
            role=role,
            language=language,
        )
    return invitation, token_from_last_mail()


def accept_url(token: str) -> str:
    return reverse("network:accept_invitation", kwargs={"token": token})


# --- the service ----------------------------------------------------------------------


def test_invite_stores_only_the_tokens_hash_and_mails_after_commit(
    world: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.INVITATION_DAYS = 3
    with scope(network=world.network.pk), django_capture_on_commit_callbacks() as callbacks:
        invitation = services.invite_user(
            world.memberships["coordinator"],
            organisation=world.organisations["org_a"],
            email=" Neu@Example.org ",
            role=Role.CASE_MANAGER,
            language="en",
        )
        assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    token = token_from_last_mail()
    assert message.to == ["neu@example.org"]
    assert invitation.email == "neu@example.org"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with scopes_disabled():
        stored = Invitation.objects.values().get(pk=invitation.pk)
    assert token not in str(stored)
    assert abs(invitation.expires_at - (timezone.now() + dt.timedelta(days=3))) < dt.timedelta(minutes=1)
    assert invitation.state == InvitationState.PENDING
    [entry] = audit("invitation.created")
    assert entry.data["role"] == Role.CASE_MANAGER
    assert entry.data["organisation"] == world.organisations["org_a"].pk
    assert "neu@example.org" not in audit_text(entry)
    assert token not in audit_text(entry)


def test_invitation_mail_is_in_the_invitees_language(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    invite(world, django_capture_on_commit_callbacks, email="en@example.org", language="en")
    english = mail.outbox[-1]
    assert english.subject == "Invitation to Netzwerk Münster on ankommen"
    assert "Case manager" in english.body
    assert "http://127.0.0.1:8000/network/invitation/" in english.body
    invite(world, django_capture_on_commit_callbacks, email="de@example.org", language="de")
    german = mail.outbox[-1]
    assert german.subject.startswith("Einladung")
    assert "Fallmanagement" in german.body


@pytest.mark.parametrize(
    ("org", "role"),
    [("org_a", Role.POLICE_LIAISON), ("police", Role.CASE_MANAGER), ("chamber", Role.COORDINATOR)],
)
def test_invite_checks_role_against_organisation_type(scoped: World, org: str, role: str) -> None:
    with pytest.raises(NetworkError) as caught:
        services.invite_user(
            scoped.memberships["coordinator"],
            organisation=scoped.organisations[org],
            email="x@example.org",
            role=role,
            language="de",
        )
    assert set(caught.value.error_dict) == {"role"}
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invite_refuses_existing_role_and_open_duplicate(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with scope(network=world.network.pk), pytest.raises(NetworkError) as caught:
        services.invite_user(
            world.memberships["coordinator"],
            organisation=world.organisations["org_a"],
            email="CASE_MANAGER_A@example.org",
            role=Role.CASE_MANAGER,
            language="de",
        )
    assert [e.code for e in caught.value.error_dict["email"]] == ["already_member"]
    invite(world, django_capture_on_commit_callbacks)
    with scope(network=world.network.pk), pytest.raises(NetworkError) as caught:
        services.invite_user(
            world.memberships["coordinator"],
            organisation=world.organisations["org_a"],
            email="neu@example.org",
            role=Role.CASE_MANAGER,
            language="de",
        )
    assert [e.code for e in caught.value.error_dict["email"]] == ["already_invited"]


def test_only_coordination_invites(scoped: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.invite_user(
            scoped.memberships["team_lead_a"],
            organisation=scoped.organisations["org_a"],
            email="x@example.org",
            role=Role.ASSISTANT,
            language="de",
        )


def test_revoke_invitation(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    with scope(network=world.network.pk):
        services.revoke_invitation(world.memberships["coordinator"], invitation)
        invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    assert len(audit("invitation.revoked")) == 1
    assert Client().get(accept_url(token)).status_code == 404
    with pytest.raises(NetworkError):
        services.accept_invitation(token, full_name="Neu", password=NEW_PASSWORD)


def test_deactivating_the_organisation_withdraws_open_invitations(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    with scope(network=world.network.pk):
        services.deactivate_organisation(world.memberships["coordinator"], world.organisations["org_a"])
        invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
    assert Client().get(accept_url(token)).status_code == 404


# --- the whole flow over HTTP ---------------------------------------------------------


def test_full_invitation_flow(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    coordinator = grant_sudo(world.client_for("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("network:invite"),
            {
                "email": "amira@example.org",
                "language": "en",
                "organisation": world.organisations["org_a"].pk,
                "role": Role.CASE_MANAGER,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("network:members")
    [message] = mail.outbox
    assert message.to == ["amira@example.org"]
    token = token_from_last_mail()
    # The pending invitation is listed for the coordinator.
    assert "amira@example.org" in coordinator.get(reverse("network:members")).content.decode()

    invitee = Client()  # a browser asking for German: the page follows the invitation's language
    page = invitee.get(accept_url(token), HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    assert "Wohlfahrt A" in page.content.decode()
    assert 'lang="en"' in page.content.decode()
    assert "Create account and accept" in page.content.decode()
    assert 'lang="de"' in invitee.get(accept_url(token), HTTP_COOKIE="django_language=de").content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    response = invitee.post(
        accept_url(token), {"full_name": "Amira Beispiel", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")

    user = User.objects.get(email="amira@example.org")
    assert user.full_name == "Amira Beispiel"
    assert user.preferred_language == "en"
    assert user.check_password(NEW_PASSWORD)
    with scopes_disabled():
        membership = Membership.objects.get(user=user)
        invitation = Invitation.objects.get()
    assert (membership.organisation, membership.role, membership.is_active) == (
        world.organisations["org_a"],
        Role.CASE_MANAGER,
        True,
    )
    assert invitation.state == InvitationState.ACCEPTED
    [entry] = audit("invitation.accepted")
    assert entry.actor == user
    assert entry.network == world.network
    assert entry.data["new_account"] is True
    assert "amira" not in audit_text(entry).lower()

    # The link works once only.
    again = invitee.get(accept_url(token))
    assert again.status_code == 404
    second = invitee.post(
        accept_url(token), {"full_name": "Someone Else", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert second.status_code == 404
    assert User.objects.filter(full_name="Someone Else").count() == 0


def test_expired_invitation_shows_the_same_page_as_an_unknown_link(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    invitation, token = invite(world, django_capture_on_commit_callbacks)
    with scope(network=world.network.pk):
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = Client().get(accept_url(token), HTTP_ACCEPT_LANGUAGE="en")
    unknown = Client().get(accept_url("no-such-token"), HTTP_ACCEPT_LANGUAGE="en")
    assert expired.status_code == unknown.status_code == 404
    for response in (expired, unknown):
        text = response.content.decode()
        assert "This invitation link cannot be used" in text
        assert "Wohlfahrt A" not in text
        assert "neu@example.org" not in text
    response = Client().post(
        accept_url(token), {"full_name": "Neu", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="neu@example.org").exists()


def test_weak_or_mismatched_password_is_refused(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    invitation, token = invite(world, django_capture_on_commit_callbacks, language="en")
    client = Client()
    weak = client.post(accept_url(token), {"full_name": "Neu", "password": "12345678", "password_again": "12345678"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode() or "too common" in weak.content.decode()
    mismatch = client.post(
        accept_url(token), {"full_name": "Neu", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}
    )
    assert "The two passwords do not match." in mismatch.content.decode()
    assert not User.objects.filter(email="neu@example.org").exists()
    with scope(network=world.network.pk):
        invitation.refresh_from_db()
    assert invitation.state == InvitationState.PENDING


def test_existing_account_gets_the_role_without_a_new_password(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    existing = world.memberships["case_manager_b"].user
    _, token = invite(
        world, django_capture_on_commit_callbacks, email=existing.email, role=Role.ASSISTANT, language="en"
    )
    page = Client().get(accept_url(token)).content.decode()
    assert "You already have an account" in page
    assert 'type="password"' not in page
    response = Client().post(accept_url(token), {})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.check_password(TEST_PASSWORD)
    with scopes_disabled():
        assert Membership.objects.filter(user=existing, role=Role.ASSISTANT, is_active=True).count() == 1
    assert audit("invitation.accepted")[0].data["new_account"] is False


def test_logged_in_invitee_gets_the_new_role_and_stays_logged_in(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    existing = world.memberships["case_manager_b"].user
    _, token = invite(world, django_capture_on_commit_callbacks, email=existing.email, role=Role.ASSISTANT)
    client = world.client_for("case_manager_b")
    response = client.post(accept_url(token), {})
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_someone_else_logged_in_is_logged_out_after_accepting(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    _, token = invite(world, django_capture_on_commit_callbacks)
    client = world.client_for("case_manager_a")
    response = client.post(
        accept_url(token), {"full_name": "Neu", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302  # logged out


def test_deactivated_account_cannot_accept(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(email="gesperrt@example.org", is_active=False)
    with scope(network=world.network.pk):
        MembershipFactory(organisation=world.organisations["org_b"], user=user)
    invitation, token = invite(world, django_capture_on_commit_callbacks, email=user.email, language="en")
    response = Client().post(accept_url(token), {})
    assert response.status_code == 200
    assert "Your account has been deactivated" in response.content.decode()
    with scope(network=world.network.pk):
        invitation.refresh_from_db()
        assert not Membership.objects.filter(user=user, organisation=world.organisations["org_a"]).exists()
    assert invitation.state == InvitationState.PENDING


def test_withdrawing_over_http(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    invitation, _ = invite(world, django_capture_on_commit_callbacks)
    url = reverse("network:revoke_invitation", kwargs={"invitation_id": invitation.pk})
    assert world.client_for("outsider").post(url).status_code == 404
    assert world.client_for("team_lead_a").post(url).status_code == 403
    assert world.client_for("coordinator").post(url).status_code == 302
    with scope(network=world.network.pk):
        invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED
