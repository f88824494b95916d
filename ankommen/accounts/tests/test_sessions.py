"""Sessions end after inactivity; every request renews them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from ankommen.testing.personas import World


def test_idle_timeout_is_thirty_minutes_renewed_on_every_request() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def _session(client) -> Session:  # type: ignore[no-untyped-def]
    return Session.objects.get(session_key=client.session.session_key)


def test_idle_session_expires(world: World) -> None:
    client = world.client_for("case_manager_a")
    assert client.get(reverse("core:home")).status_code == 200
    # Nothing happened for longer than the idle timeout.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_active_session_is_renewed(world: World) -> None:
    client = world.client_for("case_manager_a")
    key = client.session.session_key
    # Two minutes before the idle timeout the user clicks again …
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=2))
    assert client.get(reverse("core:home")).status_code == 200
    # … and has the full idle time again.
    remaining = _session(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_session_cookie_ends_with_the_browser(world: World) -> None:
    client = world.client_for("case_manager_a")
    response = client.get(reverse("core:home"))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
