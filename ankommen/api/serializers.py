from __future__ import annotations

from rest_framework import serializers

from ankommen.network.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    type_label = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "type",
            "type_label",
            "street",
            "postal_code",
            "city",
            "email",
            "phone",
            "website",
            "joined_on",
        ]
        read_only_fields = fields
