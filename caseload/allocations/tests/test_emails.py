"""Allocation emails go through a real local SMTP server: plain text and HTML, copies, no sensitive notes,
and the delivery status on the confirmation page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseload.allocations.services import allocate
from caseload.allocations.tests.helpers import choice, loaded_officer, waiting_case
from caseload.notifications.models import Notification


@pytest.fixture
def team(legacy, frozen_now):
    return legacy.team


def _bodies(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_the_practitioner_is_emailed_with_copies_and_the_status_is_shown(
    team, team_manager, client, smtp_server, django_capture_on_commit_callbacks
):
    officer = loaded_officer(team, first_name="Ann", last_name="Ant")
    case = waiting_case(team, name="Jo Bloggs")
    with django_capture_on_commit_callbacks(execute=True):
        decision = allocate(
            case,
            choice(officer, notes="Meet at the office.", copy_to=("spo@caseload.example",)),
            actor=team_manager,
        ).decision
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"Case {case.reference} has been allocated to you"
    assert message["To"] == officer.practitioner.email and message["Cc"] == "spo@caseload.example"
    text, html = _bodies(message)
    assert "has been allocated to you by Tom Manager" in text and "Meet at the office." in text
    assert "<strong>" + case.reference + "</strong>" in html and "Meet at the office." in html
    assert Notification.objects.get(kind="allocations.allocated").status == "sent"
    client.force_login(team_manager)
    page = client.get(reverse("allocations:confirmation", args=[decision.pk])).content.decode()
    assert "Sent" in page


def test_sensitive_notes_are_never_emailed(
    team, team_manager, smtp_server, django_capture_on_commit_callbacks
):
    officer = loaded_officer(team)
    with django_capture_on_commit_callbacks(execute=True):
        allocate(
            waiting_case(team),
            choice(officer, notes="Disclosure details", sensitive=True),
            actor=team_manager,
        )
    [message] = smtp_server.wait_for(1)
    text, html = _bodies(message)
    assert "Disclosure details" not in text and "Disclosure details" not in html
    assert "contain sensitive information, so they are not in this email" in text


def test_a_double_submit_sends_one_email(team, team_manager, smtp_server, django_capture_on_commit_callbacks):
    officer = loaded_officer(team)
    case = waiting_case(team)
    with django_capture_on_commit_callbacks(execute=True):
        allocate(case, choice(officer, token="twice"), actor=team_manager)
        allocate(case, choice(officer, token="twice"), actor=team_manager)
    smtp_server.wait_for(1)
    assert len(smtp_server.messages) == 1
