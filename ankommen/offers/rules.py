"""Object rules of offers, as named predicates (the ``rules`` package).

Read as sentences:
- ``offers.view_offer``: the role may see the catalogue, the offer belongs to the actor's network,
  and it is published or ended, or it is a draft of the actor's own organisation.
- ``offers.change_offer``: the role may manage offers and the offer is the own organisation's.
- ``offers.see_names``: the role may see enrolment lists, the offer is the own organisation's and is
  not run as "counts only" (there nobody sees names, not even the provider).
- ``offers.record_attendance``: the same, for recording attendance by name.
- ``offers.record_counts``: the role may record counts and the offer is the own organisation's.
- ``offers.view_enrolment``: a case manager of the organisation that owns the participant record,
  or the provider staff who may see the names of that offer.
- ``offers.cancel_enrolment``: the same two, where the provider may also change the offer.
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.network.models import Membership
from ankommen.offers.choices import AttendanceMode, OfferStatus
from ankommen.offers.models import Enrolment, Offer, Session


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


def _offer_of(obj: Any) -> Offer | None:
    if isinstance(obj, Offer):
        return obj
    if isinstance(obj, Session | Enrolment):
        return obj.offer
    return None


may_view_catalogue = _holds("offers.view_catalogue")
may_manage_offers = _holds("offers.manage_own")
may_see_lists = _holds("offers.view_participant_list")
may_record_attendance = _holds("offers.record_attendance")
may_record_counts = _holds("offers.record_counts")
may_enrol = _holds("offers.enrol")


@rules.predicate
def is_same_network(membership: Membership, obj: Any) -> bool:
    offer = _offer_of(obj)
    return _active(membership) and offer is not None and offer.network_id == membership.network_id


@rules.predicate
def is_own_offer(membership: Membership, obj: Any) -> bool:
    offer = _offer_of(obj)
    return (
        _active(membership)
        and offer is not None
        and offer.network_id == membership.network_id
        and offer.organisation_id == membership.organisation_id
    )


@rules.predicate
def is_listed(membership: Membership, obj: Any) -> bool:
    offer = _offer_of(obj)
    return offer is not None and offer.status != OfferStatus.DRAFT


@rules.predicate
def is_counts_only(membership: Membership, obj: Any) -> bool:
    offer = _offer_of(obj)
    return offer is not None and offer.attendance_mode == AttendanceMode.COUNTS


@rules.predicate
def is_participant_of_own_organisation(membership: Membership, obj: Any) -> bool:
    if not _active(membership) or not isinstance(obj, Enrolment):
        return False
    participant = obj.participant
    return (
        participant.network_id == membership.network_id
        and participant.organisation_id == membership.organisation_id
        and participant.merged_into_id is None
    )


_sees_names = may_see_lists & is_own_offer & ~is_counts_only

offer_rules = rules.RuleSet()
offer_rules["offers.view_offer"] = may_view_catalogue & is_same_network & (is_listed | is_own_offer)
offer_rules["offers.change_offer"] = may_manage_offers & is_own_offer
offer_rules["offers.see_names"] = _sees_names
offer_rules["offers.record_attendance"] = may_record_attendance & is_own_offer & ~is_counts_only
offer_rules["offers.record_counts"] = may_record_counts & is_own_offer
offer_rules["offers.view_enrolment"] = (may_enrol & is_participant_of_own_organisation) | _sees_names
offer_rules["offers.cancel_enrolment"] = (may_enrol & is_participant_of_own_organisation) | (
    _sees_names & may_manage_offers
)


def check_offer_rule(name: str, membership: Membership, obj: Any) -> bool:
    if name not in offer_rules:
        raise KeyError(f"Unknown offer rule {name!r}: add it to ankommen/offers/rules.py")
    return bool(offer_rules.test_rule(name, membership, obj))
