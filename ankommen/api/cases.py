"""API of cases (issue [C]): ``/api/v1/cases/`` (list), ``/api/v1/cases/<id>/`` (one case),
``/api/v1/cases/<id>/tasks/`` (its tasks), ``/api/v1/tasks/mine/`` (the caller's open tasks) and
``POST /api/v1/cases/<id>/tasks/<task_id>/complete/``.

The same rules as the screens, through the same helpers: cases of the caller's organisation in
full; cases of another organisation shared under a consent for cooperation in force only with
the data categories it names (the other parts are ``null``; co-workers, intake and approvals are
never shared), everything else 404. Completing a task goes through ``services.complete_task``
(a co-worker of another organisation: their own tasks, if the consent covers the plan). Every
response with case content is logged: lists as ``case.listed`` (ids), reads as ``case.viewed``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ankommen.audit.api import actor_of
from ankommen.audit.services import log_action, log_read
from ankommen.cases import services
from ankommen.cases.access import get_case_for, shared_categories, visible_cases
from ankommen.cases.choices import Phase
from ankommen.cases.models import Appointment, AssessmentEntry, Case, Goal, Measure, ProgressNote, Task
from ankommen.cases.services import CaseError
from ankommen.consents.choices import DataCategory, Purpose
from ankommen.consents.queries import valid_consents
from ankommen.network.access import object_page, requires
from ankommen.network.models import Membership

# --- parts -----------------------------------------------------------------------------------


class SubjectSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["participant", "household"])
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField(allow_null=True, help_text="Only for own cases or with the category 'identity'.")


class TaskSerializer(serializers.ModelSerializer[Task]):
    case = serializers.IntegerField(source="case_id", read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    assignee = serializers.SerializerMethodField()
    done = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "case", "case_reference", "title", "due_on", "responsible", "assignee", "done", "done_at"]
        read_only_fields = fields

    def get_assignee(self, task: Task) -> str | None:
        user = task.assignee
        return (user.full_name or user.email) if user is not None else None

    def get_done(self, task: Task) -> bool:
        return task.done_at is not None


class AppointmentSerializer(serializers.ModelSerializer[Appointment]):
    class Meta:
        model = Appointment
        fields = ["id", "starts_at", "kind", "place", "with_whom", "note"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer[AssessmentEntry]):
    class Meta:
        model = AssessmentEntry
        fields = ["domain", "needs", "resources", "risks", "deadline", "deadline_note"]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    class Meta:
        model = Measure
        fields = ["id", "text", "responsible", "organisation_name", "due_on", "status"]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer[ProgressNote]):
    class Meta:
        model = ProgressNote
        fields = ["id", "written_on", "text"]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer[Goal]):
    measures = MeasureSerializer(many=True, read_only=True)
    notes = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = ["id", "text", "domain", "target_date", "status", "measures", "notes"]
        read_only_fields = fields

    @extend_schema_field(NoteSerializer(many=True, allow_null=True))
    def get_notes(self, goal: Goal) -> list[dict[str, Any]] | None:
        if not self.context.get("notes"):
            return None
        return NoteSerializer(goal.notes.all(), many=True).data  # type: ignore[return-value]


# --- cases -----------------------------------------------------------------------------------


def _name_of(case: Case) -> str:
    if case.participant_id is not None:
        return case.participant.full_name  # type: ignore[union-attr]
    return case.household.name  # type: ignore[union-attr]


class CaseSerializer(serializers.ModelSerializer[Case]):
    """A case as listed. ``shared_categories``: ``null`` for a case of the caller's organisation,
    else the data categories the consents for cooperation in force share with it."""

    case_type = serializers.CharField(source="case_type.name", read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    lead = serializers.SerializerMethodField()
    own = serializers.SerializerMethodField()
    shared_categories = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "case_type",
            "phase",
            "organisation",
            "own",
            "shared_categories",
            "lead",
            "opened_on",
            "closed_on",
            "subject",
        ]
        read_only_fields = fields

    def _categories(self, case: Case) -> frozenset[str] | None:
        found: dict[int, frozenset[str] | None] = self.context["categories"]
        return found.get(case.pk)

    def get_lead(self, case: Case) -> str:
        return case.lead.full_name or case.lead.email

    def get_own(self, case: Case) -> bool:
        return self._categories(case) is None

    def get_shared_categories(self, case: Case) -> list[str] | None:
        categories = self._categories(case)
        return sorted(categories) if categories is not None else None

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, case: Case) -> dict[str, Any]:
        categories = self._categories(case)
        named = categories is None or DataCategory.IDENTITY in categories
        if case.participant_id is not None:
            person = case.participant
            return {
                "kind": "participant",
                "id": case.participant_id,
                "reference": person.reference,  # type: ignore[union-attr]
                "name": _name_of(case) if named else None,
            }
        household = case.household
        return {
            "kind": "household",
            "id": case.household_id,
            "reference": household.reference,  # type: ignore[union-attr]
            "name": _name_of(case) if named else None,
        }


class CaseDetailSerializer(CaseSerializer):
    """One case. Parts the caller may not see are ``null`` (not shared), not empty."""

    reassessment_due_on = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    goals = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    appointments = serializers.SerializerMethodField()
    co_workers = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "phase_started_on",
            "reassessment_due_on",
            "assessment",
            "goals",
            "tasks",
            "appointments",
            "co_workers",
        ]
        read_only_fields = fields

    def _has(self, case: Case, category: str) -> bool:
        categories = self._categories(case)
        return categories is None or category in categories

    def get_reassessment_due_on(self, case: Case) -> str | None:
        if not self._has(case, DataCategory.PLAN) or case.reassessment_due_on is None:
            return None
        return case.reassessment_due_on.isoformat()

    @extend_schema_field(AssessmentSerializer(many=True, allow_null=True))
    def get_assessment(self, case: Case) -> Any:
        if not self._has(case, DataCategory.ASSESSMENT):
            return None
        return AssessmentSerializer(case.assessment.order_by("pk"), many=True).data

    @extend_schema_field(GoalSerializer(many=True, allow_null=True))
    def get_goals(self, case: Case) -> Any:
        if not self._has(case, DataCategory.PLAN):
            return None
        goals = case.goals.prefetch_related("measures", Prefetch("notes")).order_by("pk")
        return GoalSerializer(goals, many=True, context={"notes": self._has(case, DataCategory.NOTES)}).data

    @extend_schema_field(TaskSerializer(many=True, allow_null=True))
    def get_tasks(self, case: Case) -> Any:
        if not self._has(case, DataCategory.PLAN):
            return None
        return TaskSerializer(case.tasks.select_related("assignee", "case"), many=True).data

    @extend_schema_field(AppointmentSerializer(many=True, allow_null=True))
    def get_appointments(self, case: Case) -> Any:
        if not self._has(case, DataCategory.PLAN):
            return None
        return AppointmentSerializer(case.appointments.order_by("starts_at", "pk"), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_co_workers(self, case: Case) -> list[str] | None:
        if self._categories(case) is not None:
            return None
        return [role.user.full_name or role.user.email for role in case.roles.select_related("user")]


def shared_categories_of(actor: Membership, cases: list[Case]) -> dict[int, frozenset[str] | None]:
    """``None`` for own cases, the consented categories for shared ones (one query)."""
    result: dict[int, frozenset[str] | None] = {}
    shared_ids = [c.pk for c in cases if c.organisation_id != actor.organisation_id]
    for case in cases:
        result[case.pk] = None if case.organisation_id == actor.organisation_id else frozenset()
    if shared_ids:
        rows = (
            valid_consents(network_id=actor.network_id, purpose=Purpose.COOPERATION, recipient_id=actor.organisation_id)
            .filter(case__in=shared_ids)
            .values_list("case", "data_categories")
        )
        collected: dict[int, set[str]] = {}
        for case_id, categories in rows:
            collected.setdefault(case_id, set()).update(categories or ())
        for case_id, categories in collected.items():
            result[case_id] = frozenset(categories)
    return result


class CaseList(generics.ListAPIView[Case]):
    """Cases the caller may see: the own organisation's, and those shared with it under a consent
    for cooperation in force (marked ``own: false``, with the shared categories). Filter with
    ``?phase=<phase>`` or ``?phase=open``."""

    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        actor = actor_of(self.request)
        cases = visible_cases(actor).select_related("case_type", "organisation", "lead", "participant", "household")
        phase = self.request.query_params.get("phase", "")
        if phase == "open":
            cases = cases.exclude(phase=Phase.CLOSED)
        elif phase in Phase.values:
            cases = cases.filter(phase=phase)
        return cases.order_by("-opened_on", "-pk")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = actor_of(request)
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page or [])
        context = {**self.get_serializer_context(), "categories": shared_categories_of(actor, rows)}
        log_action(
            actor,
            "case.listed",
            data={
                "api": True,
                "filters": ["phase"] if request.query_params.get("phase") else [],
                "shown": [c.pk for c in rows],
            },
        )
        return self.get_paginated_response(CaseSerializer(rows, many=True, context=context).data)


class CaseDetail(APIView):
    """One case; of a shared case only the consented categories (the rest ``null``)."""

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, case_id: int) -> Response:
        actor = actor_of(request)
        case = get_case_for(actor, case_id, shared=True)
        categories = shared_categories(actor, case)
        data: dict[str, Any] = {"page": "api"}
        if categories is not None:
            data["shared"] = sorted(categories)
        log_read(actor, case, data=data)
        context = {"request": request, "categories": {case.pk: categories}}
        return Response(CaseDetailSerializer(case, context=context).data)


def _case_with_plan(request: Request, case_id: int) -> tuple[Membership, Case]:
    """A visible case whose tasks the caller may see (403 for a shared case without the plan)."""
    actor = actor_of(request)
    case = get_case_for(actor, case_id, shared=True)
    categories = shared_categories(actor, case)
    if categories is not None and DataCategory.PLAN not in categories:
        raise PermissionDenied
    return actor, case


class CaseTasks(APIView):
    """The tasks of one case, open ones first (a shared case: if the consent covers the plan)."""

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request: Request, case_id: int) -> Response:
        actor, case = _case_with_plan(request, case_id)
        log_read(actor, case, data={"page": "api_tasks"})
        tasks = case.tasks.select_related("assignee", "case").order_by("done_at", "due_on", "pk")
        return Response(TaskSerializer(tasks, many=True).data)


class MyTasks(generics.ListAPIView[Task]):
    """The caller's open tasks in open cases: of the own organisation, and of cases shared with it
    where the consent covers the plan. Overdue and due first."""

    serializer_class = TaskSerializer

    def get_queryset(self) -> QuerySet[Task]:
        actor = actor_of(self.request)
        cases = visible_cases(actor).exclude(phase=Phase.CLOSED)
        shared_with_plan = [
            case_id
            for case_id, categories in valid_consents(
                network_id=actor.network_id, purpose=Purpose.COOPERATION, recipient_id=actor.organisation_id
            ).values_list("case", "data_categories")
            if case_id is not None and DataCategory.PLAN in (categories or ())
        ]
        return (
            Task.objects.filter(network=actor.network_id, assignee=actor.user_id, done_at__isnull=True)
            .filter(case__in=cases.values("pk"))
            .filter(Q(case__organisation=actor.organisation_id) | Q(case__in=shared_with_plan))
            .select_related("assignee", "case")
            .order_by("due_on", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page or [])
        if rows:
            log_action(
                actor_of(request), "case.work_listed", data={"api": True, "cases": sorted({t.case_id for t in rows})}
            )
        return self.get_paginated_response(TaskSerializer(rows, many=True).data)


class CompleteTask(APIView):
    """Mark a task as done (as the "Mark as done" button). 400 with ``detail`` if refused."""

    @extend_schema(request=None, responses={200: TaskSerializer, 400: None})
    def post(self, request: Request, case_id: int, task_id: int) -> Response:
        actor = actor_of(request)
        case = get_case_for(actor, case_id, shared=True)
        task = Task.objects.filter(case=case, pk=task_id).select_related("assignee").first()
        if task is None:
            raise Http404
        task.case = case
        try:
            done = services.complete_task(actor, task)
        except CaseError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        done.case = case
        return Response(TaskSerializer(done).data)


case_list = requires("cases.view")(CaseList.as_view())
case_detail = object_page(CaseDetail.as_view())
case_tasks = object_page(CaseTasks.as_view())
my_tasks = requires("cases.view")(MyTasks.as_view())
complete_task = object_page(CompleteTask.as_view())
