from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from ankommen.audit.models import AuditEntry
from ankommen.network.models import Membership
from ankommen.testing.factories import TEST_PASSWORD, MembershipFactory, TOTPDeviceFactory


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or ``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def audit_entries(action: str, **filters: Any) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action, **filters).order_by("seq"))


def password_login(client: Client, email: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    from django.urls import reverse

    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


@pytest.fixture
def member(db: None) -> Membership:
    """A case manager with a confirmed authenticator, not logged in."""
    with scopes_disabled():
        membership = MembershipFactory(user__full_name="Frieda Test", user__email="frieda@example.org")
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def newcomer(db: None) -> Membership:
    """A case manager who has never set up two-factor authentication."""
    with scopes_disabled():
        return MembershipFactory(user__full_name="Nina Neu", user__email="nina@example.org")


@pytest.fixture
def half_logged_in(member: Membership) -> Client:
    """Password accepted, second factor not yet confirmed."""
    client = Client()
    client.force_login(member.user)
    return client
