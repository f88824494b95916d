"""Throttling and temporary lockout of password logins (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ankommen.accounts.lockout import mask_login, normalise_login, username_for_axes
from ankommen.accounts.tests.conftest import audit_entries, password_login
from ankommen.network.models import Membership
from ankommen.testing.factories import UserFactory

WRONG = "not the password at all"


def _fail(client: Client, email: str, times: int, **extra: str) -> None:
    for _ in range(times):
        response = password_login(client, email, WRONG, **extra)
        assert response.status_code in (200, 429)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_settings_lock_after_five_failures_for_fifteen_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_four_failures_still_allow_the_right_password(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 4)
    response = password_login(client, member.user.email)
    assert response.status_code == 302
    assert _logged_in(client)
    assert not AccessAttempt.objects.exists()  # a successful login resets the count


def test_five_failures_lock_out_even_the_right_password(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 5)
    response = password_login(client, member.user.email)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Vorübergehend gesperrt" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not _logged_in(client)


def test_lockout_is_per_account_and_address(member: Membership) -> None:
    _fail(Client(), member.user.email, 5)
    # The same account from another address …
    elsewhere = Client(REMOTE_ADDR="192.0.2.20")
    assert password_login(elsewhere, member.user.email).status_code == 302
    # … and another account from the same address are not affected.
    colleague = UserFactory()
    same_address = Client()
    assert password_login(same_address, colleague.email).status_code == 302
    # The locked pair stays locked.
    assert password_login(Client(), member.user.email).status_code == 429


def test_spelling_the_address_differently_does_not_reset_the_count(member: Membership) -> None:
    client = Client()
    for variant in [
        "frieda@example.org",
        "Frieda@example.org",
        "FRIEDA@EXAMPLE.ORG",
        " frieda@Example.org",
        "fRieda@example.org",
    ]:
        password_login(client, variant, WRONG)
    assert password_login(client, "frieda@example.org").status_code == 429


def test_lock_expires_after_the_cool_off_time(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 5)
    assert password_login(client, member.user.email).status_code == 429
    # Time travel: the recorded failures are now older than the cool-off time.
    past = AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)
    response = password_login(client, member.user.email)
    assert response.status_code == 302
    assert _logged_in(client)


def test_attempts_during_the_lockout_prolong_it(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 5)
    almost_over = AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=almost_over)
    assert password_login(client, member.user.email, WRONG).status_code == 429  # starts the wait anew
    assert password_login(client, member.user.email).status_code == 429


def test_lockout_is_audited_without_the_address_or_password(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 6)
    entries = audit_entries("account.locked_out")
    assert [e.data["repeated"] for e in entries] == [False, True]
    assert all(e.target_id == str(member.user.pk) for e in entries)
    assert all(e.actor_label == "fr…@example.org" for e in entries)
    assert all(member.user.email not in str(e.data) and WRONG not in str(e.data) for e in entries)
    assert len(audit_entries("account.login_failed")) == 6


def test_lockout_of_an_unknown_address_is_audited_too(db: None) -> None:
    _fail(Client(), "nobody@example.org", 5)
    [entry] = audit_entries("account.locked_out")
    assert entry.target_id == ""
    assert entry.actor_label == "no…@example.org"


def test_stored_attempts_hold_no_passwords(member: Membership) -> None:
    _fail(Client(), member.user.email, 2)
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "frieda@example.org"
    assert WRONG not in attempt.post_data
    assert "password=********************" in attempt.post_data


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Alice@Example.ORG ", "alice@example.org"), (None, ""), ("", "")],
)
def test_login_names_are_normalised_for_axes(value: str | None, expected: str) -> None:
    assert normalise_login(value) == expected
    assert username_for_axes(None, {"username": value}) == expected


def test_masked_login_shows_no_full_address() -> None:
    assert mask_login("alice@example.org") == "al…@example.org"
    assert mask_login("no-at-sign") == "…"


def test_lockout_page_offers_password_reset(member: Membership) -> None:
    client = Client()
    _fail(client, member.user.email, 5)
    response = password_login(client, member.user.email)
    assert reverse("accounts:password_reset") in response.content.decode()
