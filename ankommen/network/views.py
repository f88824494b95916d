from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ankommen.network.access import get_organisation_for, requires
from ankommen.network.models import Membership, Organisation


@requires("network.view_directory")
def directory(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    organisations = Organisation.objects.filter(network=actor.network_id, is_active=True).order_by("name")
    return render(request, "network/directory.html", {"organisations": organisations})


@requires("network.view_directory")
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    organisation = get_organisation_for(actor, organisation_id)
    return render(request, "network/organisation_detail.html", {"organisation": organisation})


@requires("network.view_members")
def members(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    memberships = (
        Membership.objects.filter(network=actor.network_id)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )
    if not actor.has_perm("network.manage_members"):
        memberships = memberships.filter(organisation=actor.organisation_id)
    return render(request, "network/members.html", {"memberships": memberships})
