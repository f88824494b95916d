from ankommen.testing.matrix import Expect, staff_with

MATRIX = {
    "audit:log": Expect(staff_with("dpo")),
}
