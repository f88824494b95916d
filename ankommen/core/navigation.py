"""The main navigation, as data: each entry shows only to memberships holding its permission.

Apps append their entries here (one line each); the permission-matrix test
makes sure every linked page actually answers for those who see the link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ankommen.conferences.choices import NAV_ACTION_ITEMS, NAV_CONFERENCES
from ankommen.consents.choices import SHARED_WITH_MY_ORGANISATION
from ankommen.dashboard.choices import NAV_DASHBOARD
from ankommen.funding.choices import NAV_FUNDING, NAV_FUNDING_INBOX, NAV_FUNDING_PROGRAMME
from ankommen.offers.choices import NAV_ALLOCATION, NAV_REFERRALS
from ankommen.steering.choices import NAV_GAPS, NAV_STEERING, NAV_STEERING_ITEMS


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Promise | str
    permission: str | None  # None: every member


NAVIGATION: list[NavItem] = [
    NavItem("core:home", _("Start"), None),
    NavItem("participants:list", _("Participants"), "participants.view"),
    NavItem("participants:duplicates", _("Possible duplicates"), "participants.view"),
    NavItem("participants:duplicates_network", _("Duplicate scan"), "participants.scan_network"),
    NavItem("cases:list", _("Cases"), "cases.view"),
    NavItem("cases:types", _("Case types"), "cases.manage_types"),
    NavItem("consents:shared", SHARED_WITH_MY_ORGANISATION, "consents.view"),
    NavItem("conferences:list", NAV_CONFERENCES, "conferences.take_part"),
    NavItem("conferences:action_items", NAV_ACTION_ITEMS, "conferences.take_part"),
    NavItem("offers:catalogue", _("Offers"), "offers.view_catalogue"),
    NavItem("offers:enrolments", _("Enrolments"), "offers.enrol"),
    NavItem("offers:reports", _("Offer reports"), "offers.view_reports"),
    NavItem("offers:paths", _("German course access"), "offers.manage_paths"),
    NavItem("offers:referral_inbox", NAV_REFERRALS, "offers.receive_referrals"),
    NavItem("offers:allocations", NAV_ALLOCATION, "offers.allocate"),
    NavItem("funding:applications", NAV_FUNDING, "funding.apply"),
    NavItem("funding:inbox", NAV_FUNDING_INBOX, "funding.review"),
    NavItem("funding:years", NAV_FUNDING_PROGRAMME, "funding.manage"),
    NavItem("steering:overview", NAV_STEERING, "steering.take_part"),
    NavItem("steering:action_items", NAV_STEERING_ITEMS, "steering.take_part"),
    NavItem("steering:gaps", NAV_GAPS, "steering.view"),
    NavItem("dashboard:overview", NAV_DASHBOARD, "dashboard.view"),
    NavItem("network:directory", _("Partners"), "network.view_directory"),
    NavItem("network:manage_organisations", _("Manage organisations"), "network.manage_organisations"),
    NavItem("network:members", _("Users and roles"), "network.view_members"),
    NavItem("audit:log", _("Audit log"), "audit.view_log"),
    NavItem("audit:processing", _("Records of processing"), "audit.view_processing_records"),
    NavItem("jobs:list", _("Background jobs"), "jobs.view_own"),
    NavItem("core:status", _("System status"), "platform.view_status"),
]
