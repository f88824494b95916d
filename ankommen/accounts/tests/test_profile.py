"""The own account page: details, language, password change, two-factor status."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.tests.conftest import audit_entries
from ankommen.testing.factories import TEST_PASSWORD
from ankommen.testing.personas import World

PROFILE = reverse("accounts:profile")
PASSWORD_CHANGE = reverse("accounts:password_change")
NEW_PASSWORD = "another long passphrase 77"


def test_profile_shows_details_and_two_factor_status(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.get(PROFILE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "case_manager_a@example.org" in page
    assert "Case Manager A" in page
    assert "Aktiv" in page  # two-factor is set up
    assert reverse("accounts:backup_codes") in page
    assert PASSWORD_CHANGE in page


def test_header_links_to_my_account(world: World) -> None:
    page = world.client_for("police_liaison").get(reverse("core:home")).content.decode()
    assert f'href="{PROFILE}">Mein Konto</a>' in page


def test_users_without_membership_reach_their_account_page(world: World) -> None:
    assert world.client_for("no_membership").get(PROFILE).status_code == 200


def test_change_name_and_language(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(PROFILE, {"full_name": "Carla Neu", "preferred_language": "en"})
    assert response.status_code == 302
    user = world.memberships["case_manager_a"].user
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Carla Neu", "en")
    assert 'lang="en"' in client.get(PROFILE).content.decode()
    [entry] = audit_entries("account.profile_updated")
    assert entry.data == {"fields": ["full_name", "preferred_language"]}
    assert "Carla" not in str(entry.data)


def test_blank_name_is_refused(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(PROFILE, {"full_name": "   ", "preferred_language": "de"})
    assert response.status_code == 200
    assert not audit_entries("account.profile_updated")


def test_change_password_keeps_this_session_and_ends_the_others(world: World) -> None:
    client = world.client_for("case_manager_a")
    other_device = world.client_for("case_manager_a")
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    user = world.memberships["case_manager_a"].user
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("core:home")).status_code == 200  # still logged in and verified
    assert other_device.get(reverse("core:home")).status_code == 302  # logged out
    assert SESSION_KEY not in other_device.session
    assert audit_entries("account.password_changed")


def test_wrong_old_password_is_refused_and_counted(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "wrong old password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1
    assert NEW_PASSWORD not in attempt.post_data
    assert "wrong old password" not in attempt.post_data
    assert not audit_entries("account.password_changed")


def test_account_without_two_factor_is_offered_the_setup(world: World) -> None:
    client = world.client_for("case_manager_a")
    TOTPDevice.objects.filter(user=world.memberships["case_manager_a"].user).delete()
    # The session's device is gone, so the user is no longer verified: the set-up comes first.
    response = client.get(PROFILE)
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.get(response["Location"]).status_code == 200


def test_account_page_without_enforced_two_factor_links_to_the_setup(world: World) -> None:
    from django.test import override_settings

    client = Client()
    client.force_login(world.memberships["dpo"].user)
    TOTPDevice.objects.filter(user=world.memberships["dpo"].user).delete()
    with override_settings(OTP_REQUIRED=False):
        page = client.get(PROFILE).content.decode()
    assert reverse("accounts:two_factor") in page
