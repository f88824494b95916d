"""Roles and permissions of ankommen, as data, in one module.

This file is meant to be read by the data-protection officer: it says which role
may do what. A role's permissions are checked against the active membership;
object-level decisions (own organisation, assigned case, consent) are named
predicates in ``rules.py``. Everything is validated at import so a typo fails
immediately rather than silently denying or granting.

Later issues add their permissions here; nothing else in the code base grants
rights.
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
        }
    ),
    Role.ASSISTANT: frozenset(_ALL_STAFF | {"participants.view", "cases.view"}),
    Role.OFFER_PROVIDER: frozenset(_ALL_STAFF),
    Role.PARTNER_LIAISON: frozenset(_ALL_STAFF),
    Role.POLICE_LIAISON: frozenset(_ALL_STAFF),
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
