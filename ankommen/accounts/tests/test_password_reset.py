"""Password reset by e-mail: in the recipient's language, audited, silent about unknown addresses."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ankommen.accounts.tests.conftest import audit_entries, password_login
from ankommen.network.models import Membership

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "a brand new passphrase 2026"


def _link(body: str) -> str:
    match = re.search(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def test_unknown_and_known_addresses_get_the_same_answer(member: Membership) -> None:
    known = Client().post(RESET, {"email": member.user.email})
    unknown = Client().post(RESET, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.user.email]
    page = Client().get(known["Location"]).content.decode()
    assert "Falls ein Konto" in page  # "If an account exists …"
    [entry] = audit_entries("account.password_reset_requested")
    assert entry.target_id == str(member.user.pk)
    assert entry.actor_label == "fr…@example.org"


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("de", "ankommen: neues Passwort wählen", "Hallo Frieda Test,"),
        ("en", "ankommen: choose a new password", "Hello Frieda Test,"),
    ],
)
def test_email_is_in_the_recipients_language(member: Membership, language: str, subject: str, greeting: str) -> None:
    member.user.preferred_language = language
    member.user.save(update_fields=["preferred_language"])
    Client(HTTP_ACCEPT_LANGUAGE="de" if language == "en" else "en").post(RESET, {"email": member.user.email.upper()})
    [message] = mail.outbox
    assert message.subject == subject
    assert message.body.startswith(greeting)
    assert "60" in message.body  # minutes the link is valid


def test_link_sets_a_new_password_once(member: Membership) -> None:
    Client().post(RESET, {"email": member.user.email})
    link = _link(mail.outbox[0].body)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    assert audit_entries("account.password_reset_done")
    # Not logged in by the link: the second factor is still needed at the next login.
    assert "_auth_user_id" not in client.session
    assert password_login(Client(), member.user.email, NEW_PASSWORD)["Location"].startswith(
        reverse("accounts:two_factor")
    )
    # The link is used up.
    assert not Client().get(link, follow=True).context["validlink"]


def test_weak_new_passwords_are_refused(member: Membership) -> None:
    Client().post(RESET, {"email": member.user.email})
    client = Client()
    set_password_url = client.get(_link(mail.outbox[0].body), follow=True).redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert not audit_entries("account.password_reset_done")


def test_reset_lifts_a_lockout_of_the_account(member: Membership) -> None:
    attacker = Client()
    for _ in range(5):
        password_login(attacker, member.user.email, "guessing wrong 1")
    assert password_login(Client(), member.user.email, "still guessing 2").status_code == 429
    Client().post(RESET, {"email": member.user.email})
    client = Client()
    set_password_url = client.get(_link(mail.outbox[0].body), follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert password_login(Client(), member.user.email, NEW_PASSWORD).status_code == 302


def test_inactive_accounts_get_no_email(member: Membership) -> None:
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    response = Client().post(RESET, {"email": member.user.email})
    assert response.status_code == 302
    assert mail.outbox == []


def test_invalid_link_shows_a_way_forward(db: None) -> None:
    response = Client().get(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"}))
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert RESET in response.content.decode()


def test_login_page_links_to_password_reset(db: None) -> None:
    assert RESET in Client().get(reverse("accounts:login")).content.decode()
