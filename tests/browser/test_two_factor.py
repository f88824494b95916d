"""The two-factor journey in a real browser: set-up with the inline QR code, backup codes, next login.

Also proves that the pages work under the strict Content-Security-Policy (the browser reports every
blocked inline script or style on the console) and pass axe-core's WCAG checks.
"""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from ankommen.network.roles import Role
from ankommen.testing.factories import TEST_PASSWORD, MembershipFactory
from tests.browser.helpers import AXE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_for(secret: str, steps_ahead: int = 0) -> str:
    key = secret.replace(" ", "")
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)))
    totp.time = totp.time + 30 * steps_ahead
    return str(totp.token()).zfill(6)


def _log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_set_up_two_factor_then_log_in_with_a_code(page) -> None:  # type: ignore[no-untyped-def]
    with scopes_disabled():
        membership = MembershipFactory(role=Role.CASE_MANAGER, user__full_name="Frieda Test")
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )

    _log_in(page, membership.user.email)
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Zwei-Faktor-Authentifizierung einrichten"
    qr = page.locator(".qr-code svg")
    assert qr.bounding_box()["width"] > 100  # type: ignore[index]  # drawn, with its size from our stylesheet
    if AXE.exists():
        assert axe_violations(page) == []
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code aus der App").fill(_code_for(secret))
    page.get_by_role("button", name="Bestätigen und aktivieren").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Ihre Notfallcodes"
    assert page.locator(".backup-codes li").count() == 10
    if AXE.exists():
        assert axe_violations(page) == []
    page.get_by_role("link", name="Ich habe die Codes gesichert – weiter").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Willkommen, Frieda Test"

    # Next login: password, then the current code (the next time step: each code works once).
    page.get_by_role("button", name="Abmelden").click()
    _log_in(page, membership.user.email)
    page.wait_for_url("**/accounts/two-factor/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Anmeldung bestätigen"
    if AXE.exists():
        assert axe_violations(page) == []
    device = TOTPDevice.objects.get(user=membership.user)
    page.locator("#id_code").fill(_code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url("**/")
    device.refresh_from_db()
    assert device.last_t > 0
    page.get_by_role("link", name="Mein Konto").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Mein Konto"
    assert not blocked, blocked
