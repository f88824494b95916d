"""Records of processing activities (Art. 30 GDPR) of the platform, as data.

This module is the source of truth: the screen ``audit:processing`` renders it, and a
test checks that every activity fills every field. An app that starts a new kind of
processing adds or updates its entry here in the same change (and moves its status
from planned to in operation when it ships).

The platform is run for several controllers (city offices, welfare organisations,
chambers, ...; DOMAIN §4.1). Each controller adopts the activities it takes part in
into its own record; the operator keeps the processor's record (Art. 30(2)).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

IN_OPERATION = "in_operation"
PLANNED = "planned"
STATUS_LABELS = {IN_OPERATION: _("in operation"), PLANNED: _("planned")}


@dataclass(frozen=True)
class ProcessingActivity:
    key: str
    name: Promise
    purpose: Promise
    legal_basis: Promise
    data_subjects: tuple[Promise, ...]
    data_categories: tuple[Promise, ...]
    recipients: tuple[Promise, ...]
    retention: Promise
    measures: tuple[Promise, ...]
    app: str  # the ankommen app responsible for it
    status: str = PLANNED

    @property
    def status_label(self) -> Promise:
        return STATUS_LABELS[self.status]


# Measures every activity shares; each entry lists only what it adds.
COMMON_MEASURES: tuple[Promise, ...] = (
    _("Hosting in Germany; encrypted connections only (HTTPS with HSTS); strict content security policy."),
    _("Separation of networks in the database layer: a query that forgets the network fails instead of leaking."),
    _("Access by role and organisation only, denied unless granted; checked for every page by an automated test."),
    _("Personal login with password and mandatory second factor; lockout after repeated failed logins."),
    _("Every change and every read of personal data is written to the tamper-evident audit log."),
)

PROCESSING_ACTIVITIES: tuple[ProcessingActivity, ...] = (
    ProcessingActivity(
        key="accounts",
        name=_("Staff accounts and login security"),
        purpose=_(
            "Give staff of the partner organisations personal access in their role, keep out unauthorised "
            "persons and attribute every action to a person."
        ),
        legal_basis=_(
            "Art. 6(1)(c) and (e) GDPR with Art. 32 GDPR (security of processing); for each partner's own "
            "staff the employee-data rules that apply to it (BDSG, DSG NRW, KDG or DSG-EKD)."
        ),
        data_subjects=(_("Staff of the partner organisations"), _("Volunteers with a login")),
        data_categories=(
            _("Name, work e-mail address, organisation, role, preferred language"),
            _("Password hash and second-factor secrets (never readable)"),
            _("Login times, failed login attempts with client address, sessions"),
        ),
        recipients=(
            _("Network coordination (who holds which role)"),
            _("Platform operator as processor (Art. 28 GDPR), for operation only"),
        ),
        retention=_(
            "While the role is held. Deactivated accounts stay as long as audit entries refer to them and are "
            "then anonymised. Lockout counters expire after the lockout period; sessions after 30 minutes "
            "without activity."
        ),
        measures=(
            _("Passwords hashed with Argon2; minimum length 12; common passwords refused."),
            _("Fresh re-authentication before exports, erasure and role changes."),
        ),
        app="accounts",
        status=IN_OPERATION,
    ),
    ProcessingActivity(
        key="audit",
        name=_("Audit log"),
        purpose=_(
            "Show who created, changed, deleted or read which personal data, so that misuse is detected, "
            "data subjects can be told who accessed their data and controllers can demonstrate compliance."
        ),
        legal_basis=_("Art. 6(1)(c) GDPR with Art. 5(2), 24 and 32 GDPR (accountability, security of processing)."),
        data_subjects=(
            _("Staff who use the platform"),
            _("Data subjects whose records were read or changed (by reference number only)"),
        ),
        data_categories=(
            _("Acting user, organisation, action, affected record and person reference, time, client address"),
            _("Changed values, with names, contact data, dates of birth and free text masked"),
        ),
        recipients=(
            _("The data-protection officer of the network"),
            _("Platform administrator: the result of the integrity check only"),
        ),
        retention=_(
            "Two years (DOMAIN §4.6: access logs 1–2 years), then archived as whole chain sections with "
            "their last hash and removed from the platform. Until that archiving is built, entries are kept."
        ),
        measures=(
            _("Append-only: the application and database triggers refuse changes and deletions."),
            _("Entries are hash-chained per network; the integrity check names the first altered entry."),
            _("Searches and exports of the audit log are themselves logged; exports need re-authentication."),
        ),
        app="audit",
        status=IN_OPERATION,
    ),
    ProcessingActivity(
        key="participants",
        name=_("Participant records"),
        purpose=_(
            "Keep the master data of the people supported by the network, as the basis of case management, "
            "offers and referrals, without duplicates across organisations."
        ),
        legal_basis=_(
            "Consent, Art. 6(1)(a) and 9(2)(a) GDPR, for non-public bodies; for public bodies Art. 6(1)(e) "
            "GDPR with the national law of the task (for social data §§ 67 ff. SGB X)."
        ),
        data_subjects=(
            _("Refugees and newly arrived people"),
            _("Members of their household, including children"),
        ),
        data_categories=(
            _("Names and spelling variants, date of birth (possibly estimated), sex, nationality, languages"),
            _("Contact data and accommodation"),
            _("Residence status history, language level, schooling, qualifications, work"),
            _("Health or disability only where a plan needs it (special category, Art. 9 GDPR)"),
        ),
        recipients=(
            _("Case managers of the organisation that owns the record"),
            _("Other organisations only through a consent-based share package"),
        ),
        retention=_(
            "Reviewed at case closure and deleted three years after closure, unless the person consents to "
            "longer or a statutory period applies (e.g. SGB II files 10 years, AsylbLG 6 years)."
        ),
        measures=(
            _("Separation by organisation; records reach other organisations only through consent."),
            _("Field-level protection for health and identity-document data."),
            _("Duplicate checks stay within the owning organisation; the network-wide scan reports counts only."),
            _("Every view, search, change and merge of a record is written to the audit log."),
        ),
        app="participants",
        status=IN_OPERATION,
    ),
    ProcessingActivity(
        key="cases",
        name=_("Case management and consents"),
        purpose=_(
            "Run the case management of the municipal integration management (intake, assessment, plan, "
            "linking, monitoring, closure) and keep proof of consents and their withdrawal."
        ),
        legal_basis=_(
            "Consent, Art. 6(1)(a) and 9(2)(a) GDPR, written or electronic (§ 67b(2) SGB X for social data); "
            "proof of consent Art. 7(1) GDPR."
        ),
        data_subjects=(_("People in case management"), _("Members of their household")),
        data_categories=(
            _("Needs and resources per life domain, goals, measures, deadlines"),
            _("Counselling notes"),
            _("Consents: text and language version shown, recipients, purpose, date, withdrawal"),
        ),
        recipients=(
            _("Case managers, team leads and read-only case assistants of the owning organisation"),
            _("Partners named in a consent, for its purpose and period only"),
        ),
        retention=_(
            "Case content three years after closure; consent and withdrawal proofs as long as the data they "
            "cover plus the limitation period."
        ),
        measures=(
            _("Withdrawing consent is as easy as giving it and stops every sharing at once."),
            _("No access to case content for coordination, police, data-protection officer or administrator."),
            _("Observed system barriers are stored without any link to the case or the person."),
        ),
        app="cases",
        status=IN_OPERATION,
    ),
    ProcessingActivity(
        key="conferences",
        name=_("Case conferences"),
        purpose=_("Discuss complex cases with several partners and record decisions and action items."),
        legal_basis=_(
            "Pseudonymised by default; a named case conference only with a consent and release from "
            "confidentiality for this conference listing every participating organisation (Art. 6(1)(a), "
            "9(2)(a) GDPR; § 203 StGB)."
        ),
        data_subjects=(_("People whose case is discussed"), _("Staff taking part")),
        data_categories=(
            _("Pseudonymised case summary; names only with conference-specific consent"),
            _("Participants, decisions, action items with owner and due date"),
        ),
        recipients=(_("Participating organisations named in the consent"),),
        retention=_("With the case (three years after closure); anonymised notes on system barriers without limit."),
        measures=(
            _("Access only for the participants of the conference, ending with the conference."),
            _("Pseudonymised case discussion by default."),
        ),
        app="cases",
    ),
    ProcessingActivity(
        key="offers",
        name=_("Offers, enrolment and attendance"),
        purpose=_(
            "Publish offers of the network, enrol participants, manage places and waiting lists and record "
            "attendance as evidence for funders."
        ),
        legal_basis=_(
            "Art. 6(1)(b) GDPR (taking part in an offer) or consent, Art. 6(1)(a) GDPR; public providers "
            "Art. 6(1)(e) GDPR."
        ),
        data_subjects=(_("Participants of offers"), _("Staff and volunteers of offer providers")),
        data_categories=(
            _("First name or pseudonym, enrolment status, place on the waiting list"),
            _("Attendance per session"),
        ),
        recipients=(_("The provider of the offer: the attendance list of its own offer only"),),
        retention=_(
            "Attendance lists are deleted at the end of the offer cycle after the figures for funders have "
            "been aggregated."
        ),
        measures=(
            _("Providers see first names or pseudonyms of their own offer only."),
            _("Reports leave the platform as aggregates only."),
        ),
        app="offers",
    ),
    ProcessingActivity(
        key="referrals",
        name=_("Referrals to partners"),
        purpose=_(
            "Refer a person to a partner (chamber, employment agency, foreigners' authority, ...) with the "
            "information the partner needs for this referral."
        ),
        legal_basis=_(
            "Consent for the specific referral, Art. 6(1)(a) GDPR (§ 67b SGB X for social data); transfers "
            "of social data only under §§ 67d ff. SGB X; purpose binding at the recipient (§ 78 SGB X)."
        ),
        data_subjects=(_("People referred"),),
        data_categories=(
            _(
                "Referral package: name, contact, language level, school and vocational background, interests, "
                "availability, work permitted yes/no"
            ),
            _("Never: residence history details, type of Duldung, health, counselling notes"),
        ),
        recipients=(_("The receiving organisation named in the consent"),),
        retention=_(
            "The recipient's access ends when the package expires, the referral is closed or consent is "
            "withdrawn; the referral itself is kept with the case."
        ),
        measures=(
            _("A fixed list of fields per package, an expiry date and withdrawal at any time."),
            _("Every opening of a package is logged."),
        ),
        app="referrals",
    ),
    ProcessingActivity(
        key="pathways",
        name=_("Right-to-stay checks"),
        purpose=_(
            "Check with the person whether the criteria of a right to stay are met (§§ 25a, 25b, 60c, 60d "
            "Residence Act) and what is still missing."
        ),
        legal_basis=_(
            "Consent, Art. 6(1)(a) GDPR. Questions about criminal convictions (Art. 10 GDPR) are answered "
            "during the check only and are not stored."
        ),
        data_subjects=(_("People in case management"),),
        data_categories=(
            _("Residence status history, periods of stay, schooling, employment, language certificates"),
            _("Yes/no answers on conviction thresholds, processed in memory only, never stored"),
        ),
        recipients=(_("The case manager; the foreigners' authority only through a consent-based share package"),),
        retention=_("The result is kept with the case; answers on convictions are not stored at all."),
        measures=(
            _("The rules engine works without storing the answers on convictions."),
            _("Each result records the version of the legal rules it was computed with."),
        ),
        app="pathways",
    ),
    ProcessingActivity(
        key="gaps",
        name=_("Gap analysis (aggregates only)"),
        purpose=_("Find gaps in the offers of the network and system barriers, prioritise them and follow them up."),
        legal_basis=_(
            "Only anonymised data and aggregates, which are not personal data (Recital 26 GDPR); the "
            "anonymisation is compatible further processing of the case data (Art. 6(4) GDPR)."
        ),
        data_subjects=(_("None identifiable (aggregates over people in case management and offers)"),),
        data_categories=(
            _("Counts by field, group and residence status, small numbers suppressed (fewer than 5)"),
            _("Anonymised problem reports without free text from cases"),
        ),
        recipients=(_("Network coordination and steering groups"), _("Funders and the Land, as aggregates")),
        retention=_("Without limit, as the data is anonymised."),
        measures=(_("Small-cell suppression before any figure is shown or exported."),),
        app="gaps",
    ),
    ProcessingActivity(
        key="grants",
        name=_("Funding programme"),
        purpose=_(
            "Handle applications, decisions, payments and proof of use for funded measures (e.g. KOMM-AN) "
            "of the network's organisations and initiatives."
        ),
        legal_basis=_(
            "Art. 6(1)(c) and (e) GDPR with budget and funding law (§ 44 LHO NRW, ANBest, the funding decision)."
        ),
        data_subjects=(
            _("Contact persons of applicant organisations"),
            _("Volunteers and trainers (counts, hours, fee contracts)"),
        ),
        data_categories=(
            _("Contact data, bank details, amounts, dates of measures"),
            _("Proof of use: reports, participant and volunteer counts, receipts"),
        ),
        recipients=(
            _("The municipality that forwards the funds"),
            _("The funding authority (Bezirksregierung) with the proof of use"),
        ),
        retention=_(
            "As required by the funding decision and ANBest (often 5 to 10 years), kept separate from case content."
        ),
        measures=(
            _("Finance records separate from case content."),
            _("No participant names unless the funder explicitly requires a signature list."),
        ),
        app="grants",
    ),
)


def missing_fields(activity: ProcessingActivity) -> list[str]:
    """Names of fields left empty (a record of processing must state every one)."""
    missing = []
    for field in fields(activity):
        value = getattr(activity, field.name)
        if isinstance(value, tuple):
            if not value or any(not str(item).strip() for item in value):
                missing.append(field.name)
        elif not str(value).strip():
            missing.append(field.name)
    return missing
