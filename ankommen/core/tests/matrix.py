from ankommen.testing.matrix import ALL_STAFF, EVERYONE, Expect, staff_with

MATRIX = {
    "core:home": Expect(ALL_STAFF),
    "core:status": Expect(staff_with("platform_admin")),
    "core:set_language": Expect(EVERYONE, method="post", ok=302, data=lambda w: {"language": "en", "next": "/"}),
    "healthz": Expect(EVERYONE),
}
