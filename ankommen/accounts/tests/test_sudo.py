"""Sudo mode: dangerous actions need a fresh password (and authenticator code) confirmation."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.sudo import SUDO_SESSION_KEY, grant_sudo, is_sudo, revoke_sudo, sudo_required
from ankommen.accounts.tests.conftest import audit_entries, totp_code
from ankommen.testing.factories import TEST_PASSWORD
from ankommen.testing.personas import World

REAUTH = reverse("accounts:reauthenticate")


@sudo_required
def _dangerous(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


def _request(rf: RequestFactory, method: str = "get", path: str = "/export/?case=7", **extra: str) -> HttpRequest:
    request = getattr(rf, method)(path, **extra)
    request.session = SessionStore()
    return request


# --- The decorator ----------------------------------------------------------------


def test_without_sudo_a_get_is_sent_to_reauthenticate_and_back(rf: RequestFactory, db: None) -> None:
    response = _dangerous(_request(rf))
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == REAUTH
    assert parse_qs(location.query)["next"] == ["/export/?case=7"]


def test_without_sudo_a_post_returns_to_the_form_it_came_from(rf: RequestFactory, db: None) -> None:
    response = _dangerous(_request(rf, "post", "/erase/", HTTP_REFERER="/cases/7/"))
    assert parse_qs(urlparse(response["Location"]).query)["next"] == ["/cases/7/"]


def test_with_fresh_sudo_the_view_runs(rf: RequestFactory, db: None) -> None:
    request = _request(rf)
    grant_sudo(request)
    assert is_sudo(request)
    assert _dangerous(request).content == b"done"


@override_settings(SUDO_MODE_SECONDS=600)
def test_sudo_expires(rf: RequestFactory, db: None) -> None:
    request = _request(rf)
    grant_sudo(request)
    request.session[SUDO_SESSION_KEY] = time.time() - 1  # ten minutes later
    assert not is_sudo(request)
    assert _dangerous(request).status_code == 302
    grant_sudo(request)
    revoke_sudo(request)
    assert not is_sudo(request)


def test_garbage_in_the_session_is_no_sudo(rf: RequestFactory, db: None) -> None:
    request = _request(rf)
    request.session[SUDO_SESSION_KEY] = "forever"
    assert not is_sudo(request)


# --- The re-authentication page ---------------------------------------------------


@pytest.fixture
def coordinator(world: World) -> Client:
    return world.client_for("coordinator")


def _device(world: World) -> TOTPDevice:
    return TOTPDevice.objects.get(user=world.memberships["coordinator"].user, confirmed=True)


def test_reauthentication_asks_for_password_and_code(coordinator: Client) -> None:
    response = coordinator.get(REAUTH, {"next": "/audit/"})
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"password", "code"}
    assert "no-store" in response["Cache-Control"]


def test_password_and_current_code_grant_sudo_and_return(world: World, coordinator: Client) -> None:
    response = coordinator.post(
        REAUTH, {"password": TEST_PASSWORD, "code": totp_code(_device(world)), "next": "/audit/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
    assert coordinator.session[SUDO_SESSION_KEY] > time.time()
    [entry] = audit_entries("account.reauthenticated")
    assert entry.actor_id == world.memberships["coordinator"].user_id


def test_wrong_password_is_refused_without_spending_the_code(world: World, coordinator: Client) -> None:
    response = coordinator.post(REAUTH, {"password": "wrong password 123", "code": totp_code(_device(world))})
    assert response.status_code == 200
    assert SUDO_SESSION_KEY not in coordinator.session
    assert _device(world).throttling_failure_count == 0
    assert not audit_entries("account.reauthenticated")


def test_wrong_code_is_refused(world: World, coordinator: Client) -> None:
    response = coordinator.post(REAUTH, {"password": TEST_PASSWORD, "code": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert SUDO_SESSION_KEY not in coordinator.session
    [entry] = audit_entries("account.two_factor_failed")
    assert entry.data["purpose"] == "reauthenticate"


def test_backup_codes_do_not_open_sudo_mode(world: World, coordinator: Client) -> None:
    user = world.memberships["coordinator"].user
    static = user.staticdevice_set.create(name="Backup codes")
    static.token_set.create(token="abcd2345")
    response = coordinator.post(REAUTH, {"password": TEST_PASSWORD, "code": "abcd2345"})
    assert response.status_code == 200
    assert static.token_set.count() == 1


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_foreign_next_falls_back_to_the_account_page(world: World, coordinator: Client, next_url: str) -> None:
    response = coordinator.post(
        REAUTH, {"password": TEST_PASSWORD, "code": totp_code(_device(world)), "next": next_url}
    )
    assert response["Location"] == reverse("accounts:profile")


def test_guessing_the_password_here_counts_towards_the_lockout(world: World, coordinator: Client) -> None:
    for _ in range(5):
        coordinator.post(REAUTH, {"password": "wrong password 123", "code": "000000"})
    response = coordinator.post(REAUTH, {"password": TEST_PASSWORD, "code": totp_code(_device(world))})
    assert response.status_code == 429
    assert SUDO_SESSION_KEY not in coordinator.session
    assert "000000" not in AccessAttempt.objects.get().post_data


@override_settings(OTP_REQUIRED=False)
def test_without_mandatory_two_factor_the_password_suffices(coordinator: Client) -> None:
    response = coordinator.get(REAUTH)
    assert set(response.context["form"].fields) == {"password"}
    assert coordinator.post(REAUTH, {"password": TEST_PASSWORD}).status_code == 302
    assert SUDO_SESSION_KEY in coordinator.session


def test_an_unverified_session_cannot_reauthenticate(world: World) -> None:
    client = Client()
    client.force_login(world.memberships["coordinator"].user)
    response = client.get(REAUTH)
    assert response["Location"].startswith(reverse("accounts:two_factor"))


# --- A protected action: new backup codes -----------------------------------------


def test_new_backup_codes_need_sudo_then_replace_the_old_ones(world: World, coordinator: Client) -> None:
    user = world.memberships["coordinator"].user
    static = user.staticdevice_set.create(name="Backup codes")
    static.token_set.create(token="oldcode2")
    profile = reverse("accounts:profile")

    response = coordinator.post(reverse("accounts:backup_codes"), HTTP_REFERER="http://testserver" + profile)
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == REAUTH
    assert static.token_set.count() == 1

    coordinator.post(REAUTH, {"password": TEST_PASSWORD, "code": totp_code(_device(world))})
    response = coordinator.post(reverse("accounts:backup_codes"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = response.context["codes"]
    assert len(codes) == 10
    assert sorted(static.token_set.values_list("token", flat=True)) == sorted(codes)
    assert "oldcode2" not in codes
    [entry] = audit_entries("account.backup_codes_regenerated")
    assert entry.data == {"count": 10}


def test_backup_codes_page_cannot_be_fetched_with_get(coordinator: Client) -> None:
    assert coordinator.get(reverse("accounts:backup_codes")).status_code == 405
