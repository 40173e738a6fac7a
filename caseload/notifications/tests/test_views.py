"""The notification pages and the sweep command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from caseload.core.tests.factories import UserFactory
from caseload.notifications.models import Notification, NotificationStatus
from caseload.notifications.presenters import present_filters, present_rows
from caseload.notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_own_emails_newest_first(client, practitioner_user, outsider):
    NotificationFactory(user=practitioner_user, subject="Older one")
    NotificationFactory(user=practitioner_user, subject="Newer one", status=NotificationStatus.SENT)
    NotificationFactory(user=outsider, subject="Not for Pat")
    client.force_login(practitioner_user)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Newer one") < page.index("Older one")
    assert "Not for Pat" not in page
    assert "govuk-tag--green" in page
    assert "Email delivery for everyone" not in page


def test_list_is_paginated_and_has_an_empty_state(client, practitioner_user):
    client.force_login(practitioner_user)
    assert (
        "No emails have been sent to you yet." in client.get(reverse("notifications:list")).content.decode()
    )
    NotificationFactory.create_batch(26, user=practitioner_user)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count('<tr class="govuk-table__row">') == 26  # header + 25
    second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    assert second.count('<tr class="govuk-table__row">') == 2


def test_delivery_status_filters_by_status_and_kind(client, admin_user):
    NotificationFactory(subject="Failed allocation", status=NotificationStatus.FAILED, kind="allocation.new",
                        last_error="SMTPDataError: 550")  # fmt: skip
    NotificationFactory(subject="Sent allocation", status=NotificationStatus.SENT, kind="allocation.new")
    NotificationFactory(subject="Failed wellbeing", status=NotificationStatus.FAILED, kind="wellbeing.alert")
    client.force_login(admin_user)
    page = client.get(
        reverse("notifications:all"), {"status": "failed", "kind": "allocation.new"}
    ).content.decode()
    assert "Failed allocation" in page and "SMTPDataError: 550" in page
    assert "Sent allocation" not in page and "Failed wellbeing" not in page
    assert "Retry now" in page
    everything = client.get(reverse("notifications:all"), {"status": "nonsense"}).content.decode()
    assert all(s in everything for s in ("Failed allocation", "Sent allocation", "Failed wellbeing"))
    none = client.get(reverse("notifications:all"), {"kind": "nothing.like.this"}).content.decode()
    assert "No emails match the filter." in none


def test_retry_now_sends_a_failed_email(client, admin_user, django_capture_on_commit_callbacks):
    row = NotificationFactory(status=NotificationStatus.FAILED, attempts=5, last_error="refused")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", args=[row.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:all")
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and len(mail.outbox) == 1
    # A sent one cannot be retried: a message, no second email.
    response = client.post(reverse("notifications:retry", args=[row.pk]), follow=True)
    assert "it cannot be retried" in response.content.decode() and len(mail.outbox) == 1


def test_retry_is_for_administrators_only(client, team_manager):
    row = NotificationFactory(status=NotificationStatus.FAILED)
    client.force_login(team_manager)
    assert client.post(reverse("notifications:retry", args=[row.pk])).status_code == 403
    assert client.get(reverse("notifications:retry", args=[row.pk])).status_code == 405
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED


def test_presenters_give_ready_values():
    user = UserFactory.build(first_name="Pat", last_name="P", email="")
    row = Notification(
        pk=7, user=user, email="", subject="S", kind="k", status=NotificationStatus.FAILED, attempts=2,
        last_error="no address", created_at=dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    [shown] = present_rows([row])
    assert (shown.recipient, shown.status, shown.colour, shown.attempts) == ("Pat P", "Failed", "red", "2")
    assert shown.created_at == "16 Mar 2026 09:00" and shown.sent_at == "–"
    assert shown.can_retry is False  # no address to send to
    filters = present_filters({"failed": 3}, "failed")
    assert [(f.value, f.count, f.selected) for f in filters if f.value in ("failed", "sent")] == [
        ("sent", 0, False),
        ("failed", 3, True),
    ]


def test_send_notifications_command_sends_due_retries(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    due = NotificationFactory(status=NotificationStatus.RETRYING, attempts=1,
                              next_attempt_at=dt.datetime(2026, 3, 16, 8, 59, tzinfo=dt.UTC))  # fmt: skip
    later = NotificationFactory(status=NotificationStatus.RETRYING, attempts=1,
                                next_attempt_at=dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.UTC))  # fmt: skip
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().strip() == "Notifications: 1 sent."
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (NotificationStatus.SENT, NotificationStatus.RETRYING)
    assert [m.to for m in mail.outbox] == [[due.email]]
