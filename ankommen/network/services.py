"""State changes of the network app: organisations, invitations, roles and accounts.

Each function takes the acting membership first, checks the object rule it needs
(``rules.py``), runs in one transaction with its audit entry and refuses with a
``NetworkError`` whose message is translated and meant for the user. Audit data holds
ids, never names or e-mail addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled

from ankommen.accounts.models import User
from ankommen.accounts.two_factor import BACKUP_DEVICE_NAME
from ankommen.audit.services import log_action
from ankommen.network.middleware import SESSION_MEMBERSHIP_KEY
from ankommen.network.models import Invitation, InvitationState, Membership, Organisation
from ankommen.network.roles import OrganisationType, Role, role_fits_organisation
from ankommen.network.rules import check_rule
from ankommen.network.tokens import hash_token, new_token


class NetworkError(ValidationError):
    """A change the network app refuses. Its messages are translated and shown to the user;
    errors about one form field are given as ``{field: message}``."""


STALE_VERSION = _(
    "Someone else changed this organisation in the meantime. Your changes were not saved. "
    "Reload the page to see the current data, then make your change again."
)
INVALID_INVITATION = _(
    "This invitation link cannot be used. It may have expired, have been used already or have been "
    "withdrawn. Please ask the person who invited you for a new invitation."
)
LAST_COORDINATOR = _("The network would be left without an active coordinator. Appoint another coordinator first.")


def _field_error(field: str, message: Any, code: str, **params: Any) -> NetworkError:
    return NetworkError({field: ValidationError(message, code=code, params=params or None)})


def _require_rule(actor: Membership, rule: str, obj: Any) -> None:
    if not check_rule(rule, actor, obj):
        raise PermissionDenied


def _locked_organisation(actor: Membership, organisation: Organisation) -> Organisation:
    """The organisation, row-locked, if it is in the actor's network; anything else is refused."""
    current = Organisation.objects.select_for_update().filter(pk=organisation.pk, network=actor.network_id).first()
    if current is None:
        raise PermissionDenied
    return current


def _subject(user: User | int) -> str:
    return f"user:{user if isinstance(user, int) else user.pk}"


def _ensure_coordinator_remains(
    network_id: int,
    *,
    without_membership: int | None = None,
    without_user: int | None = None,
    without_organisation: int | None = None,
) -> None:
    """Refuse a change that would remove the network's last usable coordinator membership."""
    coordinators = Membership.objects.filter(
        network=network_id,
        role=Role.COORDINATOR,
        is_active=True,
        organisation__is_active=True,
        user__is_active=True,
    )
    remaining = coordinators
    if without_membership is not None:
        remaining = remaining.exclude(pk=without_membership)
    if without_user is not None:
        remaining = remaining.exclude(user=without_user)
    if without_organisation is not None:
        remaining = remaining.exclude(organisation=without_organisation)
    if not remaining.exists() and coordinators.exists():
        raise NetworkError(LAST_COORDINATOR, code="last_coordinator")


# --- organisations --------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationData:
    """The editable fields of an organisation (the form's cleaned data)."""

    name: str
    type: str
    short_name: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    contact_person: str = ""
    joined_on: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _validate_organisation_data(actor: Membership, data: OrganisationData, *, exclude_pk: int | None = None) -> None:
    if not data.name.strip():
        raise _field_error("name", _("Please enter a name."), "required")
    if data.type not in OrganisationType.values:
        raise _field_error("type", _("Please choose a type."), "invalid_type")
    duplicates = Organisation.objects.filter(network=actor.network_id, name__iexact=data.name.strip())
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise _field_error("name", _("An organisation with this name already belongs to the network."), "duplicate")


def create_organisation(actor: Membership, data: OrganisationData) -> Organisation:
    if not actor.has_perm("network.manage_organisations"):
        raise PermissionDenied
    with transaction.atomic():
        _validate_organisation_data(actor, data)
        values = data.as_dict() | {"name": data.name.strip()}
        organisation = Organisation.objects.create(network=actor.network, **values)
        log_action(
            actor,
            "organisation.created",
            organisation,
            data={"organisation": organisation.pk, "type": organisation.type},
        )
    return organisation


def update_organisation(
    actor: Membership, organisation: Organisation, data: OrganisationData, *, version: int
) -> Organisation:
    """Save the edit form. ``version`` is the version the form showed: if someone else saved
    in between, the change is refused instead of silently overwriting theirs."""
    with transaction.atomic():
        current = _locked_organisation(actor, organisation)
        _require_rule(actor, "network.change_organisation", current)
        if current.version != version:
            raise NetworkError(STALE_VERSION, code="stale")
        values = data.as_dict() | {"name": data.name.strip()}
        changed = [name for name, value in values.items() if getattr(current, name) != value]
        if not changed:
            return current
        _validate_organisation_data(actor, data, exclude_pk=current.pk)
        if "type" in changed:
            _ensure_roles_fit_type(current, data.type)
        for name in changed:
            setattr(current, name, values[name])
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        log_action(
            actor,
            "organisation.updated",
            current,
            data={"organisation": current.pk, "fields": changed, "version": current.version},
        )
    return current


def _ensure_roles_fit_type(organisation: Organisation, new_type: str) -> None:
    held = set(Membership.objects.filter(organisation=organisation, is_active=True).values_list("role", flat=True))
    held |= set(
        Invitation.objects.filter(
            organisation=organisation, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
        ).values_list("role", flat=True)
    )
    misfits = [Role(role).label for role in sorted(held) if not role_fits_organisation(role, new_type)]
    if misfits:
        raise _field_error(
            "type",
            _(
                "Members of this organisation hold (or are invited to) roles that an organisation of this "
                "type cannot have: %(roles)s. Revoke those roles first."
            ),
            "roles_do_not_fit",
            roles=format_lazy(", ".join(["{}"] * len(misfits)), *misfits),
        )


def deactivate_organisation(actor: Membership, organisation: Organisation) -> Organisation:
    """Take an organisation out of the network. Its members lose access at their next request
    (the middleware ignores memberships of inactive organisations); open invitations are withdrawn.
    Memberships themselves are kept, so reactivating restores them."""
    with transaction.atomic():
        current = _locked_organisation(actor, organisation)
        _require_rule(actor, "network.change_organisation", current)
        if not current.is_active:
            return current
        _ensure_coordinator_remains(actor.network_id, without_organisation=current.pk)
        now = timezone.now()
        withdrawn = Invitation.objects.filter(organisation=current, accepted_at=None, revoked_at=None).update(
            revoked_at=now
        )
        members = Membership.objects.filter(organisation=current, is_active=True).count()
        current.is_active = False
        current.version += 1
        current.save(update_fields=["is_active", "version", "updated_at"])
        log_action(
            actor,
            "organisation.deactivated",
            current,
            data={
                "organisation": current.pk,
                "memberships_without_access": members,
                "invitations_withdrawn": withdrawn,
            },
        )
    return current


def reactivate_organisation(actor: Membership, organisation: Organisation) -> Organisation:
    with transaction.atomic():
        current = _locked_organisation(actor, organisation)
        _require_rule(actor, "network.change_organisation", current)
        if current.is_active:
            return current
        current.is_active = True
        current.version += 1
        current.save(update_fields=["is_active", "version", "updated_at"])
        log_action(actor, "organisation.reactivated", current, data={"organisation": current.pk})
    return current


# --- invitations ----------------------------------------------------------------------


def _check_role_for(organisation: Organisation, role: str) -> None:
    if role not in Role.values:
        raise _field_error("role", _("Please choose a role."), "invalid_role")
    if not organisation.is_active:
        raise _field_error("organisation", _("This organisation is deactivated."), "inactive_organisation")
    if not role_fits_organisation(role, organisation.type):
        raise _field_error(
            "role",
            _("The role “%(role)s” cannot be held in an organisation of the type “%(type)s”."),
            "role_does_not_fit",
            role=Role(role).label,
            type=OrganisationType(organisation.type).label,
        )


def invite_user(actor: Membership, *, organisation: Organisation, email: str, role: str, language: str) -> Invitation:
    """Invite someone by e-mail to take ``role`` in ``organisation``. The e-mail (in ``language``)
    carries a one-time link; only the hash of its token is stored. It is sent once the
    transaction has committed."""
    if not actor.has_perm("network.manage_members") or organisation.network_id != actor.network_id:
        raise PermissionDenied
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise _field_error("email", _("Please enter an e-mail address."), "required")
    if language not in dict(settings.LANGUAGES):
        raise _field_error("language", _("Please choose a language."), "invalid_language")
    _check_role_for(organisation, role)
    now = timezone.now()
    with transaction.atomic():
        if Membership.objects.filter(
            organisation=organisation, role=role, is_active=True, user__email__iexact=email
        ).exists():
            raise _field_error(
                "email", _("This person already holds this role in this organisation."), "already_member"
            )
        if Invitation.objects.filter(
            organisation=organisation, role=role, email=email, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).exists():
            raise _field_error(
                "email",
                _("This person has already been invited to this role. Withdraw the open invitation to send a new one."),
                "already_invited",
            )
        token = new_token()
        invitation = Invitation.objects.create(
            network=actor.network,
            organisation=organisation,
            email=email,
            role=role,
            language=language,
            token_hash=hash_token(token),
            invited_by=actor.user,
            expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
        )
        log_action(
            actor,
            "invitation.created",
            invitation,
            data={
                "invitation": invitation.pk,
                "organisation": organisation.pk,
                "role": role,
                "language": language,
                "expires_at": invitation.expires_at.isoformat(),
            },
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, token))
    return invitation


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("network:accept_invitation", kwargs={"token": token})


def send_invitation_email(invitation: Invitation, token: str) -> None:
    """The invitation e-mail, rendered in the language chosen for the invitee."""
    context = {
        "invitation": invitation,
        "network": invitation.network,
        "organisation": invitation.organisation,
        "role": Role(invitation.role).label,
        "inviter": invitation.invited_by,
        "url": invitation_url(token),
        "expires_at": invitation.expires_at,
        "days": settings.INVITATION_DAYS,
    }
    with translation.override(invitation.language):
        subject = render_to_string("network/email/invitation_subject.txt", context).strip()
        body = render_to_string("network/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def revoke_invitation(actor: Membership, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        current = Invitation.objects.select_for_update().filter(pk=invitation.pk, network=actor.network_id).first()
        if current is None:
            raise PermissionDenied
        _require_rule(actor, "network.manage_invitation", current)
        if current.accepted_at is not None:
            raise NetworkError(
                _("This invitation has already been accepted. Revoke the role instead."), code="already_accepted"
            )
        if current.revoked_at is not None:
            return current
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        log_action(actor, "invitation.revoked", current, data={"invitation": current.pk})
    return current


def account_exists_for(invitation: Invitation) -> bool:
    """Whether the invitee already has an account (then no name or password is asked for)."""
    return User.objects.filter(email__iexact=invitation.email).exists()


def accept_invitation(token: str, *, full_name: str = "", password: str = "") -> Membership:
    """Redeem a one-time invitation link. Creates the account (name and password are needed
    only then) or attaches the role to the existing account with that e-mail address, and
    creates the membership. The link cannot be used twice."""
    now = timezone.now()
    with transaction.atomic():
        with scopes_disabled():
            invitation = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("network", "organisation")
                .filter(token_hash=hash_token(token))
                .first()
            )
        if (
            invitation is None
            or invitation.state_at(now) != InvitationState.PENDING
            or not invitation.organisation.is_active
        ):
            raise NetworkError(INVALID_INVITATION, code="invalid_invitation")
        with scope(network=invitation.network_id):
            user = User.objects.filter(email__iexact=invitation.email).first()
            new_account = user is None
            if user is None:
                user = _new_account(invitation, full_name=full_name, password=password)
            elif not user.is_active:
                raise NetworkError(
                    _("Your account has been deactivated. Please contact the coordination of your network."),
                    code="inactive_account",
                )
            membership = Membership.objects.filter(
                user=user, organisation=invitation.organisation, role=invitation.role, is_active=True
            ).first()
            if membership is None:
                membership = Membership.objects.create(
                    network=invitation.network, organisation=invitation.organisation, user=user, role=invitation.role
                )
            invitation.accepted_at = now
            invitation.save(update_fields=["accepted_at"])
            log_action(
                user,
                "invitation.accepted",
                invitation,
                network=invitation.network,
                organisation=invitation.organisation,
                subject=_subject(user),
                data={
                    "invitation": invitation.pk,
                    "membership": membership.pk,
                    "user": user.pk,
                    "role": invitation.role,
                    "new_account": new_account,
                },
            )
    return membership


def _new_account(invitation: Invitation, *, full_name: str, password: str) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise _field_error("full_name", _("Please enter your full name."), "required")
    candidate = User(email=invitation.email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise NetworkError({"password": exc.error_list}) from exc
    return User.objects.create_user(
        invitation.email, password, full_name=full_name, preferred_language=invitation.language
    )


# --- roles ----------------------------------------------------------------------------


def assign_role(actor: Membership, user: User, *, organisation: Organisation, role: str) -> Membership:
    """Give an existing user of the network one more role."""
    _require_rule(actor, "network.manage_user", user)
    if organisation.network_id != actor.network_id:
        raise PermissionDenied
    _check_role_for(organisation, role)
    if not user.is_active:
        raise NetworkError(_("This account is deactivated. Reactivate it first."), code="inactive_account")
    with transaction.atomic():
        if Membership.objects.filter(user=user, organisation=organisation, role=role, is_active=True).exists():
            raise _field_error("role", _("This person already holds this role in this organisation."), "duplicate")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    network=actor.network, organisation=organisation, user=user, role=role
                )
        except IntegrityError:
            raise _field_error(
                "role", _("This person already holds this role in this organisation."), "duplicate"
            ) from None
        log_action(
            actor,
            "membership.created",
            membership,
            subject=_subject(user),
            data={"membership": membership.pk, "user": user.pk, "organisation": organisation.pk, "role": role},
        )
    return membership


def revoke_role(actor: Membership, membership: Membership) -> Membership:
    """End a membership. The holder loses that role at their next request."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(pk=membership.pk, network=actor.network_id).first()
        if current is None:
            raise PermissionDenied
        _require_rule(actor, "network.manage_membership", current)
        if not current.is_active:
            return current
        if current.role == Role.COORDINATOR:
            _ensure_coordinator_remains(actor.network_id, without_membership=current.pk)
        current.is_active = False
        current.revoked_at = timezone.now()
        current.save(update_fields=["is_active", "revoked_at"])
        log_action(
            actor,
            "membership.revoked",
            current,
            subject=_subject(current.user_id),
            data={
                "membership": current.pk,
                "user": current.user_id,
                "organisation": current.organisation_id,
                "role": current.role,
            },
        )
    return current


# --- accounts -------------------------------------------------------------------------


def deactivate_user(actor: Membership, user: User) -> User:
    """Lock an account: it cannot log in any more and its open sessions end now."""
    _require_rule(actor, "network.manage_user", user)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if not current.is_active:
            return current
        with scopes_disabled():
            elsewhere = Membership.objects.filter(user=current, is_active=True).exclude(network=actor.network_id)
            if elsewhere.exists():
                raise NetworkError(
                    _(
                        "This account also works in another network and cannot be deactivated from here. "
                        "Revoke its roles in this network instead."
                    ),
                    code="other_network",
                )
        _ensure_coordinator_remains(actor.network_id, without_user=current.pk)
        current.is_active = False
        current.save(update_fields=["is_active"])
        ended = end_sessions_of(current)
        log_action(
            actor,
            "user.deactivated",
            current,
            network=actor.network,
            subject=_subject(current),
            data={"user": current.pk, "sessions_ended": ended},
        )
    return current


def reactivate_user(actor: Membership, user: User) -> User:
    _require_rule(actor, "network.manage_user", user)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if current.is_active:
            return current
        current.is_active = True
        current.save(update_fields=["is_active"])
        log_action(
            actor,
            "user.reactivated",
            current,
            network=actor.network,
            subject=_subject(current),
            data={"user": current.pk},
        )
    return current


def reset_second_factor(actor: Membership, user: User) -> str:
    """For a lost phone: remove the account's authenticator and backup codes, end its sessions,
    and return one single-use reset code for the coordinator to hand over in person.

    The code signs in once in place of the second factor and leads straight to setting up a new
    authenticator, so a stolen password alone can still not enrol a device.
    """
    _require_rule(actor, "network.manage_user", user)
    if user.pk == actor.user_id:
        raise NetworkError(_("You cannot reset your own second factor. Ask another coordinator."), code="own_account")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        with scopes_disabled():
            elsewhere = Membership.objects.filter(user=current, is_active=True).exclude(network=actor.network_id)
            if elsewhere.exists():
                raise NetworkError(
                    _(
                        "This account also works in another network; its second factor can only be reset "
                        "by the platform administrator."
                    ),
                    code="other_network",
                )
        TOTPDevice.objects.filter(user=current).delete()
        StaticDevice.objects.filter(user=current).delete()
        device = StaticDevice.objects.create(user=current, name=BACKUP_DEVICE_NAME, confirmed=True)
        code = StaticToken.random_token()
        StaticToken.objects.create(device=device, token=code)
        ended = end_sessions_of(current)
        log_action(
            actor,
            "user.second_factor_reset",
            current,
            network=actor.network,
            subject=_subject(current),
            data={"user": current.pk, "sessions_ended": ended},
        )
    return code


def end_sessions_of(user: User) -> int:
    """Delete the user's stored sessions (database-backed session engines); returns how many.

    Even without this, an inactive user's session ends at the next request, because the
    authentication backend refuses inactive users.
    """
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session.session_key).delete()
            ended += 1
    return ended


def log_user_viewed(actor: Membership, user: User) -> None:
    """Reading a colleague's account data is a read of personal data: it is logged."""
    _require_rule(actor, "network.view_user", user)
    log_action(actor, "user.viewed", user, network=actor.network, subject=_subject(user), data={"user": user.pk})


def switch_membership(membership: Membership, session: SessionBase) -> None:
    """Make ``membership`` the active one for this session (a user with several roles)."""
    if session.get(SESSION_KEY) != str(membership.user_id) or not membership.is_active:
        raise PermissionDenied
    with transaction.atomic():
        log_action(membership, "membership.switched", membership, data={"membership": membership.pk})
    session[SESSION_MEMBERSHIP_KEY] = membership.pk
