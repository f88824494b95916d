"""Read-only API of participant records: ``GET /api/v1/participants/<id>/``.

Same rule as the screens: records of the caller's own organisation only (404 otherwise, also
for roles without ``participants.view``); every successful read is logged
(``AuditedRetrieveMixin`` → ``participant.viewed``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ankommen.audit.api import AuditedRetrieveMixin, actor_of
from ankommen.network.access import object_page
from ankommen.participants.access import get_participant_for
from ankommen.participants.models import (
    Identifier,
    LanguageSkill,
    NameVariant,
    Participant,
    ResidenceStatus,
)


class NameVariantSerializer(serializers.ModelSerializer[NameVariant]):
    class Meta:
        model = NameVariant
        fields = ["given_name", "family_name", "kind"]


class IdentifierSerializer(serializers.ModelSerializer[Identifier]):
    class Meta:
        model = Identifier
        fields = ["kind", "value"]


class LanguageSkillSerializer(serializers.ModelSerializer[LanguageSkill]):
    class Meta:
        model = LanguageSkill
        fields = ["language", "speaking", "listening", "reading", "writing", "certificate"]


class ResidenceStatusSerializer(serializers.ModelSerializer[ResidenceStatus]):
    class Meta:
        model = ResidenceStatus
        fields = [
            "status",
            "legal_basis",
            "valid_from",
            "valid_to",
            "employment",
            "residence_obligation",
            "residence_obligation_place",
            "identity_clarified_on",
            "identity_steps_taken_on",
        ]


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    nationalities = serializers.SerializerMethodField()
    name_variants = NameVariantSerializer(many=True, read_only=True)
    identifiers = IdentifierSerializer(many=True, read_only=True)
    languages = LanguageSkillSerializer(many=True, read_only=True)
    statuses = ResidenceStatusSerializer(many=True, read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "reference",
            "given_name",
            "family_name",
            "given_name_original",
            "family_name_original",
            "original_script",
            "date_of_birth",
            "birth_date_precision",
            "sex",
            "nationalities",
            "place_of_birth",
            "entry_date",
            "interpreter_needed",
            "interpreter_language",
            "accommodation",
            "district",
            "vulnerabilities",
            "name_variants",
            "identifiers",
            "languages",
            "statuses",
            "version",
        ]
        read_only_fields = fields

    def get_nationalities(self, participant: Participant) -> list[str]:
        return [str(country.code) for country in participant.nationalities]


class ParticipantDetail(AuditedRetrieveMixin, generics.RetrieveAPIView[Participant]):
    """One participant record of the caller's organisation (read only)."""

    serializer_class = ParticipantSerializer

    def get_object(self) -> Participant:
        participant = get_participant_for(actor_of(self.request), self.kwargs["participant_id"])
        return (
            Participant.objects.filter(pk=participant.pk)
            .prefetch_related(
                "name_variants",
                "identifiers",
                "languages",
                Prefetch("statuses", queryset=ResidenceStatus.objects.order_by("-valid_from", "-pk")),
            )
            .get()
        )

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


participant_detail = object_page(ParticipantDetail.as_view())
