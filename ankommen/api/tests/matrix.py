from ankommen.testing.matrix import ALL_STAFF, Expect

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
