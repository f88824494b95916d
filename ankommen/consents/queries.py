"""Whether a consent is in force, as query building blocks for the access helpers.

Everything here reads the database on each call (no caching): revocation takes effect with the
next request. ``today`` is the local date; a consent valid until a day is valid on that day.

``valid_q``/``valid_consents`` look at the dates and the revocation only. What a consent
*shares* (``in_force_q``, ``shared_cases_q``, ``case_categories`` and the participant access
helpers) also ends when its case is closed: the occasion of the consent is over (DOMAIN §4.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ankommen.cases.choices import Phase
from ankommen.consents.choices import Purpose
from ankommen.consents.models import Consent

OPEN_PHASES: tuple[str, ...] = tuple(phase for phase in Phase.values if phase != Phase.CLOSED)


def valid_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """Consents in force on ``on`` (default today); ``prefix`` for use across a relation."""
    day = on or timezone.localdate()
    return Q(
        **{
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}given_on__lte": day,
        }
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day}))


def open_case_q(prefix: str = "") -> Q:
    """Consents without a case, or whose case is not closed."""
    return Q(**{f"{prefix}case__isnull": True}) | Q(**{f"{prefix}case__phase__in": OPEN_PHASES})


def in_force_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """Consents that share data on ``on`` (default today): valid, and their case (if any) open."""
    return valid_q(on, prefix) & open_case_q(prefix)


def valid_consents(
    *,
    network_id: int,
    purpose: str | Iterable[str] | None = None,
    recipient_id: int | None = None,
    case_id: int | None = None,
    participant_id: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[Consent]:
    qs = Consent.objects.filter(valid_q(on), network=network_id)
    if purpose is not None:
        qs = qs.filter(purpose=purpose) if isinstance(purpose, str) else qs.filter(purpose__in=list(purpose))
    if recipient_id is not None:
        qs = qs.filter(recipients=recipient_id)
    if case_id is not None:
        qs = qs.filter(case=case_id)
    if participant_id is not None:
        qs = qs.filter(participant=participant_id)
    return qs


def shared_cases_q(organisation_id: int, *, purpose: str = Purpose.COOPERATION, on: dt.date | None = None) -> Q:
    """For ``Case`` querysets: open cases with a consent in force that names ``organisation_id``."""
    covered = Consent.objects.filter(valid_q(on), case=OuterRef("pk"), purpose=purpose, recipients=organisation_id)
    return Q(Exists(covered)) & ~Q(phase=Phase.CLOSED)


def case_categories(
    case_id: int,
    organisation_id: int,
    *,
    network_id: int,
    purpose: str = Purpose.COOPERATION,
    on: dt.date | None = None,
) -> frozenset[str]:
    """The data categories of a case that ``organisation_id`` may see under consents in force
    (empty: none; also once the case is closed). The owning organisation is not asked: it sees
    everything."""
    categories: set[str] = set()
    for row in (
        valid_consents(network_id=network_id, purpose=purpose, recipient_id=organisation_id, case_id=case_id, on=on)
        .filter(open_case_q())
        .values_list("data_categories", flat=True)
    ):
        categories.update(row or ())
    return frozenset(categories)


def covers_organisations(
    case_id: int, organisation_ids: Iterable[int], *, network_id: int, purpose: str, on: dt.date | None = None
) -> bool:
    """Whether consents in force for ``purpose`` together name every organisation given."""
    wanted = set(organisation_ids)
    if not wanted:
        return True
    named = set(
        valid_consents(network_id=network_id, purpose=purpose, case_id=case_id, on=on).values_list(
            "recipients", flat=True
        )
    )
    return wanted <= named


def shared_participants_q(organisation_id: int, *, on: dt.date | None = None) -> Q:
    """For ``Participant`` querysets: records with a consent for cooperation in force (its case
    open) that names ``organisation_id``."""
    covered = Consent.objects.filter(
        in_force_q(on), participant=OuterRef("pk"), purpose=Purpose.COOPERATION, recipients=organisation_id
    )
    return Q(Exists(covered))


def participant_categories(
    participant_id: int, organisation_id: int, *, network_id: int, on: dt.date | None = None
) -> frozenset[str]:
    """The data categories of a participant record that ``organisation_id`` may see under
    consents for cooperation in force (empty: none)."""
    categories: set[str] = set()
    for row in (
        valid_consents(
            network_id=network_id,
            purpose=Purpose.COOPERATION,
            recipient_id=organisation_id,
            participant_id=participant_id,
            on=on,
        )
        .filter(open_case_q())
        .values_list("data_categories", flat=True)
    ):
        categories.update(row or ())
    return frozenset(categories)
