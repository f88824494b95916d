"""The engine's explanations: English message templates with named placeholders.

The engine stays free of Django, so it cannot call ``gettext``. Every template is marked with
the local ``gettext_noop`` (a no-op that ``makemessages`` recognises), which puts it into the
app's German catalogue; the web interface and ``check_pathways --language de`` translate at
render time. A ``Message`` is a template plus parameters; parameters may be dates (formatted
by the caller), numbers, fixed labels (``Label``, translated too) or nested messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks ``message`` for translation (extracted by ``makemessages``); returns it unchanged."""
    return message


class Label(str):
    """A fixed text used as a message parameter (a status name); translated when rendered."""

    __slots__ = ()


@dataclass(frozen=True)
class Message:
    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    also: tuple[Message, ...] = ()  # further sentences, rendered after this one

    def with_also(self, *more: Message) -> Message:
        return Message(self.text, self.params, (*self.also, *more))


Translate = Callable[[str], str]
FormatDate = Callable[[dt.date], str]
FormatNumber = Callable[[float], str]


def _identity(text: str) -> str:
    return text


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _number(value: float) -> str:
    return f"{value:g}"


def render(
    message: Message,
    translate: Translate = _identity,
    format_date: FormatDate = _iso,
    format_number: FormatNumber = _number,
) -> str:
    def value(item: Any) -> Any:
        if isinstance(item, Message):
            return render(item, translate, format_date, format_number)
        if isinstance(item, Label):
            return translate(str(item))
        if isinstance(item, dt.date):
            return format_date(item)
        if isinstance(item, float):
            return format_number(item)
        return item

    params = {name: value(item) for name, item in message.params.items()}
    text = translate(message.text) % params if params else translate(message.text)
    parts = [text, *(render(m, translate, format_date, format_number) for m in message.also)]
    return " ".join(parts)


# --- status names (parameters) ------------------------------------------------------------------

STATUS_LABELS: dict[str, Label] = {
    "ankunftsnachweis": Label(gettext_noop("proof of arrival (Ankunftsnachweis)")),
    "gestattung": Label(gettext_noop("Aufenthaltsgestattung (asylum procedure)")),
    "duldung": Label(gettext_noop("Duldung (§ 60a AufenthG)")),
    "duldung_60b": Label(gettext_noop("Duldung for persons with unclear identity (§ 60b AufenthG)")),
    "duldung_60c": Label(gettext_noop("training Duldung (§ 60c AufenthG)")),
    "duldung_60d": Label(gettext_noop("employment Duldung (§ 60d AufenthG)")),
    "fiktion": Label(gettext_noop("Fiktionsbescheinigung (§ 81 AufenthG)")),
    "aufenthaltserlaubnis": Label(gettext_noop("residence permit (Aufenthaltserlaubnis)")),
    "niederlassungserlaubnis": Label(gettext_noop("settlement permit (Niederlassungserlaubnis)")),
    "daueraufenthalt_eu": Label(gettext_noop("EU long-term residence (§ 9a AufenthG)")),
    "freizuegigkeit": Label(gettext_noop("EU freedom of movement")),
    "eingebuergert": Label(gettext_noop("German citizenship")),
    "none": Label(gettext_noop("no valid document")),
}

STATUS_WITH_BASIS = gettext_noop("%(status)s (%(basis)s)")

# --- the status history ---------------------------------------------------------------------------

NO_HISTORY = gettext_noop("No residence status history is recorded.")
HISTORY_ENDS = gettext_noop(
    "The status history ends on %(date)s, more than %(days)s days ago: record the current status."
)
TIME_MET = gettext_noop(
    "%(years)s years of counted stay were complete on %(date)s (uninterrupted stay since %(start)s)."
)
TIME_NOT_YET = gettext_noop(
    "%(years)s years of counted stay will be complete on %(date)s if the stay continues "
    "(uninterrupted stay since %(start)s)."
)
TIME_STOPPED = gettext_noop(
    "%(years)s years are not complete (uninterrupted stay since %(start)s), and time with the current "
    "%(status)s does not count: the count continues once the person holds another Duldung or a permit."
)
TIME_WITH_CHILD = gettext_noop("With a minor child in the household %(years)s years are enough.")
TIME_CHILDREN_UNKNOWN = gettext_noop(
    "With a minor child in the household %(short_years)s years are enough (complete on %(short_date)s), "
    "otherwise %(years)s years (complete on %(date)s): record the household's minor children."
)
TIME_RESTARTED = gettext_noop(
    "An interruption of %(days)s days (more than %(max_gap)s) before %(start)s ended the earlier stay; "
    "the count starts again on that day."
)
TIME_NOT_COUNTED = gettext_noop(
    "Not counted: %(days)s days with a § 60b Duldung or in gaps of up to %(max_gap)s days between documents."
)
AFTER_DEADLINE = gettext_noop("%(detail)s That is after the last day for the application (%(deadline)s).")

# --- status on the evaluation date -------------------------------------------------------------

SCOPE_STATUS = gettext_noop("The current status is %(status)s; this pathway is for people with a Duldung.")
SCOPE_EXCLUDED = gettext_noop(
    "Current status: %(status)s. This pathway is closed while it lasts; clarifying the identity or showing "
    "that all reasonable steps were taken can open it."
)
SCOPE_104C_TRANSITION = gettext_noop(
    "The person holds a § 104c permit: see the pathway for the transition from § 104c."
)
SCOPE_104C = gettext_noop("The person holds a § 104c permit, which opens this pathway.")
SCOPE_104C_ROUTE = gettext_noop("As holder of a § 104c permit the person can have it extended under this provision.")
SCOPE_TOLERATED = gettext_noop("The current status is %(status)s.")
SCOPE_EXPIRED = gettext_noop("The last document (%(status)s) ended on %(date)s; a renewal is assumed.")
DULDUNG_HELD = gettext_noop("A Duldung has been held since %(start)s; %(months)s months were complete on %(date)s.")
DULDUNG_NOT_YET = gettext_noop(
    "A Duldung has been held since %(start)s; %(months)s months will be complete on %(date)s."
)
DULDUNG_STOPPED = gettext_noop(
    "A Duldung has been held since %(start)s, but time with the current %(status)s does not count "
    "towards the %(months)s months."
)
GESTATTUNG_TRAINING = gettext_noop(
    "The training began on %(date)s during the asylum procedure (Aufenthaltsgestattung) and can be continued."
)
GESTATTUNG_NO_TRAINING = gettext_noop(
    "The person is still in the asylum procedure (Aufenthaltsgestattung): this Duldung applies once the "
    "procedure has ended, or to training begun during it."
)
GESTATTUNG_TRAINING_UNKNOWN = gettext_noop(
    "The person is in the asylum procedure; the start of the training is not recorded."
)

# --- age -------------------------------------------------------------------------------------------

NO_BIRTH_DATE = gettext_noop("The date of birth is not recorded.")
AGE_OK = gettext_noop("The application can be made until the day before turning %(age)s: %(date)s.")
AGE_OVER = gettext_noop("The application had to be made before turning %(age)s (last day: %(date)s).")
AGE_TOO_YOUNG = gettext_noop("The permit can be granted from the age of %(age)s, i.e. from %(date)s.")

# --- school, language, livelihood ------------------------------------------------------------------

SCHOOL_QUALIFICATION = gettext_noop("A German school or vocational qualification is recorded.")
SCHOOL_YEARS_MET = gettext_noop("%(years)s years of school in Germany (required: %(required)s).")
SCHOOL_NOT_YET = gettext_noop(
    "%(years)s years of school in Germany so far (required: %(required)s); if school attendance continues "
    "successfully, they will be complete around %(date)s."
)
SCHOOL_NOT_MET = gettext_noop(
    "%(years)s years of school in Germany (required: %(required)s), no German qualification and no "
    "current school attendance are recorded."
)
SCHOOL_UNKNOWN = gettext_noop(
    "Not known how many years the person attended school in Germany or whether a German qualification exists."
)
LANGUAGE_MET = gettext_noop("Spoken German at level %(level)s (required: %(required)s).")
LANGUAGE_NOT_MET = gettext_noop("Spoken German at level %(level)s; required: %(required)s.")
LANGUAGE_UNKNOWN = gettext_noop("The level of spoken German is not recorded (required: %(required)s).")
LIVELIHOOD_SCHOOL = gettext_noop(
    "The person is in school or training: public benefits do not stand in the way during that time."
)
LIVELIHOOD_MET = gettext_noop("%(share)s %% of the livelihood is secured by own income (required: %(required)s %%).")
LIVELIHOOD_NOT_MET = gettext_noop("%(share)s %% of the livelihood is secured by own income; required: %(required)s %%.")
LIVELIHOOD_UNKNOWN = gettext_noop("Not known which share of the livelihood is secured by own income.")
LIVELIHOOD_UNKNOWN_SCHOOL = gettext_noop(
    "%(share)s %% of the livelihood is secured (required: %(required)s %%); not known whether the person is "
    "in school or training, which would be enough."
)

# --- yes/no facts (the criminal-record answer is given at check time and never stored) ------------

FLAG_TEXTS: dict[str, dict[bool | None, str]] = {
    "fdgo_commitment": {
        True: gettext_noop("A commitment to the free democratic basic order (fdGO) has been made."),
        False: gettext_noop("No commitment to the free democratic basic order (fdGO) has been made yet."),
        None: gettext_noop("Not known whether a commitment to the free democratic basic order has been made."),
    },
    "knowledge_of_legal_order": {
        True: gettext_noop("Basic knowledge of the legal and social order is proven."),
        False: gettext_noop("Basic knowledge of the legal and social order is not proven yet."),
        None: gettext_noop("Not known whether basic knowledge of the legal and social order is proven."),
    },
    "school_age_children_attend_school": {
        True: gettext_noop("The school-age children attend school."),
        False: gettext_noop("Not all school-age children attend school."),
        None: gettext_noop("Not known whether the school-age children attend school."),
    },
    "convictions_above_threshold": {
        False: gettext_noop("Answered for this check (not saved): no conviction above the threshold."),
        True: gettext_noop("Answered for this check (not saved): a conviction above the threshold."),
        None: gettext_noop("The question about convictions has not been answered for this check."),
    },
    "measures_to_end_stay": {
        False: gettext_noop("No concrete measures to end the stay have been initiated."),
        True: gettext_noop("Concrete measures to end the stay have been initiated."),
        None: gettext_noop("Not known whether concrete measures to end the stay have been initiated."),
    },
    "safe_country_rejected": {
        False: gettext_noop("No rejected or withdrawn asylum application as a national of a safe country of origin."),
        True: gettext_noop("Asylum application as a national of a safe country of origin rejected or withdrawn."),
        None: gettext_noop("Not known whether an asylum application from a safe country of origin was rejected."),
    },
    "training_qualified": {
        True: gettext_noop("A qualified vocational training (or qualifying assistant training) is recorded."),
        False: gettext_noop("The training is not a qualified vocational training."),
        None: gettext_noop("No qualified training place is recorded."),
    },
}
NEEDS_EXAMINATION = gettext_noop("The foreigners' authority has to examine what follows from this.")
NO_MINOR_CHILDREN = gettext_noop("No minor children in the household.")

# --- entry, identity, employment, training -----------------------------------------------------------

NO_ENTRY_DATE = gettext_noop("The date of entry into Germany is not recorded.")
ENTRY_MET = gettext_noop("Entered Germany on %(date)s (required: by %(limit)s).")
ENTRY_NOT_MET = gettext_noop("Entered Germany on %(date)s; this pathway requires entry by %(limit)s.")
IDENTITY_IN_TIME = gettext_noop("Identity clarified on %(date)s (deadline: %(deadline)s).")
IDENTITY_STEPS_IN_TIME = gettext_noop(
    "All reasonable steps to clarify the identity were taken on %(date)s (deadline: %(deadline)s)."
)
IDENTITY_UNKNOWN = gettext_noop(
    "Not recorded when the identity was clarified or all reasonable steps were taken (deadline: %(deadline)s)."
)
IDENTITY_LATE = gettext_noop(
    "Identity clarified on %(clarified)s and steps taken on %(steps)s, both after the deadline of %(deadline)s."
)
IDENTITY_LATE_STEPS_UNKNOWN = gettext_noop(
    "Identity clarified on %(date)s, after the deadline of %(deadline)s; the deadline counts as kept if all "
    "reasonable steps were taken by then: record when they were taken."
)
IDENTITY_NO_BAND = gettext_noop("No identity deadline applies to an entry on %(date)s.")
IDENTITY_EMPLOYMENT_UNKNOWN = gettext_noop(
    "The identity deadline depends on whether the person was employed on %(date)s, which is not recorded."
)
IDENTITY_CLARIFIED = gettext_noop("Identity clarified on %(date)s.")
IDENTITY_STEPS = gettext_noop("All reasonable steps to clarify the identity were taken on %(date)s.")
IDENTITY_NOT_RECORDED = gettext_noop(
    "Not recorded that the identity has been clarified or that all reasonable steps were taken."
)
EMPLOYMENT_UNKNOWN = gettext_noop("No employment is recorded.")
EMPLOYMENT_MET = gettext_noop(
    "Employed subject to social insurance with at least %(hours)s hours a week since %(start)s: "
    "%(months)s months were complete on %(date)s."
)
EMPLOYMENT_NOT_YET = gettext_noop(
    "Employed subject to social insurance with at least %(hours)s hours a week since %(start)s: "
    "%(months)s months will be complete on %(date)s if the employment continues."
)
EMPLOYMENT_NONE = gettext_noop(
    "No current employment subject to social insurance with at least %(hours)s hours a week is recorded."
)
EMPLOYMENT_INCOMPLETE = gettext_noop(
    "The recorded employment lacks the weekly hours or whether it is subject to social insurance."
)
TRAINING_START_UNKNOWN = gettext_noop("The start of the training is not recorded.")
TRAINING_WINDOW_OPEN = gettext_noop("The training starts on %(start)s; the Duldung can be granted now.")
TRAINING_WINDOW_NOT_YET = gettext_noop(
    "The training starts on %(start)s; the Duldung can be granted from %(date)s (%(months)s months before)."
)

# --- § 104c permit and the routes to § 25a / § 25b ---------------------------------------------------

PERMIT_HELD = gettext_noop("Holds a § 104c permit valid until %(date)s.")
PERMIT_HELD_END_ASSUMED = gettext_noop(
    "Holds a § 104c permit since %(start)s; its end is not recorded, %(months)s months give %(date)s."
)
PERMIT_NOT_HELD = gettext_noop("The record shows no § 104c permit valid on this date.")
ROUTE_MET = gettext_noop("The conditions of %(route)s are met.")
ROUTE_NOT_YET = gettext_noop(
    "The conditions of %(route)s will be met on %(date)s, before the permit ends on %(deadline)s."
)
ROUTE_UNKNOWN = gettext_noop("Facts are missing to tell whether the conditions of %(routes)s can be met in time.")
ROUTE_NOT_MET = gettext_noop(
    "The conditions of %(routes)s are not all met, and waiting alone will not meet them before the permit "
    "ends on %(deadline)s."
)
ROUTE_NOT_APPLICABLE = gettext_noop("Only relevant for holders of a § 104c permit.")
ROUTES_OR = gettext_noop("%(first)s or %(second)s")

DISCRETIONARY = gettext_noop("The foreigners' authority assesses this itself (discretion or overall assessment).")
