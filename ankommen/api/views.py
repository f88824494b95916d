from __future__ import annotations

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ankommen.network.access import requires


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


me = requires("api.use")(MeView.as_view())
schema = requires("api.use")(SpectacularAPIView.as_view())
