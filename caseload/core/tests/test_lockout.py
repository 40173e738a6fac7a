"""Sign-in throttling with django-axes: five wrong passwords for one username from one address lock out."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from caseload.core.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def axes_on(settings):
    """Throttling is off in the test settings (the test client's login() has no request); on here."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.SUPPORT_CONTACT = "the Caseload service desk"
    settings.SUPPORT_EMAIL = "caseload-help@example.org"


def _sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("core:sign-in"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_four_wrong_passwords_still_show_the_form(client):
    UserFactory(username="sam")
    for _ in range(4):
        response = _sign_in(client, "sam", "wrong")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()


def test_the_fifth_wrong_password_locks_out_with_a_clear_page(client, frozen_now):
    UserFactory(username="sam")
    for _ in range(4):
        _sign_in(client, "sam", "wrong")
    response = _sign_in(client, "sam", "wrong")

    assert response.status_code == 429
    page = response.content.decode()
    assert "You cannot sign in at the moment" in page
    # Frozen at 10:00 London time; 15 minutes' cool-off.
    assert "You can try again after <strong>10:15am</strong>" in page
    assert "the Caseload service desk" in page
    assert "mailto:caseload-help@example.org" in page
    assert reverse("core:password-reset") in page
    assert AccessAttempt.objects.get(username="sam").failures_since_start == 5


def test_the_right_password_is_refused_while_locked_out(client):
    UserFactory(username="sam")
    for _ in range(5):
        _sign_in(client, "sam", "wrong")
    response = _sign_in(client, "sam", TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client):
    UserFactory(username="sam")
    UserFactory(username="kim")
    for _ in range(5):
        _sign_in(client, "sam", "wrong", ip="10.0.0.1")

    other_address = _sign_in(client, "sam", TEST_PASSWORD, ip="10.0.0.2")
    assert other_address.status_code == 302
    client.logout()
    other_user = _sign_in(client, "kim", TEST_PASSWORD, ip="10.0.0.1")
    assert other_user.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    UserFactory(username="sam")
    for _ in range(5):
        _sign_in(client, "sam", "wrong")
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 14, tzinfo=dt.UTC), tick=False)
    assert _sign_in(client, "sam", TEST_PASSWORD).status_code == 429

    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.UTC), tick=False)
    assert _sign_in(client, "sam", TEST_PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client):
    UserFactory(username="sam")
    for _ in range(4):
        _sign_in(client, "sam", "wrong")
    assert _sign_in(client, "sam", TEST_PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        response = _sign_in(client, "sam", "wrong")
    assert response.status_code == 200  # four more failures do not reach the limit of five
    assert _sign_in(client, "sam", TEST_PASSWORD).status_code == 302


def test_axes_reset_unlocks_a_username(client):
    UserFactory(username="sam")
    for _ in range(5):
        _sign_in(client, "sam", "wrong")
    call_command("axes_reset_username", "sam")
    assert _sign_in(client, "sam", TEST_PASSWORD).status_code == 302


def test_the_client_address_behind_trusted_proxies(rf, settings):
    from caseload.core.auth import client_ip

    request = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.1.1.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.9.9.9"
    settings.TRUSTED_PROXY_COUNT = 2  # the outer proxy appended the client, the inner one the outer proxy
    assert client_ip(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 5  # fewer entries than proxies: not trustworthy
    assert client_ip(request) == "10.9.9.9"
