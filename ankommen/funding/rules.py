"""Object rules of the funding programme, as named predicates (the ``rules`` package).

Read as sentences:
- ``funding.view_application``: the application belongs to the actor's network, and either the
  actor reviews applications (integration centre; drafts stay with the applicant until they are
  submitted) or applies for the organisation that owns it.
- ``funding.work_on_application``: the actor applies for the owning organisation (writes the
  application, answers questions, documents the measures, writes the proof of use).
- ``funding.review_application``: the actor reviews applications of the network.
- ``funding.decide_application``: the actor may decide on applications of the network.
- ``funding.second_approval``: the actor may decide, and is not the person who gave the first
  approval (the two-person rule compares people, not memberships: one person holding two roles is
  still one person).
- ``funding.pay``: the actor records payments of the network.
- ``funding.view_profile`` / ``funding.edit_profile`` / ``funding.check_profile``: the same for an
  organisation's verification (statutes, representative).
"""

from __future__ import annotations

from typing import Any

import rules

from ankommen.funding.choices import State
from ankommen.funding.models import Application, OrganisationProfile
from ankommen.network.models import Membership


def _active(membership: Any) -> bool:
    return isinstance(membership, Membership) and membership.is_active


def _holds(permission: str) -> rules.Predicate:
    def check(membership: Membership, obj: Any = None) -> bool:
        return _active(membership) and membership.has_perm(permission)

    return rules.predicate(check, name=f"holds[{permission}]")


may_apply = _holds("funding.apply")
may_review = _holds("funding.review")
may_decide = _holds("funding.decide")
may_pay = _holds("funding.pay")


@rules.predicate
def is_same_network(membership: Membership, obj: Any) -> bool:
    return _active(membership) and obj is not None and getattr(obj, "network_id", None) == membership.network_id


@rules.predicate
def is_own_organisation(membership: Membership, obj: Any) -> bool:
    return (
        _active(membership)
        and isinstance(obj, Application | OrganisationProfile)
        and obj.organisation_id == membership.organisation_id
    )


@rules.predicate
def is_submitted(membership: Membership, obj: Any) -> bool:
    """The application has left the applicant's drafts (reviewers see it from now on)."""
    return not isinstance(obj, Application) or obj.state != State.DRAFT


@rules.predicate
def is_first_approver(membership: Membership, obj: Any) -> bool:
    return isinstance(obj, Application) and obj.first_approver_id == membership.user_id


_applicant = may_apply & is_own_organisation
_reviewer = may_review & is_submitted

funding_rules = rules.RuleSet()
funding_rules["funding.view_application"] = is_same_network & (_applicant | _reviewer)
funding_rules["funding.work_on_application"] = is_same_network & _applicant
funding_rules["funding.review_application"] = is_same_network & _reviewer
funding_rules["funding.decide_application"] = is_same_network & may_decide & is_submitted
funding_rules["funding.second_approval"] = is_same_network & may_decide & is_submitted & ~is_first_approver
funding_rules["funding.pay"] = is_same_network & may_pay & is_submitted
funding_rules["funding.view_profile"] = is_same_network & (_applicant | may_review)
funding_rules["funding.edit_profile"] = is_same_network & _applicant
funding_rules["funding.check_profile"] = is_same_network & may_review


def check_funding_rule(name: str, membership: Membership, obj: Any) -> bool:
    if name not in funding_rules:
        raise KeyError(f"Unknown funding rule {name!r}: add it to ankommen/funding/rules.py")
    return bool(funding_rules.test_rule(name, membership, obj))
