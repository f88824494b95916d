"""Writing the audit log. Every service that changes or reads personal data calls ``log_action``
inside its own transaction, so the entry and the change commit or roll back together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction

from ankommen.audit.actions import ACTIONS
from ankommen.audit.context import client_address
from ankommen.audit.models import AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from ankommen.accounts.models import User
    from ankommen.network.models import Membership, Network, Organisation

MASK = "•••"
# Keys whose values never enter the log in clear text (compared case-insensitively, also as suffix).
SENSITIVE_KEYS = frozenset(
    {
        "password",
        "token",
        "secret",
        "otp",
        "code",
        "name",
        "given_name",
        "family_name",
        "full_name",
        "names",
        "date_of_birth",
        "birth_date",
        "email",
        "phone",
        "address",
        "street",
        "document_number",
        "notes",
        "text",
        "description",
    }
)


def _is_sensitive(key: str) -> bool:
    lowered = key.lower()
    return lowered in SENSITIVE_KEYS or any(lowered.endswith("_" + k) for k in SENSITIVE_KEYS)


def mask(value: Any) -> Any:
    """Recursively replace the values of sensitive keys."""
    if isinstance(value, Mapping):
        return {k: (MASK if _is_sensitive(str(k)) else mask(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v) for v in value]
    return value


def _chain_head(chain: int) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain)
    except IntegrityError:
        pass  # created concurrently
    return AuditChainHead.objects.select_for_update().get(chain=chain)


def log_action(
    actor: Membership | User | None,
    action: str,
    target: models.Model | None = None,
    *,
    data: Mapping[str, Any] | None = None,
    subject: str = "",
    network: Network | None = None,
    organisation: Organisation | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. ``actor`` is the acting membership (preferred) or user."""
    from ankommen.network.models import Membership

    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: declare it in the app's audit_actions.py")
    user = actor.user if isinstance(actor, Membership) else actor
    if isinstance(actor, Membership):
        network = network or actor.network
        organisation = organisation or actor.organisation
    if network is None and target is not None:
        network = getattr(target, "network", None)
    with transaction.atomic():
        chain = network.pk if network is not None else 0
        head = _chain_head(chain)
        entry = AuditEntry(
            chain=chain,
            seq=head.seq + 1,
            prev_hash=head.hash,
            network=network,
            organisation=organisation,
            actor=user,
            actor_label=actor_label or (user.email if user is not None else ""),
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            subject=subject,
            data=mask(dict(data or {})),
            ip_address=client_address.get(),
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry
