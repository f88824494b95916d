from ankommen.testing.matrix import Expect, staff_with

MATRIX = {
    "audit:log": Expect(staff_with("dpo")),
    # A fresh session has not re-authenticated: the DPO is sent to accounts:reauthenticate first.
    "audit:export": Expect(staff_with("dpo"), ok=302),
    "audit:verify": Expect(staff_with("dpo", "platform_admin"), method="post", ok=302),
    "audit:processing": Expect(staff_with("dpo")),
}
