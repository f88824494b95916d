"""Two-factor authentication: set-up with QR code and backup codes, verification, throttling, enforcement."""

from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.tests.conftest import audit_entries, password_login, totp_code
from ankommen.network.access import access_rule_of
from ankommen.network.models import Membership
from ankommen.testing.factories import TEST_PASSWORD
from ankommen.testing.personas import World
from tests.test_permission_matrix import MATRIX

TWO_FACTOR = reverse("accounts:two_factor")


def _is_verified(client: Client) -> bool:
    return "otp_device_id" in client.session


# --- Enforcement -----------------------------------------------------------------


def test_password_alone_leads_to_the_second_step_keeping_the_wanted_page(member: Membership) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": member.user.email, "password": TEST_PASSWORD, "next": "/network/"}
    )
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR + "?next=%2Fnetwork%2F"
    assert not _is_verified(client)


def _membership_pages(world: World) -> list[str]:
    urls = []
    for name, expect in sorted(MATRIX.items()):
        if expect.method != "get" or expect.status_for("coordinator") != 200:
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else {})
        rule = access_rule_of(resolve(url).func)
        if rule is not None and not rule.public:
            urls.append(url)
    return urls


def test_unverified_session_is_sent_to_two_factor_from_every_protected_page(world: World) -> None:
    from ankommen.testing.world_extras import enrich_world

    enrich_world(world)
    coordinator = world.memberships["coordinator"]
    client = Client()
    client.force_login(coordinator.user)  # password step only
    urls = _membership_pages(world)
    assert reverse("core:home") in urls and reverse("accounts:profile") in urls
    for url in urls:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 403, url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(TWO_FACTOR + "?next="), url


def test_two_factor_page_needs_a_password_login_first(client: Client, db: None) -> None:
    response = client.get(TWO_FACTOR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Set-up ----------------------------------------------------------------------


def test_setup_shows_secret_and_a_locally_rendered_qr_code(newcomer: Membership) -> None:
    client = Client()
    client.force_login(newcomer.user)
    response = client.get(TWO_FACTOR)
    assert response.status_code == 200
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=newcomer.user)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    svg = re.search(r"<svg .*?</svg>", page, re.DOTALL)
    assert svg is not None and "<path" in svg.group(0)
    assert "<img" not in page  # no image fetched from anywhere, not even from us
    assert "no-store" in response["Cache-Control"]
    # Reloading keeps the same secret (the app may already have scanned it).
    client.get(TWO_FACTOR)
    assert TOTPDevice.objects.filter(user=newcomer.user).count() == 1


def test_setup_with_current_code_activates_and_shows_ten_backup_codes_once(newcomer: Membership) -> None:
    client = Client()
    client.force_login(newcomer.user)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=newcomer.user)

    response = client.post(TWO_FACTOR, {"code": totp_code(device), "next": "/network/"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=newcomer.user).values_list("token", flat=True)
    )
    assert 'href="/network/"' in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert _is_verified(client)
    assert client.get(reverse("core:home")).status_code == 200
    [entry] = audit_entries("account.two_factor_enabled", target_id=str(newcomer.user.pk))
    assert entry.actor_id == newcomer.user.pk
    # Shown once: the next visit of the page does not show the codes again.
    again = client.get(TWO_FACTOR, {"next": "/network/"})
    assert again.status_code == 302 and again["Location"] == "/network/"


def test_setup_refuses_a_wrong_code(newcomer: Membership) -> None:
    client = Client()
    client.force_login(newcomer.user)
    client.get(TWO_FACTOR)
    response = client.post(TWO_FACTOR, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.get(user=newcomer.user).confirmed
    assert not StaticDevice.objects.filter(user=newcomer.user).exists()
    assert not _is_verified(client)
    [entry] = audit_entries("account.two_factor_failed")
    assert entry.data == {"step": "setup", "throttled": False}


def test_a_stolen_password_cannot_enrol_a_second_authenticator(half_logged_in: Client, member: Membership) -> None:
    response = half_logged_in.get(TWO_FACTOR)
    assert response.status_code == 200
    assert "accounts/two_factor_verify.html" in [t.name for t in response.templates]
    assert "<svg" not in response.content.decode()
    half_logged_in.post(TWO_FACTOR, {"code": "123456"})
    assert TOTPDevice.objects.filter(user=member.user).count() == 1


# --- Verification ----------------------------------------------------------------


def test_current_code_verifies_and_goes_to_next(half_logged_in: Client, member: Membership) -> None:
    device = TOTPDevice.objects.get(user=member.user)
    session_key = half_logged_in.session.session_key
    response = half_logged_in.post(TWO_FACTOR, {"code": totp_code(device), "next": "/network/"})
    assert response.status_code == 302
    assert response["Location"] == "/network/"
    assert _is_verified(half_logged_in)
    assert half_logged_in.session.session_key != session_key  # new session key after the privilege step
    assert half_logged_in.get(reverse("core:home")).status_code == 200
    [entry] = audit_entries("account.two_factor_verified")
    assert entry.data == {"method": "totp", "purpose": "login"}


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_foreign_next_is_ignored(half_logged_in: Client, member: Membership, next_url: str) -> None:
    device = TOTPDevice.objects.get(user=member.user)
    response = half_logged_in.post(TWO_FACTOR, {"code": totp_code(device), "next": next_url})
    assert response["Location"] == reverse("core:home")


def test_a_code_cannot_be_used_twice(member: Membership) -> None:
    device = TOTPDevice.objects.get(user=member.user)
    code = totp_code(device)
    first, second = Client(), Client()
    first.force_login(member.user)
    second.force_login(member.user)
    assert first.post(TWO_FACTOR, {"code": code}).status_code == 302
    response = second.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 200
    assert not _is_verified(second)


def test_backup_code_verifies_once(half_logged_in: Client, member: Membership) -> None:
    static = StaticDevice.objects.create(user=member.user, name="Backup codes")
    static.token_set.create(token="abcd2345")
    static.token_set.create(token="efgh6723")
    response = half_logged_in.post(TWO_FACTOR, {"code": "ABCD 2345"})
    assert response.status_code == 302
    assert _is_verified(half_logged_in)
    assert list(static.token_set.values_list("token", flat=True)) == ["efgh6723"]
    [entry] = audit_entries("account.two_factor_verified")
    assert entry.data == {"method": "backup_code", "purpose": "login"}

    other = Client()
    other.force_login(member.user)
    assert other.post(TWO_FACTOR, {"code": "abcd2345"}).status_code == 200
    assert not _is_verified(other)


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)  # waits of 60 s, 120 s, …: no race with a slow test machine
def test_wrong_codes_are_throttled_even_for_the_right_code(half_logged_in: Client, member: Membership) -> None:
    device = TOTPDevice.objects.get(user=member.user)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    half_logged_in.post(TWO_FACTOR, {"code": wrong})
    half_logged_in.post(TWO_FACTOR, {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the second attempt came too early and was not even checked

    response = half_logged_in.post(TWO_FACTOR, {"code": totp_code(device)})
    assert response.status_code == 200
    assert not _is_verified(half_logged_in)
    assert response.context["form"].errors["code"]
    assert [e.data["throttled"] for e in audit_entries("account.two_factor_failed")] == [False, True, True]

    # After the wait the right code works again.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=5))
    assert half_logged_in.post(TWO_FACTOR, {"code": totp_code(device)}).status_code == 302
    assert _is_verified(half_logged_in)


def test_codes_and_secrets_never_reach_the_audit_log(newcomer: Membership) -> None:
    client = Client()
    client.force_login(newcomer.user)
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=newcomer.user)
    client.post(TWO_FACTOR, {"code": "999999"})
    device.refresh_from_db()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    code = totp_code(device)
    client.post(TWO_FACTOR, {"code": code})
    backup = list(StaticToken.objects.filter(device__user=newcomer.user).values_list("token", flat=True))
    from django_scopes import scopes_disabled

    from ankommen.audit.models import AuditEntry

    with scopes_disabled():
        logged = " ".join(str(e.data) + e.actor_label for e in AuditEntry.objects.all())
    for secret in [code, "999999", device.key, *backup]:
        assert secret not in logged


# --- Login end to end ------------------------------------------------------------


def test_login_with_password_and_code_reaches_the_start_page(member: Membership) -> None:
    client = Client()
    response = password_login(client, member.user.email)
    assert response["Location"] == TWO_FACTOR + "?next=%2F"
    device = TOTPDevice.objects.get(user=member.user)
    response = client.post(response["Location"], {"code": totp_code(device), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_reset_code_signs_in_once_and_leads_to_setting_up_a_new_authenticator(world: World) -> None:
    from django_scopes import scope

    from ankommen.network import services as network_services

    user = world.memberships["case_manager_a"].user
    with scope(network=world.network):
        code = network_services.reset_second_factor(world.memberships["coordinator"], user)
    client = Client()
    assert password_login(client, user.email).status_code == 302
    response = client.post(TWO_FACTOR, {"code": code, "next": "/network/"})
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR + "?next=%2Fnetwork%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<svg" in page.content  # the set-up QR code
