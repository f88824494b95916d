"""Consents: who reaches which page.

The world holds a case of organisation A with a consent for cooperation in force (identity and
languages, with a signed PDF) that names organisation B and the chamber. Staff of A with
``consents.view`` see it (the assistant reads only: 403 on recording and revoking); the case
manager of B, a recipient, sees the consent and its document, and what is shared with B, but
gets 403 where A records or revokes. Everybody else gets 404 for a consent's pages and 403 for
the list: coordinators, the chamber's staff (no ``consents.view``), the police, the DPO, the
platform administrator, other networks.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from ankommen.cases.models import Case, CaseType
from ankommen.consents.models import Consent
from ankommen.participants.models import Participant
from ankommen.testing.matrix import Expect, staff_with
from ankommen.testing.personas import World

GIVEN, FAMILY = "Nasrin", "Konsentmatrixi"
BORN = dt.date(1996, 11, 3)
# A fixed name below MEDIA_ROOT, written once: the matrix world is rebuilt for every test.
DOCUMENT_NAME = "consents/matrix/consent-matrix.pdf"
DOCUMENT = b"%PDF-1.4\n% ankommen permission matrix\n%%EOF\n"


def _consent_records(world: World) -> None:
    org_a = world.organisations["org_a"]
    manager = world.memberships["case_manager_a"].user
    person = Participant.objects.create(
        network=world.network,
        organisation=org_a,
        reference="MS-930001",
        given_name=GIVEN,
        family_name=FAMILY,
        date_of_birth=BORN,
        created_by=manager,
    )
    case_type = CaseType.objects.create(network=world.network, name="Matrix – Zusammenarbeit")
    today = timezone.localdate()
    case = Case.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case_type=case_type,
        lead=manager,
        reference="MS-F000931",
        phase="planning",
        opened_on=today - dt.timedelta(days=20),
        phase_started_on=today,
        consent_recorded=True,
        created_by=manager,
    )
    if not default_storage.exists(DOCUMENT_NAME):
        default_storage.save(DOCUMENT_NAME, ContentFile(DOCUMENT))
    consent = Consent.objects.create(
        network=world.network,
        organisation=org_a,
        participant=person,
        case=case,
        purpose="cooperation",
        data_categories=["identity", "language"],
        language="ar",
        form="written",
        document=DOCUMENT_NAME,
        document_type="application/pdf",
        document_size=len(DOCUMENT),
        given_on=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=90),
        recorded_by=manager,
    )
    consent.recipients.set([world.organisations["org_b"], world.organisations["chamber"]])
    world.extra.update(consent=consent, consent_case=case, consent_person=person)
    world.extra["pii_markers"] += [GIVEN, FAMILY, f"{BORN:%d.%m.%Y}", BORN.isoformat()]


EXTRAS = [_consent_records]

OWNERS = staff_with("case_manager_a", "team_lead_a", "assistant_a")
RECORDERS = staff_with("case_manager_a", "team_lead_a")
RECIPIENT = staff_with("case_manager_b")


def _consent(w: World) -> dict[str, int]:
    return {"consent_id": w.extra["consent"].pk}


def _see(kwargs):  # type: ignore[no-untyped-def]
    """A page of one consent: the owner's readers and the recipient get 200, everyone else 404."""
    return Expect(OWNERS | RECIPIENT, denied=404, outsider=404, kwargs=kwargs)


def _manage(kwargs):  # type: ignore[no-untyped-def]
    """Recording and revoking: the owner's case managers and team lead; the assistant and the
    recipient see the case or consent but may not change it (403); everyone else 404."""
    return Expect(
        RECORDERS, denied=404, outsider=404, overrides={"assistant_a": 403, "case_manager_b": 403}, kwargs=kwargs
    )


MATRIX = {
    "consents:shared": Expect(OWNERS | RECIPIENT),
    "consents:record_for_case": _manage(lambda w: {"case_id": w.extra["consent_case"].pk}),
    "consents:record_for_participant": _manage(lambda w: {"participant_id": w.extra["consent_person"].pk}),
    "consents:detail": _see(_consent),
    "consents:revoke": _manage(_consent),
    "consents:document": _see(_consent),
}
