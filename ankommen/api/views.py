from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ankommen.api.serializers import OrganisationSerializer
from ankommen.network.access import get_organisation_for, requires
from ankommen.network.models import Organisation


class MembershipSerializer(serializers.Serializer):
    network = serializers.CharField()
    organisation = serializers.CharField()
    role = serializers.CharField()
    permissions = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    language = serializers.CharField()
    membership = MembershipSerializer()


class MeView(APIView):
    """The caller's account and active role."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        membership = request._request.membership  # type: ignore[attr-defined]
        user = membership.user
        return Response(
            {
                "email": user.email,
                "full_name": user.full_name,
                "language": user.preferred_language,
                "membership": {
                    "network": membership.network.slug,
                    "organisation": membership.organisation.name,
                    "role": membership.role,
                    "permissions": sorted(membership.permissions),
                },
            }
        )


class OrganisationList(generics.ListAPIView[Organisation]):
    """The active partner organisations of the caller's network."""

    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        actor = self.request._request.membership  # type: ignore[attr-defined]
        return Organisation.objects.filter(network=actor.network_id, is_active=True).order_by("name")


class OrganisationDetail(generics.RetrieveAPIView[Organisation]):
    """One partner organisation; organisations of other networks answer 404."""

    serializer_class = OrganisationSerializer

    def get_object(self) -> Organisation:
        return get_organisation_for(self.request._request.membership, self.kwargs["organisation_id"])  # type: ignore[attr-defined]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


organisations = requires("network.view_directory")(OrganisationList.as_view())
organisation = requires("network.view_directory")(OrganisationDetail.as_view())
me = requires("api.use")(MeView.as_view())
schema = requires("api.use")(SpectacularAPIView.as_view())
