"""Password reset by email, followed end to end through the emailed link (locmem email backend)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from caseload.core.models import AuditEntry, User
from caseload.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def _without_nonce(page: str) -> str:
    """The page with its per-request Content Security Policy nonce blanked."""
    return re.sub(r'nonce="[^"]+"', 'nonce=""', page)


def _link_from_email(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+)", body)
    assert match, body
    return match.group(1)


def test_the_sign_in_page_links_to_password_reset(client):
    page = client.get(reverse("core:sign-in")).content.decode()
    assert f'href="{reverse("core:password-reset")}"' in page
    assert "Forgotten your password?" in page


def test_reset_by_email_end_to_end(client):
    user = UserFactory(username="sam", first_name="Sam", email="sam@example.org")

    response = client.post(reverse("core:password-reset"), {"email": "SAM@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:password-reset-sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@example.org"]
    assert message.subject == "Reset your Caseload password"
    assert "Hello Sam," in message.body
    assert "&#" not in message.body  # plain text, not HTML-escaped

    link = _link_from_email(message.body)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]  # Django swaps the token for a session marker

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("core:password-reset-done")
    assert "Your password has been changed" in client.get(done["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.note == "Password reset by email"
    assert "password" not in (entry.after or {})

    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "This link has expired" in again


def test_messages_do_not_reveal_whether_an_account_exists(client):
    UserFactory(username="sam", email="sam@example.org")
    known = client.post(reverse("core:password-reset"), {"email": "sam@example.org"}, follow=True)
    unknown = client.post(reverse("core:password-reset"), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert _without_nonce(known.content.decode()) == _without_nonce(unknown.content.decode())
    assert "If the address you entered belongs to a Caseload account" in unknown.content.decode()
    assert len(mail.outbox) == 1


def test_the_new_password_must_pass_the_validators(client):
    user = UserFactory(username="sam", email="sam@example.org")
    client.post(reverse("core:password-reset"), {"email": "sam@example.org"})
    form_page = client.get(_link_from_email(mail.outbox[0].body), follow=True)
    set_password_url = form_page.redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Choose a new password" in page
    assert "This password is too short" in page
    assert 'href="#id_new_password2"' in page  # the error summary links to the field
    user.refresh_from_db()
    assert not user.check_password("short")


def test_an_invalid_email_shows_an_error(client):
    response = client.post(reverse("core:password-reset"), {"email": "not an email"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Reset your password" in page
    assert 'value="not an email"' in page
    assert not mail.outbox


def test_a_new_password_lifts_a_lock_out(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="sam", email="sam@example.org")
    for _ in range(5):
        client.post(reverse("core:sign-in"), {"username": "sam", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="sam").exists()

    client.post(reverse("core:password-reset"), {"email": "sam@example.org"})
    set_password_url = client.get(_link_from_email(mail.outbox[0].body), follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username="sam").exists()
    response = client.post(reverse("core:sign-in"), {"username": "sam", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(username="sam").pk == int(client.session["_auth_user_id"])
