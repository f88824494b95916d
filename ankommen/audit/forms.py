"""The data-protection officer's search form over the audit log of one network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankommen.accounts.models import User
from ankommen.audit.actions import ACTIONS
from ankommen.audit.models import AuditEntry
from ankommen.network.models import Network, Organisation

ALL_OF_NAMESPACE = ".*"


def action_choices() -> list[tuple[str, Any]]:
    """Registered codes with their text, grouped by namespace; each group can be chosen as a whole."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in sorted(ACTIONS):
        namespace = code.split(".", 1)[0]
        groups.setdefault(namespace, []).append((code, f"{ACTIONS[code]} ({code})"))
    choices: list[tuple[str, Any]] = [("", _("All actions"))]
    for namespace, codes in sorted(groups.items()):
        everything = str(_("All actions of “%(namespace)s”")) % {"namespace": namespace}
        choices.append((namespace, [(namespace + ALL_OF_NAMESPACE, everything), *codes]))
    return choices


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class AuditSearchForm(forms.Form):
    subject = forms.CharField(
        label=_("Person concerned"),
        required=False,
        max_length=100,
        help_text=_("Reference of the data subject, e.g. participant:42"),
    )
    actor = UserChoiceField(label=_("User"), queryset=User.objects.none(), required=False, empty_label=_("All users"))
    actor_label = forms.CharField(
        label=_("User's e-mail contains"),
        required=False,
        max_length=254,
        help_text=_("Also finds former users and failed logins."),
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All organisations"),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(
        label=_("Until (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.network = network
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ModelChoiceField)
        actor_field.queryset = (
            User.objects.filter(memberships__network=network).distinct().order_by("full_name", "email")
        )
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = Organisation.objects.filter(network=network).order_by("name")
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = action_choices()

    def clean_subject(self) -> str:
        return str(self.cleaned_data.get("subject") or "").strip()

    def clean_actor_label(self) -> str:
        return str(self.cleaned_data.get("actor_label") or "").strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date lies before the start date."))
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """Apply the (valid) filters; times are whole days in the installation's time zone (Europe/Berlin)."""
        data = self.cleaned_data
        if data.get("subject"):
            entries = entries.filter(subject=data["subject"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("actor_label"):
            entries = entries.filter(actor_label__icontains=data["actor_label"])
        if data.get("organisation"):
            entries = entries.filter(organisation=data["organisation"])
        action = data.get("action") or ""
        if action.endswith(ALL_OF_NAMESPACE):
            entries = entries.filter(action__startswith=action[: -len(ALL_OF_NAMESPACE)] + ".")
        elif action:
            entries = entries.filter(action=action)
        zone = timezone.get_default_timezone()
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone))
        if data.get("date_to"):
            day_after = data["date_to"] + dt.timedelta(days=1)
            entries = entries.filter(created_at__lt=dt.datetime.combine(day_after, dt.time.min, tzinfo=zone))
        return entries

    def as_audit_data(self) -> dict[str, Any]:
        """The filters in effect, for the audit entry of the search (ids and codes, no names)."""
        data = self.cleaned_data
        filters: dict[str, Any] = {
            "subject": data.get("subject") or "",
            "actor": data["actor"].pk if data.get("actor") else None,
            "actor_label": data.get("actor_label") or "",
            "organisation": data["organisation"].pk if data.get("organisation") else None,
            "action": data.get("action") or "",
            "date_from": data["date_from"].isoformat() if data.get("date_from") else None,
            "date_to": data["date_to"].isoformat() if data.get("date_to") else None,
        }
        return {key: value for key, value in filters.items() if value not in ("", None)}
