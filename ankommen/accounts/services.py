"""State changes of the accounts app. Each takes the acting user, runs in one transaction
and writes its audit entry there. Codes, secrets and passwords never enter the audit log."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.lockout import mask_login, normalise_login
from ankommen.accounts.models import User
from ankommen.accounts.two_factor import (
    BACKUP_CODE_COUNT,
    BACKUP_DEVICE_NAME,
    TOTP_DEVICE_NAME,
    confirmed_totp_device,
    is_totp_code,
    normalise_code,
)
from ankommen.audit.services import log_action


class AccountError(Exception):
    """A refused account action; the message is translated and safe to show."""


class TwoFactorError(AccountError):
    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds until the device accepts codes again (throttling)


# --- Profile and language --------------------------------------------------------


def change_language(user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")
    if user.preferred_language == language:
        return
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        log_action(user, "account.language_changed", user, data={"language": language})


def update_profile(user: User, *, full_name: str, preferred_language: str) -> None:
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {preferred_language!r}")
    full_name = full_name.strip()
    if not full_name:
        raise AccountError(_("Please enter your name."))
    changed = [
        field
        for field, value in (("full_name", full_name), ("preferred_language", preferred_language))
        if getattr(user, field) != value
    ]
    if not changed:
        return
    with transaction.atomic():
        user.full_name = full_name
        user.preferred_language = preferred_language
        user.save(update_fields=changed)
        # Field names only: the new name itself is personal data.
        log_action(user, "account.profile_updated", user, data={"fields": changed})


# --- Two-factor authentication ---------------------------------------------------


def _retry_after(info: dict[str, Any] | None) -> int | None:
    locked_until = (info or {}).get("locked_until")
    if not isinstance(locked_until, datetime):
        return None
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _throttled_error(retry_after: int | None) -> TwoFactorError:
    return TwoFactorError(
        _("Too many wrong codes. Please wait %(seconds)s seconds and try again.") % {"seconds": retry_after or 1},
        retry_after=retry_after,
    )


def _replace_backup_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": BACKUP_DEVICE_NAME}
    )
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < BACKUP_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    return sorted(codes)


def start_two_factor_setup(user: User) -> TOTPDevice:
    """The unconfirmed authenticator of this set-up; created on first call, reused after."""
    if confirmed_totp_device(user) is not None:
        raise TwoFactorError(_("Two-factor authentication is already set up."))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
            log_action(user, "account.two_factor_setup_started", user)
    return device


def confirm_two_factor_setup(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a current code; returns it and 10 fresh backup codes."""
    code = normalise_code(code)
    retry_after: int | None = None
    codes: list[str] = []
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise TwoFactorError(_("Two-factor authentication is already set up."))
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            raise TwoFactorError(_("The set-up has expired. Please start again."))
        allowed, info = device.verify_is_allowed()
        # verify_token counts a wrong (or malformed) code towards the device's throttling.
        verified = allowed and device.verify_token(code)
        if not allowed:
            retry_after = _retry_after(info)
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _replace_backup_codes(user)
            log_action(user, "account.two_factor_enabled", user)
        else:
            log_action(user, "account.two_factor_failed", user, data={"step": "setup", "throttled": not allowed})
    if not allowed:
        raise _throttled_error(retry_after)
    if not verified:
        raise TwoFactorError(_("The code is not correct. Check the time on your phone and enter the current code."))
    return device, codes


def verify_second_factor(user: User, code: str, *, purpose: str = "login", allow_backup_code: bool = True) -> Device:
    """Check a code from the authenticator app (6 digits) or, if allowed, a single-use backup code.

    Wrong codes slow further attempts down exponentially (django-otp throttling per device);
    a throttled device refuses even the right code until the wait is over.
    """
    code = normalise_code(code)
    method = "totp" if is_totp_code(code) else "backup_code"
    device: Device | None = None
    allowed, verified, retry_after = True, False, None
    with transaction.atomic():
        if method == "totp":
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        elif allow_backup_code:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is not None:
            allowed, info = device.verify_is_allowed()
            if allowed:
                verified = device.verify_token(code)
            else:
                retry_after = _retry_after(info)
        data = {"method": method, "purpose": purpose}
        if verified:
            log_action(user, "account.two_factor_verified", user, data=data)
        else:
            log_action(user, "account.two_factor_failed", user, data={**data, "throttled": not allowed})
    if not allowed:
        raise _throttled_error(retry_after)
    if not verified or device is None:
        if allow_backup_code:
            raise TwoFactorError(_("The code is not correct."))
        raise TwoFactorError(_("The code is not correct. Enter the current code from your authenticator app."))
    return device


def regenerate_backup_codes(user: User) -> list[str]:
    """Replace all backup codes (the old ones stop working). The caller shows the new ones once."""
    if confirmed_totp_device(user) is None:
        raise TwoFactorError(_("Set up two-factor authentication first."))
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        log_action(user, "account.backup_codes_regenerated", user, data={"count": len(codes)})
    return codes


def record_reauthentication(user: User) -> None:
    with transaction.atomic():
        log_action(user, "account.reauthenticated", user)


# --- Passwords -------------------------------------------------------------------


def change_password(user: User, new_password: str) -> None:
    """Set a new password (already validated); other sessions of the user end with it."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        log_action(user, "account.password_changed", user)


def record_password_reset_request(user: User) -> None:
    with transaction.atomic():
        log_action(None, "account.password_reset_requested", user, actor_label=mask_login(user.email))


def reset_password(user: User, new_password: str) -> None:
    """Set the password chosen through a valid reset link; lifts a lockout of this account."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        log_action(user, "account.password_reset_done", user)
    reset_login_failures(username=normalise_login(user.email))


# --- Lockout (django-axes) -------------------------------------------------------


def record_lockout(attempted_login: str, *, repeated: bool) -> None:
    """Audit a temporary lockout. ``repeated``: another attempt while already locked."""
    user = User.objects.filter(email__iexact=normalise_login(attempted_login)).first()
    with transaction.atomic():
        log_action(
            None,
            "account.locked_out",
            user,
            actor_label=mask_login(attempted_login),
            data={"repeated": repeated, "failure_limit": settings.AXES_FAILURE_LIMIT},
        )
