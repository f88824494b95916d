"""Roles and permissions of ankommen, as data, in one module.

This file is meant to be read by the data-protection officer: it says which role
may do what. A role's permissions are checked against the active membership;
object-level decisions (own organisation, assigned case, consent) are named
predicates in ``rules.py``. Everything is validated at import so a typo fails
immediately rather than silently denying or granting.

Later issues add their permissions here; nothing else in the code base grants
rights.

Funding programme (issue [K], ADR 0015): the integration centre's coordinators (a public
authority) set up the programme and review, decide and pay (``funding.*`` except ``apply``);
above a configurable amount a second, different coordinator must approve. Organisations that
carry out funded measures (clubs, migrant organisations, volunteer initiatives, welfare
organisations) apply through their staff in the existing ``offer_provider`` role, which every
organisation type except the police can hold: the people who run an organisation's offers are
the ones who apply for, carry out and prove funded measures. No new role was needed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Network coordinator")
    CASE_MANAGER = "case_manager", _("Case manager")
    TEAM_LEAD = "team_lead", _("Team lead")
    ASSISTANT = "assistant", _("Case assistant (read only)")
    OFFER_PROVIDER = "offer_provider", _("Offer provider staff")
    PARTNER_LIAISON = "partner_liaison", _("Partner liaison")
    POLICE_LIAISON = "police_liaison", _("Police liaison")
    DPO = "dpo", _("Data-protection officer")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class OrganisationType(models.TextChoices):
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Foreigners' authority")
    POLICE = "police", _("Police")
    CHAMBER = "chamber", _("Chamber (IHK, HWK, Kreishandwerkerschaft)")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency / Jobcenter")
    WELFARE = "welfare", _("Welfare organisation")
    EDUCATION_PROVIDER = "education_provider", _("Education provider")
    CLUB = "club", _("Club or association")
    VOLUNTEER_INITIATIVE = "volunteer_initiative", _("Volunteer initiative")
    EMPLOYER = "employer", _("Employer")


# Every permission that exists, with a short description for the DPO.
PERMISSIONS: dict[str, str] = {
    # network directory and administration
    "network.view_directory": "See the partner organisations of the network and their public contacts.",
    "network.manage_organisations": "Create and edit partner organisations.",
    "network.manage_members": "Invite users, assign and revoke roles, deactivate accounts.",
    "network.view_members": "See who holds which role in the network.",
    # audit and data protection
    "audit.view_log": "Search the audit log (who did what, who read which personal data).",
    "audit.verify_chain": "Run the tamper check of the audit log.",
    "audit.view_processing_records": "See the records of processing activities (Art. 30 GDPR).",
    # background jobs
    "jobs.view_own": "Follow the progress of one's own background jobs.",
    "jobs.view_all": "See all background jobs of the network (technical metadata only).",
    # platform
    "platform.view_status": "See the technical status of the installation (no case content).",
    # API
    "api.use": "Use the REST API within the permissions above.",
    # participants (personal data; always limited to records the membership may see, see participants/access.py)
    "participants.view": "See the participant records of one's own organisation.",
    "participants.edit": "Register participants and change their records.",
    "participants.merge": "Merge duplicate records of one's own organisation and undo merges.",
    "participants.scan_duplicates": "Run the duplicate scan over one's own organisation's records.",
    "participants.scan_network": "Run the duplicate scan over the whole network (result: counts only).",
    # cases (case content; always limited to cases of one's own organisation, see cases/access.py)
    "cases.view": "See the cases of one's own organisation: assessment, plan, notes, tasks, timeline.",
    "cases.edit": "Open cases and work on them: phases, assessment, plan, notes, tasks, appointments, closure.",
    "cases.approve": "Approve or reject support plans and closures of one's own organisation (not one's own requests).",
    # consents (Einwilligung, Schweigepflichtentbindung; what they share: ankommen/consents/access.py)
    "consents.view": (
        "See the consents of one's own organisation's participants, and what other organisations share with "
        "one's own organisation under consents in force (only the data categories named there)."
    ),
    "consents.record": "Record consents of one's own organisation's participants and their revocation.",
    "cases.configure": "Decide whether plans and closures in one's own organisation need a team lead's approval.",
    "cases.manage_types": "Create and change the network's case types and their template tasks (no case content).",
    # offers (catalogue, sessions, enrolment, attendance; who sees which person data: ankommen/offers/__init__.py)
    "offers.view_catalogue": "See the offer catalogue, sessions, free seats, waiting-list sizes, the weekly programme.",
    "offers.manage_own": "Create and change the offers and sessions of one's own organisation.",
    "offers.view_participant_list": (
        "See who is enrolled in one's own organisation's offers: first name and initial of the family name only."
    ),
    "offers.record_attendance": "Record attendance by name (list or card) in one's own organisation's offers.",
    "offers.record_counts": "Record the number of people present at one's own organisation's sessions (no names).",
    "offers.view_reports": "See reports of sessions held and participants per session (numbers only).",
    "offers.enrol": "Enrol one's own organisation's participants in offers, put them on waiting lists, cancel.",
    "offers.issue_cards": "Print, revoke and reissue the participant cards of one's own organisation's participants.",
    "offers.manage_paths": "Open or close an entitlement path to German courses for the whole network.",
    # case conferences (Fallkonferenzen; who sees which conference: ankommen/conferences/access.py)
    "conferences.organise": (
        "Schedule case conferences for cases of one's own organisation; write their agenda, minutes, decisions "
        "and action items."
    ),
    "conferences.take_part": (
        "See the case conferences one's organisation takes part in (anonymised unless Schweigepflichtentbindungen "
        "name every participating organisation) and mark the organisation's action items done. Never the case itself."
    ),
    # funding programme for volunteer initiatives (KOMM-AN; who sees what: ankommen/funding/access.py)
    "funding.manage": (
        "Set up the funding programme: years, budgets, modules, the flat-rate catalogue and calls; see the budget "
        "overview; write and submit the year's proof of use to the state."
    ),
    "funding.review": (
        "See the submitted funding applications of the network with their documents; check completeness, ask "
        "for information, verify applicant organisations, check proofs of use (signature lists included)."
    ),
    "funding.decide": (
        "Approve (in full or in part) or reject funding applications; above the year's threshold a second, "
        "different person must approve."
    ),
    "funding.pay": "Record payments of funds to organisations and their repayments, against the year's budget.",
    "funding.apply": (
        "Apply for funding for one's own organisation, document the funded measures (counts; signature lists "
        "only where the contract requires them) and submit the proof of use."
    ),
    # steering the network (agreements, bodies, events, problem reports, gap register; no participant data;
    # who sees what: ankommen/steering/__init__.py)
    "steering.take_part": (
        "See the network's events and register for them; see the bodies and working groups one or one's "
        "organisation is a member of, with their meetings, minutes and action items; update one's own action items."
    ),
    "steering.view": (
        "See the cooperation agreements and the partner map, all bodies and working groups with their minutes, "
        "the problem reports (anonymous) and the gap register, and export the gap register."
    ),
    "steering.report_problem": "File problem reports (Problemanzeigen) from practice: anonymous, no identifying data.",
    "steering.manage": (
        "Manage agreements (with their documents), bodies and their members, meetings, events and the gap register "
        "(analysis, measures, status)."
    ),
    "steering.prioritise": (
        "Set the priority of gaps (impact × people affected × feasibility); members of a core group may do so too."
    ),
}

_ALL_STAFF = {"network.view_directory", "jobs.view_own", "api.use"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        _ALL_STAFF
        | {
            "network.manage_organisations",
            "network.manage_members",
            "network.view_members",
            "jobs.view_all",
            "participants.scan_network",
            "cases.manage_types",
            "offers.view_catalogue",
            "offers.view_reports",
            "offers.manage_paths",
            "funding.manage",
            "funding.review",
            "funding.decide",
            "funding.pay",
        }
    ),
    Role.CASE_MANAGER: frozenset(
        _ALL_STAFF
        | {
            "participants.view",
            "participants.edit",
            "participants.merge",
            "participants.scan_duplicates",
            "cases.view",
            "cases.edit",
            "conferences.organise",
            "conferences.take_part",
            "consents.view",
            "consents.record",
            "offers.view_catalogue",
            "offers.enrol",
            "offers.issue_cards",
        }
    ),
    Role.TEAM_LEAD: frozenset(
        _ALL_STAFF
        | {
            "network.view_members",
            "participants.view",
            "participants.edit",
            "participants.merge",
            "participants.scan_duplicates",
            "cases.view",
            "cases.edit",
            "cases.approve",
            "cases.configure",
            "conferences.organise",
            "conferences.take_part",
            "consents.view",
            "consents.record",
            "offers.view_catalogue",
            "offers.enrol",
            "offers.issue_cards",
        }
    ),
    Role.ASSISTANT: frozenset(
        _ALL_STAFF | {"participants.view", "cases.view", "consents.view", "offers.view_catalogue"}
    ),
    Role.OFFER_PROVIDER: frozenset(
        _ALL_STAFF
        | {
            "offers.view_catalogue",
            "offers.manage_own",
            "offers.view_participant_list",
            "offers.record_attendance",
            "offers.record_counts",
            "offers.view_reports",
            "funding.apply",
        }
    ),
    Role.PARTNER_LIAISON: frozenset(_ALL_STAFF | {"offers.view_catalogue", "conferences.take_part"}),
    # The police run their own open sessions and count who came; they never see who enrolled (DOMAIN §4.5).
    Role.POLICE_LIAISON: frozenset(
        _ALL_STAFF | {"offers.view_catalogue", "offers.manage_own", "offers.record_counts", "offers.view_reports"}
    ),
    Role.DPO: frozenset(
        _ALL_STAFF
        | {
            "audit.view_log",
            "audit.verify_chain",
            "audit.view_processing_records",
            "network.view_members",
        }
    ),
    Role.PLATFORM_ADMIN: frozenset(_ALL_STAFF | {"platform.view_status", "jobs.view_all", "audit.verify_chain"}),
}

# Steering the network (issue [G], ADR 0016): coordinators manage and prioritise; the staff of partner
# organisations file problem reports and read the gap register; the police see events and the bodies they
# are members of, nothing else (there is no case content in steering). The DPO and the administrator: nothing.
_STEERING_READ = {"steering.take_part", "steering.view"}
STEERING_GRANTS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(_STEERING_READ | {"steering.report_problem", "steering.manage", "steering.prioritise"}),
    Role.CASE_MANAGER: frozenset(_STEERING_READ | {"steering.report_problem"}),
    Role.TEAM_LEAD: frozenset(_STEERING_READ | {"steering.report_problem"}),
    Role.ASSISTANT: frozenset(_STEERING_READ),
    Role.OFFER_PROVIDER: frozenset(_STEERING_READ | {"steering.report_problem"}),
    Role.PARTNER_LIAISON: frozenset(_STEERING_READ | {"steering.report_problem"}),
    Role.POLICE_LIAISON: frozenset({"steering.take_part"}),
}
for _role, _granted in STEERING_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# Offers (issue [O], ADR 0012/0013): referrals to partners and the seat allocation. Case managers and team
# leads send referral packets under a consent; partner liaisons (chambers, employment agency) receive them –
# not the offer providers, who see first names only (DOMAIN §4.5); coordinators run seat allocations.
PERMISSIONS.update(
    {
        "offers.refer": (
            "Refer one's own organisation's participants to a partner (chamber, employment agency) with a referral "
            "packet: only the data categories a consent for the referral in force allows."
        ),
        "offers.receive_referrals": (
            "See the referrals sent to one's own organisation with their referral packet while the consent is in "
            "force; accept, decline or complete them with an outcome."
        ),
        "offers.allocate": (
            "Run a seat allocation over chosen offers and the people waiting for them (pseudonymous preview with "
            "the reason for each placement) and apply it."
        ),
    }
)
OFFERS_GRANTS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({"offers.allocate"}),
    Role.CASE_MANAGER: frozenset({"offers.refer"}),
    Role.TEAM_LEAD: frozenset({"offers.refer"}),
    Role.PARTNER_LIAISON: frozenset({"offers.receive_referrals"}),
}
for _role, _granted in OFFERS_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# Needs-versus-offers dashboard (issue [G], ADR 0017): aggregates of recorded needs and offered seats, small
# cells suppressed, drill-down to offers only. Coordinators read it and plan scenarios; nobody else sees it (the
# DPO and the administrator: no content; case managers see their own people's "measure careers" through
# cases.view, on their start page). The police never reach it.
PERMISSIONS.update(
    {
        "dashboard.view": (
            "See the needs-versus-offers dashboard: counts of recorded needs and of seats by field, district, age "
            "group, status group and language, waiting lists, young adults 18-27, measure careers; export it. "
            "Aggregates only: counts of fewer than five persons are suppressed; drill-down to offers, never to persons."
        ),
        "dashboard.plan": (
            "Plan scenarios with offers that do not exist yet and see how the unmet needs would change; rebuild the "
            "dashboard's summary tables."
        ),
    }
)
DASHBOARD_GRANTS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({"dashboard.view", "dashboard.plan"}),
}
for _role, _granted in DASHBOARD_GRANTS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _granted

# Roles that may never see personal data of participants, whatever else is granted.
NO_PERSONAL_DATA_ROLES = frozenset({Role.POLICE_LIAISON, Role.DPO, Role.PLATFORM_ADMIN})

# Which organisation types a role may be held in (a police liaison only at the police, ...).
ROLE_ORGANISATION_TYPES: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({OrganisationType.PUBLIC_AUTHORITY}),
    Role.CASE_MANAGER: frozenset(
        {OrganisationType.PUBLIC_AUTHORITY, OrganisationType.WELFARE, OrganisationType.FOREIGNERS_AUTHORITY}
    ),
    Role.TEAM_LEAD: frozenset(
        {OrganisationType.PUBLIC_AUTHORITY, OrganisationType.WELFARE, OrganisationType.FOREIGNERS_AUTHORITY}
    ),
    Role.ASSISTANT: frozenset(
        {OrganisationType.PUBLIC_AUTHORITY, OrganisationType.WELFARE, OrganisationType.FOREIGNERS_AUTHORITY}
    ),
    Role.OFFER_PROVIDER: frozenset(OrganisationType.values) - {OrganisationType.POLICE},
    Role.PARTNER_LIAISON: frozenset(
        {OrganisationType.FOREIGNERS_AUTHORITY, OrganisationType.EMPLOYMENT_AGENCY, OrganisationType.CHAMBER}
    ),
    Role.POLICE_LIAISON: frozenset({OrganisationType.POLICE}),
    Role.DPO: frozenset(OrganisationType.values),
    Role.PLATFORM_ADMIN: frozenset(OrganisationType.values),
}


# Case conferences (Fallkonferenzen, DOMAIN §4.2, §4.5): the police never take part; the chambers take
# part in anonymised conferences only (a named conference cannot include them).
CONFERENCE_EXCLUDED_TYPES = frozenset({OrganisationType.POLICE})
CONFERENCE_ANONYMISED_ONLY_TYPES = frozenset({OrganisationType.CHAMBER})


def role_fits_organisation(role: str, organisation_type: str) -> bool:
    """Whether a role may be held in an organisation of this type (ROLE_ORGANISATION_TYPES)."""
    return organisation_type in ROLE_ORGANISATION_TYPES.get(role, frozenset())


def role_has_perm(role: str, perm: str) -> bool:
    if perm not in PERMISSIONS:
        raise KeyError(f"Unknown permission {perm!r}: add it to ankommen/network/roles.py")
    return perm in ROLE_PERMISSIONS.get(role, frozenset())


def _validate() -> None:
    for role in Role.values:
        if role not in ROLE_PERMISSIONS:
            raise AssertionError(f"Role {role!r} has no entry in ROLE_PERMISSIONS")
        if role not in ROLE_ORGANISATION_TYPES:
            raise AssertionError(f"Role {role!r} has no entry in ROLE_ORGANISATION_TYPES")
    for role, perms in ROLE_PERMISSIONS.items():
        unknown = set(perms) - set(PERMISSIONS)
        if unknown:
            raise AssertionError(f"Role {role!r} grants unknown permissions {sorted(unknown)}")
    for role, types in ROLE_ORGANISATION_TYPES.items():
        unknown = set(types) - set(OrganisationType.values)
        if unknown:
            raise AssertionError(f"Role {role!r} allows unknown organisation types {sorted(unknown)}")


_validate()
