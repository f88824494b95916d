from ankommen.testing.matrix import ALL_STAFF, Expect

MATRIX = {
    "jobs:list": Expect(ALL_STAFF),
    "jobs:detail": Expect(
        {"coordinator", "platform_admin"},
        denied=404,
        kwargs=lambda w: {"job_id": w.extra["job"].pk},
    ),
}
