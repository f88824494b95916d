from ankommen.testing.matrix import ALL_STAFF, Expect

MATRIX = {
    "api:schema": Expect(ALL_STAFF, anonymous=401),
    "api:me": Expect(ALL_STAFF, anonymous=401),
}
