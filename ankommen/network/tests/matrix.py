from ankommen.testing.matrix import ALL_STAFF, Expect, staff_with

MATRIX = {
    "network:directory": Expect(ALL_STAFF),
    "network:organisation": Expect(
        ALL_STAFF - {"outsider"}, outsider=404, kwargs=lambda w: {"organisation_id": w.organisations["org_a"].pk}
    ),
    "network:members": Expect(staff_with("coordinator", "team_lead_a", "dpo", "outsider")),
}
