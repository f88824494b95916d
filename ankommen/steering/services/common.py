"""What the steering services share: the domain error, version checks, the audit call, locking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Max, Model
from django.utils.translation import gettext_lazy as _

from ankommen.audit.services import log_action
from ankommen.core.references import next_number
from ankommen.network.models import Membership, Organisation
from ankommen.steering.rules import check_steering_rule

M = TypeVar("M", bound=Model)


class SteeringError(ValidationError):
    """A change that is refused. Messages are translated and shown to the user."""


STALE_VERSION = _(
    "Someone else changed this in the meantime. Your changes were not saved. "
    "Reload the page to see the current state, then make your change again."
)


def require(actor: Membership, rule: str, obj: Any) -> None:
    if not check_steering_rule(rule, actor, obj):
        raise PermissionDenied


def locked(actor: Membership, model: type[M], pk: int, rule: str) -> M:
    """The row, locked for this transaction, after the object rule."""
    current = model._default_manager.select_for_update().filter(pk=pk, network=actor.network_id).first()
    if current is None or not check_steering_rule(rule, actor, current):
        raise PermissionDenied
    return current


def check_version(obj: Any, version: int | None) -> None:
    if version is not None and version != obj.version:
        raise SteeringError(STALE_VERSION, code="stale")


def save_versioned(obj: Any, fields: Iterable[str]) -> None:
    names = [*fields, "version"]
    if any(f.name == "updated_at" for f in obj._meta.get_fields()):
        names.append("updated_at")
    obj.version += 1
    obj.save(update_fields=names)


def audit(actor: Membership | None, action: str, target: Model | None = None, **data: Any) -> None:
    log_action(actor, action, target, data=data)


def apply_values(obj: Any, values: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Set the given fields from ``values`` (text stripped); the names that changed."""
    changed = []
    for name in fields:
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        try:
            current = getattr(obj, name)
        except ObjectDoesNotExist:  # a foreign key not set yet
            current = None
        if current != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def number_for(network_id: int, kind: str, model: type[Model]) -> int:
    """The next number of ``kind`` in the network (call inside the transaction)."""

    def start() -> int:
        return int(model._default_manager.filter(network=network_id).aggregate(top=Max("number"))["top"] or 0)

    return next_number(network_id, kind, start=start)


def network_organisation(actor: Membership, organisation: Organisation | None, field: str) -> Organisation | None:
    """``organisation`` if it is an active organisation of the actor's network."""
    if organisation is None:
        return None
    if organisation.network_id != actor.network_id or not organisation.is_active:
        raise SteeringError({field: _("Please choose an active organisation of the network.")})
    return organisation


def required_text(errors: dict[str, Any], field: str, value: str, message: Any) -> None:
    if not (value or "").strip():
        errors.setdefault(field, []).append(message)
