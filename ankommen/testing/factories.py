"""factory_boy factories for the core models. Each test builds what it asserts on."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from ankommen.accounts.models import User
from ankommen.network.models import Membership, Network, Organisation
from ankommen.network.roles import OrganisationType, Role

TEST_PASSWORD = "correct horse battery staple 42"  # noqa: S105


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n}")
    slug = factory.Sequence(lambda n: f"netz-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.WELFARE
    city = "Münster"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    user = factory.SubFactory(UserFactory)
    role = Role.CASE_MANAGER


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator"
    confirmed = True


# --- participants (issue [P]) ------------------------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)`` (or ``scopes_disabled()``).


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Participant"

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    reference = factory.Sequence(lambda n: f"T-{n:06d}")
    given_name = "Amina"
    family_name = factory.Sequence(lambda n: f"Testperson{n}")
    created_by = factory.SubFactory(UserFactory)


class NameVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.NameVariant"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    given_name = "Aminah"
    family_name = factory.SelfAttribute("participant.family_name")


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Identifier"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    kind = "bamf"
    value = factory.Sequence(lambda n: f"{8000000 + n}-475")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.Household"

    organisation = factory.SubFactory(OrganisationFactory)
    network = factory.SelfAttribute("organisation.network")
    reference = factory.Sequence(lambda n: f"TH-{n:06d}")
    name = factory.Sequence(lambda n: f"Familie {n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "participants.HouseholdMember"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    household = factory.SubFactory(HouseholdFactory, organisation=factory.SelfAttribute("..participant.organisation"))
    relationship = "head"


class DuplicateCandidateFactory(factory.django.DjangoModelFactory):
    """A pair in an organisation's review queue (``left`` has the lower id, as the scan stores it)."""

    class Meta:
        model = "participants.DuplicateCandidate"

    left = factory.SubFactory(ParticipantFactory)
    right = factory.SubFactory(
        ParticipantFactory,
        organisation=factory.SelfAttribute("..left.organisation"),
        given_name=factory.SelfAttribute("..left.given_name"),
        family_name=factory.SelfAttribute("..left.family_name"),
    )
    network = factory.SelfAttribute("left.network")
    organisation = factory.SelfAttribute("left.organisation")
    score = 0.93
    reasons = factory.LazyFunction(
        lambda: [{"code": "name.exact", "text": "family name: same spelling", "weight": 9.0}]
    )


# --- consents (issue [C]) ----------------------------------------------------------------------


def _days_from_today(days: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


class ConsentFactory(factory.django.DjangoModelFactory):
    """A consent for cooperation given for a case, in force from yesterday for a year. Pass
    ``case`` (the person and organisation follow from it) and ``recipients=[organisation, ...]``."""

    class Meta:
        model = "consents.Consent"
        skip_postgeneration_save = True

    case = None
    participant = factory.LazyAttribute(lambda o: o.case.participant if o.case is not None else None)
    organisation = factory.LazyAttribute(
        lambda o: o.case.organisation if o.case is not None else o.participant.organisation
    )
    network = factory.SelfAttribute("organisation.network")
    purpose = "cooperation"
    data_categories = factory.LazyFunction(lambda: ["identity", "language"])
    language = "de"
    form = "electronic"
    given_on = factory.LazyFunction(lambda: _days_from_today(-1))
    valid_until = factory.LazyFunction(lambda: _days_from_today(365))
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def recipients(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            obj.recipients.set(extracted)


# --- case conferences (issue [C]) ------------------------------------------------------------------


def _conference_time():  # type: ignore[no-untyped-def]
    """Tomorrow at 10:00 (local time)."""
    import datetime as dt

    from django.utils import timezone

    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)


def _in_two_weeks():  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=14)


class ConferenceFactory(factory.django.DjangoModelFactory):
    """An anonymised, planned conference on ``case`` (pass it), organised by the case's organisation,
    tomorrow at 10:00. ``organisations=[...]`` adds participating organisations."""

    class Meta:
        model = "conferences.Conference"
        skip_postgeneration_save = True

    case = None
    network = factory.SelfAttribute("case.network")
    organisation = factory.SelfAttribute("case.organisation")
    pseudonym = factory.Sequence(lambda n: f"T-{100 + n % 900}")
    scheduled_at = factory.LazyFunction(_conference_time)
    place = "Besprechungsraum 2"
    created_by = factory.SelfAttribute("case.lead")

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        from ankommen.conferences.models import ConferenceOrganisation

        for organisation in extracted or ():
            ConferenceOrganisation.objects.create(network=obj.network, conference=obj, organisation=organisation)


class ActionItemFactory(factory.django.DjangoModelFactory):
    """An open action item of ``conference`` (pass it) for ``owner`` (default: the case owner)."""

    class Meta:
        model = "conferences.ActionItem"

    conference = None
    network = factory.SelfAttribute("conference.network")
    owner = factory.SelfAttribute("conference.case.organisation")
    text = factory.Sequence(lambda n: f"Unterlagen zusammenstellen ({n})")
    due_on = factory.LazyFunction(_in_two_weeks)
    created_by = factory.SelfAttribute("conference.created_by")


# --- offers (issue [O]) ------------------------------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)``; enrol through ``offers.services``.


def _in_three_days():  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    return timezone.now().replace(microsecond=0) + dt.timedelta(days=3)


def _two_hours_after(start):  # type: ignore[no-untyped-def]
    import datetime as dt

    return start + dt.timedelta(hours=2)


class OfferFactory(factory.django.DjangoModelFactory):
    """A published offer of ``organisation`` (pass one: the provider), one seat for all sessions."""

    class Meta:
        model = "offers.Offer"

    organisation = factory.SubFactory(OrganisationFactory, type=OrganisationType.CHAMBER)
    network = factory.SelfAttribute("organisation.network")
    title = factory.Sequence(lambda n: f"Werkstatttag {n}")
    category = "workshop"
    field_of_action = "work_training"
    status = "published"
    capacity = 2
    created_by = factory.SubFactory(UserFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of ``offer`` in three days, two hours long."""

    class Meta:
        model = "offers.Session"

    offer = factory.SubFactory(OfferFactory)
    network = factory.SelfAttribute("offer.network")
    starts_at = factory.LazyFunction(_in_three_days)
    ends_at = factory.LazyAttribute(lambda o: _two_hours_after(o.starts_at))


# --- funding programme (issue [K]) ------------------------------------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)``. Amounts are Decimal, never float.


def _euro(amount: str):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    return Decimal(amount)


def _this_year():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate().year


def _programme(network):  # type: ignore[no-untyped-def]
    from ankommen.funding.models import Programme

    return Programme.objects.get_or_create(network=network, name="KOMM-AN NRW – Programmteil II")[0]


def _day(year: int, month: int, day: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date(year, month, day)


class FundingYearFactory(factory.django.DjangoModelFactory):
    """A funding year (this year) with 10,000 € and a second approval above 2,500 €."""

    class Meta:
        model = "funding.FundingYear"

    network = factory.SubFactory(NetworkFactory)
    programme = factory.LazyAttribute(lambda o: _programme(o.network))
    year = factory.LazyFunction(_this_year)
    budget = factory.LazyFunction(lambda: _euro("10000.00"))
    second_approval_above = factory.LazyFunction(lambda: _euro("2500.00"))
    proof_due_on = factory.LazyAttribute(lambda o: _day(o.year + 1, 1, 31))
    report_due_on = factory.LazyAttribute(lambda o: _day(o.year + 1, 3, 31))


class FundingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.Module"
        django_get_or_create = ("year", "code")

    year = factory.SubFactory(FundingYearFactory)
    network = factory.SelfAttribute("year.network")
    code = "B"


class FlatRateFactory(factory.django.DjangoModelFactory):
    """A flat rate of 250 € per measure and month."""

    class Meta:
        model = "funding.FlatRate"

    module = factory.SubFactory(FundingModuleFactory)
    network = factory.SelfAttribute("module.network")
    code = factory.Sequence(lambda n: f"X{n}")
    title = "Maßnahme pro Monat"
    unit = "measure_month"
    amount = factory.LazyFunction(lambda: _euro("250.00"))


# --- steering the network (issue [G]) -----------------------------------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)``.


def _now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


def _today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()


class AgreementFactory(factory.django.DjangoModelFactory):
    """A declaration of intent signed today, without document."""

    class Meta:
        model = "steering.Agreement"

    network = factory.SubFactory(NetworkFactory)
    kind = "declaration"
    title = factory.Sequence(lambda n: f"Absichtserklärung {n}")
    signed_on = factory.LazyFunction(_today)
    created_by = factory.SubFactory(UserFactory)


class BodyFactory(factory.django.DjangoModelFactory):
    """A working group on the school-to-work transition."""

    class Meta:
        model = "steering.Body"

    network = factory.SubFactory(NetworkFactory)
    kind = "working"
    name = factory.Sequence(lambda n: f"AG Übergang Schule–Beruf {n}")
    topic = "transition"
    created_by = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "steering.Meeting"

    body = factory.SubFactory(BodyFactory)
    network = factory.SelfAttribute("body.network")
    scheduled_at = factory.LazyFunction(_now)
    place = "Kreishaus, Raum 3"
    created_by = factory.SubFactory(UserFactory)


class EventFactory(factory.django.DjangoModelFactory):
    """A STARTER workshop of ``organiser`` in three days."""

    class Meta:
        model = "steering.Event"

    organiser = factory.SubFactory(OrganisationFactory, type=OrganisationType.PUBLIC_AUTHORITY)
    network = factory.SelfAttribute("organiser.network")
    kind = "starter"
    title = factory.Sequence(lambda n: f"STARTER-Workshop {n}")
    starts_at = factory.LazyFunction(_in_three_days)
    place = "Kreishaus"
    created_by = factory.SubFactory(UserFactory)


class ProblemReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "steering.ProblemReport"

    network = factory.SubFactory(NetworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    source = "case_management"
    field = "work_training"
    age_band = "18_26"
    status_group = "tolerated"
    title = factory.Sequence(lambda n: f"Kein Berufssprachkurs erreichbar {n}")
    description = "Junge Geduldete finden keinen Platz im Berufssprachkurs B1."
    case_count = 3
    reported_on = factory.LazyFunction(_today)


class GapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "steering.Gap"

    network = factory.SubFactory(NetworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Fehlende Sprachkursplätze {n}")
    field = "education_language"
    description = "Zu wenige Plätze in Sprachkursen für junge Geduldete."
    created_by = factory.SubFactory(UserFactory)


# --- cases for the offer finder, referrals and seat allocation (issue [O]) ---------------------
# Create these inside ``django_scopes.scope(network=...)``.


class CaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.CaseType"

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Fallart {n}")


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case (implementation) of ``participant``'s organisation; pass ``participant`` and ``lead``."""

    class Meta:
        model = "cases.Case"

    participant = factory.SubFactory(ParticipantFactory)
    organisation = factory.SelfAttribute("participant.organisation")
    network = factory.SelfAttribute("participant.network")
    case_type = factory.SubFactory(CaseTypeFactory, network=factory.SelfAttribute("..network"))
    lead = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("lead")
    reference = factory.Sequence(lambda n: f"T-F{n:06d}")
    phase = "implementation"
    opened_on = factory.LazyFunction(lambda: _days_from_today(-30))
    phase_started_on = factory.LazyFunction(lambda: _days_from_today(-3))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Goal"

    case = factory.SubFactory(CaseFactory)
    network = factory.SelfAttribute("case.network")
    text = factory.Sequence(lambda n: f"Ziel {n}")
    domain = "training_work"


# --- needs-versus-offers dashboard (issue [G]) ---------------------------------------------------
# Create these inside ``django_scopes.scope(network=...)``. A ``NeedFactory`` row is a raw need: the
# summary tables are not updated (call ``ankommen.dashboard.summary.rebuild``); record needs through
# ``ankommen.dashboard.needs`` to keep them current.


def _first_of_month(day):  # type: ignore[no-untyped-def]
    return day.replace(day=1)


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.Need"

    participant = factory.SubFactory(ParticipantFactory)
    network = factory.SelfAttribute("participant.network")
    field = "education_language"
    source = "interest"
    recorded_on = factory.LazyFunction(_today)
    recorded_month = factory.LazyAttribute(lambda o: _first_of_month(o.recorded_on))
    district = "Coerde"
    age_band = "18_26"
    status_group = "tolerated"
    language = "ar"


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.Scenario"

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Zusätzlicher Sprachkurs {n}")
    created_by = factory.SubFactory(UserFactory)


class PlannedOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.PlannedOffer"

    scenario = factory.SubFactory(ScenarioFactory)
    network = factory.SelfAttribute("scenario.network")
    title = factory.Sequence(lambda n: f"Sprachkurs A1 (geplant) {n}")
    category = "language"
    field = "education_language"
    district = "Coerde"
    seats = 10
