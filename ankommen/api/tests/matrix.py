from ankommen.testing.matrix import ALL_STAFF, Expect, staff_with

MATRIX = {
    "api:schema": Expect(ALL_STAFF, anonymous=401),
    "api:me": Expect(ALL_STAFF, anonymous=401),
    "api:organisations": Expect(ALL_STAFF, anonymous=401),
    "api:organisation": Expect(
        ALL_STAFF - {"outsider"},
        anonymous=401,
        outsider=404,
        kwargs=lambda w: {"organisation_id": w.organisations["org_a"].pk},
    ),
}

# Cases (issue [C]): the case of org A from ankommen/cases/tests/matrix.py.
_CASE_READERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
_CASE_EDITORS = staff_with("case_manager_a", "team_lead_a")


def _case(w):  # type: ignore[no-untyped-def]
    return {"case_id": w.extra["case"].pk}


MATRIX.update(
    {
        "api:cases": Expect(_CASE_READERS | {"case_manager_b"}, anonymous=401),
        "api:my_tasks": Expect(_CASE_READERS | {"case_manager_b"}, anonymous=401),
        "api:case": Expect(_CASE_READERS, denied=404, outsider=404, anonymous=401, kwargs=_case),
        "api:case_tasks": Expect(_CASE_READERS, denied=404, outsider=404, anonymous=401, kwargs=_case),
        # The assistant sees the case but may not complete its tasks.
        "api:complete_task": Expect(
            _CASE_EDITORS,
            method="post",
            denied=404,
            outsider=404,
            anonymous=401,
            overrides={"assistant_a": 403},
            kwargs=lambda w: {"case_id": w.extra["case"].pk, "task_id": w.extra["task"].pk},
        ),
    }
)
