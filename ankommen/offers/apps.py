from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "ankommen.offers"
    label = "offers"
    verbose_name = "Offers"

    def ready(self) -> None:
        # The seat-allocation job kind, the erasure of referral packets on revocation, and what a merge
        # of participant records does to enrolments and cards.
        import ankommen.offers.allocation_runs
        import ankommen.offers.signals  # noqa: F401
        from ankommen.offers.merge_hooks import register

        register()
