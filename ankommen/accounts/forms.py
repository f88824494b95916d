from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ankommen.accounts.models import User
from ankommen.accounts.services import (
    TwoFactorError,
    change_password,
    record_password_reset_request,
    reset_password,
    verify_second_factor,
)


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("E-mail address or password is not correct."),
        "inactive": _("This account has been deactivated."),
    }


def _code_field(label: Any, help_text: Any, *, numeric: bool) -> forms.CharField:
    attrs = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "class": "code-input"}
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label, help_text=help_text, max_length=32, strip=True, widget=forms.TextInput(attrs=attrs)
    )


class TwoFactorSetupForm(forms.Form):
    code = _code_field(_("Code from the app"), _("The six-digit code your authenticator app shows now."), numeric=True)


class TwoFactorVerifyForm(forms.Form):
    code = _code_field(
        _("Code"),
        _("The six-digit code from your authenticator app, or one of your backup codes."),
        numeric=False,
    )


def _password_is_correct(request: HttpRequest, user: User, password: str) -> bool:
    """Check the password through ``authenticate`` so django-axes counts failures and enforces lockouts."""
    authenticated = authenticate(request, username=user.email, password=password)
    return authenticated is not None and authenticated.pk == user.pk


class ReauthenticateForm(forms.Form):
    """Password and, where two-factor is mandatory, a current authenticator code (sudo mode)."""

    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = _code_field(_("Code from the app"), _("The current six-digit code of your authenticator app."), numeric=True)

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        if not settings.OTP_REQUIRED:
            del self.fields["code"]

    @sensitive_variables("password", "code")
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if not password:
            return cleaned
        if not _password_is_correct(self.request, self.user, password):
            raise forms.ValidationError(_("The password is not correct."), code="password_incorrect")
        if "code" in self.fields:
            code = cleaned.get("code")
            if not code:
                return cleaned
            try:
                verify_second_factor(self.user, code, purpose="reauthenticate", allow_backup_code=False)
            except TwoFactorError as error:
                self.add_error("code", str(error))
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    preferred_language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each language in its own name, as in the header's language switch.
        self.fields["preferred_language"].choices = [  # type: ignore[attr-defined]
            (code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form; the old password is checked through axes, so guessing it locks out too."""

    def __init__(self, user: User, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    @sensitive_variables("old_password")
    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if not _password_is_correct(self.request, self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password

    def save(self, commit: bool = True) -> User:
        change_password(self.user, self.cleaned_data["new_password1"])
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The e-mail goes out in the recipient's language, and each request is audited.

    The page after the form is the same whether or not the address belongs to an account.
    """

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        with translation.override(user.preferred_language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name=html_email_template_name,
            )
        record_password_reset_request(user)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit: bool = True) -> User:
        reset_password(self.user, self.cleaned_data["new_password1"])
        return self.user
