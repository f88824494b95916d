"""Cooperation agreements: the declaration of intent or cooperation agreement, its partners (role,
day of joining), signatories and document (PDF, PNG or JPEG by content, at most 10 MB, stored under
a random name and served only through the audited download)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ankommen.consents.documents import CheckedDocument, check_document
from ankommen.network.models import Membership, Organisation
from ankommen.steering.choices import AgreementKind, PartnerRole
from ankommen.steering.models import Agreement, AgreementPartner, Signatory
from ankommen.steering.services.common import (
    SteeringError,
    apply_values,
    audit,
    check_version,
    locked,
    network_organisation,
    require,
    save_versioned,
)

AGREEMENT_FIELDS = ("kind", "title", "purpose", "signed_on", "renewal_on")


def _checked(document: Any) -> CheckedDocument | None:
    if not document:
        return None
    try:
        return check_document(document)
    except ValidationError as exc:
        raise SteeringError({"document": exc.messages}) from None


def _validate(values: Mapping[str, Any]) -> None:
    errors: dict[str, Any] = {}
    if values.get("kind") not in AgreementKind.values:
        errors["kind"] = _("Please choose the kind of agreement.")
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Please give the agreement a title.")
    signed_on, renewal_on = values.get("signed_on"), values.get("renewal_on")
    if signed_on and renewal_on and renewal_on <= signed_on:
        errors["renewal_on"] = _("The renewal is due after the signing.")
    if errors:
        raise SteeringError(errors)


def _store(agreement: Agreement, checked: CheckedDocument, document: Any) -> str:
    agreement.document_type = checked.content_type
    agreement.document_size = checked.size
    agreement.document_sha256 = checked.sha256
    agreement.document.save(f"agreement{checked.extension}", document, save=False)
    return str(agreement.document.name)


def create_agreement(actor: Membership, values: Mapping[str, Any], *, document: Any = None) -> Agreement:
    """A new agreement of the actor's network, with its document if one is given."""
    require(actor, "steering.change_agreement", Agreement(network_id=actor.network_id))
    _validate(values)
    checked = _checked(document)
    agreement = Agreement(network_id=actor.network_id, created_by=actor.user)
    apply_values(agreement, values, AGREEMENT_FIELDS)
    stored = ""
    try:
        with transaction.atomic():
            if checked is not None:
                stored = _store(agreement, checked, document)
            agreement.save()
            audit(actor, "steering.agreement_created", agreement, kind=agreement.kind, document=bool(stored))
    except BaseException:
        if stored:
            agreement.document.storage.delete(stored)
        raise
    return agreement


def update_agreement(
    actor: Membership, agreement: Agreement, values: Mapping[str, Any], *, document: Any = None, version: int | None
) -> Agreement:
    """Change the agreement; a new document replaces the old one (which is deleted after commit)."""
    merged = {name: values.get(name, getattr(agreement, name)) for name in AGREEMENT_FIELDS}
    _validate(merged)
    checked = _checked(document)
    stored = ""
    try:
        with transaction.atomic():
            current = locked(actor, Agreement, agreement.pk, "steering.change_agreement")
            check_version(current, version)
            changed = apply_values(current, merged, AGREEMENT_FIELDS)
            old = str(current.document.name) if current.document else ""
            if checked is not None:
                stored = _store(current, checked, document)
                changed += ["document", "document_type", "document_size", "document_sha256"]
            if changed:
                save_versioned(current, changed)
                audit(actor, "steering.agreement_changed", current, fields=changed)
            if checked is not None:
                audit(actor, "steering.agreement_document_stored", current, size=checked.size)
                if old:
                    storage = current.document.storage
                    transaction.on_commit(lambda: storage.delete(old))
    except BaseException:
        if stored:
            agreement.document.storage.delete(stored)
        raise
    return current


def add_partner(
    actor: Membership,
    agreement: Agreement,
    organisation: Organisation,
    *,
    role: str = PartnerRole.PARTNER,
    joined_on: dt.date,
    note: str = "",
) -> AgreementPartner:
    """An organisation joins the agreement in a role, on a day (not before the signing)."""
    if role not in PartnerRole.values:
        raise SteeringError({"role": _("Please choose the partner's role.")})
    with transaction.atomic():
        current = locked(actor, Agreement, agreement.pk, "steering.change_agreement")
        network_organisation(actor, organisation, "organisation")
        if current.partners.filter(organisation=organisation.pk).exists():
            raise SteeringError({"organisation": _("This organisation is already a partner of the agreement.")})
        if current.signed_on is not None and joined_on < current.signed_on:
            raise SteeringError({"joined_on": _("A partner cannot join before the agreement was signed.")})
        partner = AgreementPartner.objects.create(
            network_id=actor.network_id,
            agreement=current,
            organisation=organisation,
            role=role,
            joined_on=joined_on,
            note=note.strip(),
        )
        audit(actor, "steering.partner_added", current, organisation=organisation.pk, role=role, joined_on=joined_on)
    return partner


def remove_partner(actor: Membership, agreement: Agreement, partner: AgreementPartner) -> None:
    with transaction.atomic():
        current = locked(actor, Agreement, agreement.pk, "steering.change_agreement")
        if current.signatories.filter(organisation=partner.organisation_id).exists():
            raise SteeringError(_("Someone signed for this organisation. Remove the signatory first."))
        deleted, _rows = current.partners.filter(pk=partner.pk).delete()
        if not deleted:
            raise SteeringError(_("This organisation is not a partner of the agreement."))
        audit(actor, "steering.partner_removed", current, organisation=partner.organisation_id)


def add_signatory(
    actor: Membership,
    agreement: Agreement,
    *,
    organisation: Organisation,
    name: str,
    function: str = "",
    signed_on: dt.date,
) -> Signatory:
    """A person who signed for one of the partner organisations."""
    if not name.strip():
        raise SteeringError({"name": _("Please give the name of the person who signed.")})
    with transaction.atomic():
        current = locked(actor, Agreement, agreement.pk, "steering.change_agreement")
        if not current.partners.filter(organisation=organisation.pk).exists():
            raise SteeringError({"organisation": _("Signatories sign for a partner of the agreement.")})
        signatory = Signatory.objects.create(
            network_id=actor.network_id,
            agreement=current,
            organisation=organisation,
            name=name.strip(),
            function=function.strip(),
            signed_on=signed_on,
        )
        audit(actor, "steering.signatory_added", current, organisation=organisation.pk, signed_on=signed_on)
    return signatory


def remove_signatory(actor: Membership, agreement: Agreement, signatory: Signatory) -> None:
    with transaction.atomic():
        current = locked(actor, Agreement, agreement.pk, "steering.change_agreement")
        deleted, _rows = current.signatories.filter(pk=signatory.pk).delete()
        if not deleted:
            raise SteeringError(_("This person is not a signatory of the agreement."))
        audit(actor, "steering.signatory_removed", current, organisation=signatory.organisation_id)
