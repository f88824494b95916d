from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from ankommen.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    ReauthenticateForm,
    SetPasswordForm,
    TwoFactorSetupForm,
    TwoFactorVerifyForm,
)
from ankommen.accounts.models import User
from ankommen.accounts.services import (
    AccountError,
    TwoFactorError,
    confirm_two_factor_setup,
    record_reauthentication,
    regenerate_backup_codes,
    start_two_factor_setup,
    update_profile,
    verify_second_factor,
)
from ankommen.accounts.sudo import grant_sudo, is_sudo, sudo_required
from ankommen.accounts.two_factor import (
    confirmed_totp_device,
    needs_setup,
    qr_code_svg,
    remaining_backup_codes,
    secret_for_display,
)
from ankommen.network.access import login_only, public

LOW_BACKUP_CODES = 3


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default)


# --- Login, logout, lockout ------------------------------------------------------


@method_decorator(public, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if settings.OTP_REQUIRED and not _is_verified(self.request):
            # The second step keeps the page the user wanted in the first place.
            return reverse("accounts:two_factor") + "?" + urlencode({"next": url})
        return url


login_view = public(LoginView.as_view())


@login_only(allow_unverified=True)
def logout_view(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LogoutView.as_view()(request)


@never_cache
def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """Shown by django-axes (``AXES_LOCKOUT_CALLABLE``) while an account/address pair is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"lockout_minutes": minutes}, status=429)


# --- Two-factor authentication ---------------------------------------------------


@login_only(allow_unverified=True)
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (first time) or confirm the second factor (every login)."""
    user = _user(request)
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    if needs_setup(user):
        return _two_factor_setup(request, user, next_url)
    if _is_verified(request):
        return redirect(next_url)
    return _two_factor_verify(request, user, next_url)


def _two_factor_setup(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    device = start_two_factor_setup(user)
    form = TwoFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = confirm_two_factor_setup(user, form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            request.session.cycle_key()
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next_url": next_url, "setup": True})
    context = {
        "form": form,
        "next_url": next_url,
        "qr_code": qr_code_svg(device),
        "secret": secret_for_display(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _two_factor_verify(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    form = TwoFactorVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_second_factor(user, form.cleaned_data["code"], purpose="login")
        except TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            request.session.cycle_key()
            if confirmed_totp_device(user) is None:
                # signed in with the one-time code of a second-factor reset: set up a new authenticator now
                return redirect(reverse("accounts:two_factor") + "?" + urlencode({"next": next_url}))
            if isinstance(device, StaticDevice):
                left = remaining_backup_codes(user)
                messages.warning(
                    request,
                    _("You used a backup code; %(count)s are left. Generate new ones on your account page.")
                    % {"count": left},
                )
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next_url": next_url})


@login_only
@require_POST
@sudo_required
@never_cache
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes and show the new ones once (needs a fresh re-authentication)."""
    try:
        codes = regenerate_backup_codes(_user(request))
    except TwoFactorError as error:
        messages.error(request, str(error))
        return redirect("accounts:profile")
    return render(
        request, "accounts/backup_codes.html", {"codes": codes, "next_url": reverse("accounts:profile"), "setup": False}
    )


# --- Sudo mode -------------------------------------------------------------------


@login_only
@never_cache
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm password (and a current authenticator code) before a protected action."""
    user = _user(request)
    next_url = _safe_next(request, "accounts:profile")
    form = ReauthenticateForm(request, user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_reauthentication(user)
        grant_sudo(request)
        return redirect(next_url)
    context = {
        "form": form,
        "next_url": next_url,
        "ask_code": "code" in form.fields,
        "sudo_minutes": settings.SUDO_MODE_SECONDS // 60,
    }
    return render(request, "accounts/reauthenticate.html", context)


# --- Own account -----------------------------------------------------------------


@login_only
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "preferred_language": user.preferred_language}
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(
                user,
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:profile")
    totp_device = confirmed_totp_device(user)
    backup_count = remaining_backup_codes(user)
    context = {
        "form": form,
        "account": user,
        "totp_device": totp_device,
        "backup_count": backup_count,
        "backup_codes_low": totp_device is not None and backup_count < LOW_BACKUP_CODES,
        "otp_required": settings.OTP_REQUIRED,
        "sudo_active": is_sudo(request),
    }
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: the old password is required and the session survives the change."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # saves and calls update_session_auth_hash
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = login_only(never_cache(PasswordChangeView.as_view()))


# --- Password reset by e-mail (Django's views, our forms and templates) -----------

password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=PasswordResetForm,
        template_name="accounts/password_reset_form.html",
        subject_template_name="accounts/email/password_reset_subject.txt",
        email_template_name="accounts/email/password_reset_email.txt",
        extra_email_context={"valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
        success_url=reverse_lazy("accounts:password_reset_done"),
    )
)
password_reset_done = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = public(
    auth_views.PasswordResetConfirmView.as_view(
        form_class=SetPasswordForm,
        template_name="accounts/password_reset_confirm.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
    )
)
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
