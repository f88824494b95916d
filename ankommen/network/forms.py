from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db import models
from django.db.models import QuerySet
from django.forms.boundfield import BoundField
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.network.models import Organisation
from ankommen.network.roles import Role
from ankommen.network.services import OrganisationData


class FieldsetsMixin:
    """Forms declare ``fieldsets = [(legend, [field names])]``; templates render them in order."""

    fieldsets: list[tuple[Promise | str, list[str]]] = []

    def fieldset_list(self) -> list[tuple[Promise | str, list[BoundField]]]:
        form: Any = self
        return [(legend, [form[name] for name in names if name in form.fields]) for legend, names in self.fieldsets]


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # an address typed without scheme is taken as https
    return field.formfield(**kwargs)


def _role_choices() -> list[tuple[str, Any]]:
    return [("", _("Please choose")), *Role.choices]


class OrganisationForm(FieldsetsMixin, forms.Form):
    fieldsets = [
        (_("Organisation"), ["name", "short_name", "type", "joined_on"]),
        (_("Address"), ["street", "postal_code", "city"]),
        (_("Contact"), ["contact_person", "email", "phone", "website"]),
    ]
    # The version the form showed; a save against a newer version is refused (optimistic locking).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, with_version: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [name for _legend, names in self.fieldsets for name in names]
        self.fields.update(
            forms.fields_for_model(
                Organisation,
                fields=names,
                widgets={"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
                formfield_callback=_formfield,  # type: ignore[arg-type]  # Django passes **kwargs too
            )
        )
        if not with_version:
            del self.fields["version"]

    def organisation_data(self) -> OrganisationData:
        names = [name for _legend, names in self.fieldsets for name in names]
        return OrganisationData(**{name: self.cleaned_data[name] for name in names})

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict[str, Any]:
        names = [name for _legend, names in cls.fieldsets for name in names]
        return {name: getattr(organisation, name) for name in names} | {"version": organisation.version}


class RoleFieldsMixin(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation"), empty_label=_("Please choose")
    )
    role = forms.ChoiceField(
        choices=_role_choices,
        label=_("Role"),
        help_text=_("Not every role fits every type of organisation; the overview below shows which do."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class InviteForm(FieldsetsMixin, RoleFieldsMixin):
    fieldsets = [
        (_("Who is invited"), ["email", "language"]),
        (_("Role in the network"), ["organisation", "role"]),
    ]
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label=_("Language of the invitation"),
        help_text=_("The e-mail and the first pages are shown in this language."),
    )
    field_order = ["email", "language", "organisation", "role"]


class AssignRoleForm(FieldsetsMixin, RoleFieldsMixin):
    fieldsets = [(_("Assign another role"), ["organisation", "role"])]


class AcceptInvitationForm(forms.Form):
    """For a new account: the name and a password (checked by Django's password validators)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords do not match."))
        return cleaned


class ConfirmForm(forms.Form):
    """No fields: an existing account confirms with one button (it logs in afterwards as usual)."""
