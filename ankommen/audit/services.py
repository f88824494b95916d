"""Writing the audit log.

Changes: every service that creates, changes or deletes data calls ``log_action`` inside its
own transaction, so the entry and the change commit or roll back together::

    log_action(actor, "case.closed", case, subject=f"participant:{case.participant_id}",
               data={"reason": reason})

Reads of personal data (detail pages, exports, API reads) are logged with one line, after the
access helper has granted access and before the data is rendered::

    participant = get_participant_for(actor, participant_id)
    log_read(actor, participant)                      # "participant.viewed"
    log_read(actor, participant, action="participant.exported", data={"format": "pdf"})

``log_read`` names the code ``<model>.viewed`` unless one is given, and takes the data
subject from the target's ``audit_subject`` attribute (e.g. ``"participant:42"``) unless
``subject`` is given. Like every code, ``<model>.viewed`` must be declared in the app's
``audit_actions.py``. For Django REST framework views, ``ankommen.audit.api.AuditedRetrieveMixin``
logs every ``retrieve``.

Data subjects are referenced, never named: ``subject="participant:42"``. Values of sensitive
keys in ``data`` (names, birth dates, contact data, free text, secrets) are masked before they
are stored; keep ``data`` to ids, codes and changed field names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
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
        "note",
        "comment",
        "text",
        "description",
        "content",
        "body",
        "answer",
        "answers",
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
    if network is None and not isinstance(actor, Membership):
        # Account events (login, 2FA, password) belong to the networks where the account holds a role,
        # so each network's DPO sees them; an account without a role stays in the installation chain 0.
        account = user if user is not None else (target if _is_user(target) else None)
        memberships = _active_memberships(account)
        if memberships:
            entries = [
                _append(user, action, target, data, subject, m.network, m.organisation, actor_label)
                for m in memberships
            ]
            return entries[0]
    return _append(user, action, target, data, subject, network, organisation, actor_label)


def log_reads(actor: Membership, targets: Sequence[models.Model], *, data: Mapping[str, Any] | None = None) -> None:
    """Log that ``actor`` saw several records on one page (a household's members): one entry per
    record, as ``log_read`` would write them, appended under one lock of the chain head and
    inserted together."""
    from ankommen.network.models import Membership

    if not isinstance(actor, Membership):
        raise TypeError("log_reads needs the acting membership")
    if not targets:
        return
    actions = [f"{target._meta.model_name}.viewed" for target in targets]
    for action in actions:
        if action not in ACTIONS:
            raise ValueError(f"Unknown audit action {action!r}: declare it in the app's audit_actions.py")
    with transaction.atomic():
        head = _chain_head(actor.network.pk)
        entries: list[AuditEntry] = []
        for target, action in zip(targets, actions, strict=True):
            subject = str(getattr(target, "audit_subject", "") or "")
            entries.append(
                _new_entry(
                    actor.user,
                    action,
                    target,
                    data,
                    subject,
                    actor.network,
                    actor.organisation,
                    "",
                    seq=(entries[-1].seq if entries else head.seq) + 1,
                    prev_hash=entries[-1].hash if entries else head.hash,
                )
            )
        AuditEntry.objects.bulk_create(entries)
        head.seq, head.hash = entries[-1].seq, entries[-1].hash
        head.save(update_fields=["seq", "hash"])


def _is_user(obj: object) -> bool:
    from django.contrib.auth import get_user_model

    return isinstance(obj, get_user_model())


def _active_memberships(user: User | models.Model | None) -> list[Membership]:
    """One active membership per network of the account (the first by id)."""
    from django_scopes import scopes_disabled

    from ankommen.network.models import Membership

    if user is None or user.pk is None:
        return []
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(user_id=user.pk, is_active=True)
            .select_related("network", "organisation")
            .order_by("network_id", "pk")
        )
    first_per_network: dict[int, Membership] = {}
    for membership in memberships:
        first_per_network.setdefault(membership.network_id, membership)
    return list(first_per_network.values())


def _new_entry(
    user: User | None,
    action: str,
    target: models.Model | None,
    data: Mapping[str, Any] | None,
    subject: str,
    network: Network | None,
    organisation: Organisation | None,
    actor_label: str,
    *,
    seq: int,
    prev_hash: str,
) -> AuditEntry:
    """One entry after (``seq - 1``, ``prev_hash``) of its chain, hashed; not saved."""
    entry = AuditEntry(
        chain=network.pk if network is not None else 0,
        seq=seq,
        prev_hash=prev_hash,
        network=network,
        organisation=organisation,
        actor=user,
        actor_label=actor_label or (user.email if user is not None else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        subject=subject,
        # Stored exactly as hashed: what JSON cannot hold (dates, decimals) becomes text first.
        data=json.loads(json.dumps(mask(dict(data or {})), cls=DjangoJSONEncoder)),
        ip_address=client_address.get(),
    )
    entry.hash = entry.compute_hash()
    return entry


def _append(
    user: User | None,
    action: str,
    target: models.Model | None,
    data: Mapping[str, Any] | None,
    subject: str,
    network: Network | None,
    organisation: Organisation | None,
    actor_label: str,
) -> AuditEntry:
    with transaction.atomic():
        head = _chain_head(network.pk if network is not None else 0)
        fields = (user, action, target, data, subject, network, organisation, actor_label)
        entry = _new_entry(*fields, seq=head.seq + 1, prev_hash=head.hash)
        entry.save(force_insert=True)
        head.seq = entry.seq
        head.hash = entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def log_read(
    actor: Membership | User | None,
    target: models.Model | None,
    *,
    subject: str = "",
    data: Mapping[str, Any] | None = None,
    action: str | None = None,
) -> AuditEntry:
    """Log that ``actor`` saw personal data: a detail page, an export or an API read.

    The code defaults to ``<model>.viewed`` (e.g. ``participant.viewed``) and the subject to the
    target's ``audit_subject``. Without a target (a list export) pass ``action`` explicitly.
    """
    if action is None:
        if target is None:
            raise ValueError("log_read without a target needs an explicit action code")
        action = f"{target._meta.model_name}.viewed"
    if not subject and target is not None:
        subject = str(getattr(target, "audit_subject", "") or "")
    return log_action(actor, action, target, data=data, subject=subject)
