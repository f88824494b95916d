from ankommen.testing.matrix import ALL_STAFF, Expect

MATRIX = {
    # Logged-in users are sent on from the login page.
    "accounts:login": Expect({"anonymous"}, overrides=dict.fromkeys([*ALL_STAFF, "no_membership"], 302)),
    "accounts:logout": Expect(ALL_STAFF | {"no_membership"}, method="post", ok=302),
}
