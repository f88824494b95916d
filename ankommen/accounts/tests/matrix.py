from ankommen.testing.matrix import ALL_STAFF, EVERYONE, Expect

LOGGED_IN = ALL_STAFF | {"no_membership"}

MATRIX = {
    # Logged-in users are sent on from the login page.
    "accounts:login": Expect({"anonymous"}, overrides=dict.fromkeys(LOGGED_IN, 302)),
    "accounts:logout": Expect(LOGGED_IN, method="post", ok=302),
    # The personas' sessions are already verified with a confirmed device: sent on to the start page.
    "accounts:two_factor": Expect(LOGGED_IN, ok=302),
    "accounts:reauthenticate": Expect(LOGGED_IN),
    "accounts:profile": Expect(LOGGED_IN),
    "accounts:password_change": Expect(LOGGED_IN),
    # Sudo mode: without a fresh re-authentication everyone is sent to accounts:reauthenticate first.
    "accounts:backup_codes": Expect(LOGGED_IN, method="post", ok=302),
    # Password reset by e-mail is public (and says nothing about whether an address exists).
    "accounts:password_reset": Expect(EVERYONE),
    "accounts:password_reset_done": Expect(EVERYONE),
    "accounts:password_reset_confirm": Expect(EVERYONE, kwargs=lambda w: {"uidb64": "MQ", "token": "invalid-token"}),
    "accounts:password_reset_complete": Expect(EVERYONE),
}
