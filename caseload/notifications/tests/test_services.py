"""notify() and delivery, through a real local SMTP server (the `smtp_server` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_tasks.backends.dummy import DummyBackend

from caseload.core.models import AuditEntry
from caseload.core.tests.factories import UserFactory
from caseload.notifications import services
from caseload.notifications.models import Notification, NotificationStatus
from caseload.notifications.tasks import send_notification
from caseload.notifications.testing import unused_port

pytestmark = pytest.mark.django_db

MESSAGE = "notifications/email/message"


def send(on_commit, **kwargs):
    defaults = {
        "subject": "A case for you",
        "template": MESSAGE,
        "context": {"paragraphs": ["Case X123 & friends <now> yours."], "link": "/cases/1/"},
        "kind": "test.message",
    }
    with on_commit(execute=True):
        return services.notify(**(defaults | kwargs))


def test_sends_plain_text_and_html_through_smtp(smtp_server, django_capture_on_commit_callbacks, admin_user):
    pat = UserFactory(first_name="Pat", last_name="Smith", email="pat@caseload.example")
    [row] = send(
        django_capture_on_commit_callbacks, to=[pat], actor=admin_user, related=pat, cc=["lead@x.example"]
    )

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "A case for you"
    assert message["To"] == "pat@caseload.example"
    assert message["Cc"] == "lead@x.example"
    assert set(smtp_server.envelopes[0].rcpt_tos) == {"pat@caseload.example", "lead@x.example"}
    text = message.get_body(("plain",)).get_content()
    page = message.get_body(("html",)).get_content()
    assert "Dear Pat Smith," in text
    assert "Case X123 & friends <now> yours." in text  # plain text is not HTML-escaped
    assert "Case X123 &amp; friends &lt;now&gt; yours." in page  # HTML is
    assert "http://localhost:8000/cases/1/" in text and 'href="http://localhost:8000/cases/1/"' in page
    assert "<title>Caseload</title>" in page  # from the shared layout
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 1, "")
    assert row.sent_at is not None and row.related == pat and row.actor == admin_user
    assert message["X-Caseload-Notification"] == str(row.pk)


def test_nothing_is_sent_before_the_transaction_commits(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [row] = services.notify(
            to=["a@x.example"], subject="S", template=MESSAGE, context={"paragraphs": []}, kind="k"
        )
    assert smtp_server.messages == [] and row.status == NotificationStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    smtp_server.wait_for(1)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT


def test_one_row_per_recipient_and_user_without_email_fails_cleanly(
    smtp_server, django_capture_on_commit_callbacks
):
    no_email = UserFactory(first_name="No", last_name="Mail", email="")
    with_email = UserFactory(email="b@x.example")
    rows = send(django_capture_on_commit_callbacks, to=[no_email, with_email, "c@x.example", "C@x.example"])
    assert len(rows) == 3  # the address named twice (in another case) gets one email
    statuses = {r.recipient_key: (r.status, r.last_error) for r in Notification.objects.all()}
    assert statuses[f"user:{no_email.pk}"] == (
        NotificationStatus.FAILED,
        "No Mail has no email address, so nothing was sent.",
    )
    assert statuses["b@x.example"][0] == NotificationStatus.SENT
    assert statuses["c@x.example"][0] == NotificationStatus.SENT
    smtp_server.wait_for(2)
    assert sorted(m["To"] for m in smtp_server.messages) == ["b@x.example", "c@x.example"]


def test_dedupe_key_returns_the_existing_row_and_sends_nothing(
    smtp_server, django_capture_on_commit_callbacks
):
    pat = UserFactory(email="pat@x.example")
    [first] = send(django_capture_on_commit_callbacks, to=[pat], dedupe_key="case-1-allocated")
    smtp_server.wait_for(1)
    again = send(django_capture_on_commit_callbacks, to=[pat, "new@x.example"], dedupe_key="case-1-allocated")
    assert again[0].pk == first.pk
    assert again[1].pk != first.pk
    smtp_server.wait_for(2)
    assert [m["To"] for m in smtp_server.messages] == ["pat@x.example", "new@x.example"]
    assert Notification.objects.filter(dedupe_key="case-1-allocated").count() == 2
    # The same address given as a bare string is the same recipient.
    assert (
        send(django_capture_on_commit_callbacks, to=["PAT@x.example"], dedupe_key="case-1-allocated")[0].pk
        == first.pk
    )
    assert len(smtp_server.messages) == 2


def test_refused_connection_is_retried_with_backoff_then_sent(
    smtp_server, django_capture_on_commit_callbacks, settings, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.EMAIL_PORT = unused_port()  # nothing listens there: connection refused
    settings.NOTIFICATIONS_RETRY_BACKOFF = 60
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])
    row.refresh_from_db()
    assert row.status == NotificationStatus.RETRYING and row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at == dt.datetime(2026, 3, 16, 9, 1, tzinfo=dt.UTC)

    settings.EMAIL_PORT = smtp_server.port
    assert services.send_due() == {}  # not due yet
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 1, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due() == {"sent": 1}
    smtp_server.wait_for(1)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 2, "")


def test_smtp_error_reply_is_retried(smtp_server, django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    smtp_server.fail_next(1)
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])
    row.refresh_from_db()
    assert row.status == NotificationStatus.RETRYING and "SMTPDataError" in row.last_error
    time_machine.shift(dt.timedelta(minutes=5))
    services.send_due()
    smtp_server.wait_for(1)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT


def test_fails_after_the_maximum_attempts(
    smtp_server, django_capture_on_commit_callbacks, settings, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BACKOFF = 60
    settings.EMAIL_PORT = unused_port()
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])
    waits = []
    for _ in range(2):
        row.refresh_from_db()
        assert row.status == NotificationStatus.RETRYING
        waits.append(row.next_attempt_at - dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC))
        time_machine.move_to(row.next_attempt_at, tick=False)
        services.send_due()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (NotificationStatus.FAILED, 3, None)
    assert waits == [dt.timedelta(seconds=60), dt.timedelta(seconds=60 + 120)]  # the backoff doubles
    time_machine.shift(dt.timedelta(days=1))
    assert services.send_due() == {}  # failed rows are left alone
    assert smtp_server.messages == []


def test_retry_is_deferred_on_a_backend_that_can_defer(
    django_capture_on_commit_callbacks, settings, time_machine
):
    """With django_tasks_db (production) the retry is enqueued with run_after; here the dummy backend
    records what was enqueued instead of running it."""
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", unused_port()
    backend = send_notification.get_backend()
    assert isinstance(backend, DummyBackend)
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])
    assert [list(r.args) for r in backend.results] == [[row.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver(row.pk) == NotificationStatus.RETRYING
    retry = backend.results[-1]
    assert list(retry.args) == [row.pk]
    assert retry.task.run_after == dt.datetime(2026, 3, 16, 9, 1, tzinfo=dt.UTC)


def test_deliver_does_not_send_twice(django_capture_on_commit_callbacks):
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])  # test settings: locmem backend
    assert services.deliver(row.pk) == NotificationStatus.SENT
    assert len(mail.outbox) == 1


def test_stale_queued_and_sending_rows_are_swept(django_capture_on_commit_callbacks, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue is lost
        [lost] = services.notify(
            to=["a@x.example"], subject="S", template=MESSAGE, context={"paragraphs": []}, kind="k"
        )
    assert services.send_due() == {}
    time_machine.shift(dt.timedelta(minutes=11))
    assert services.send_due() == {"sent": 1}
    lost.refresh_from_db()
    assert lost.status == NotificationStatus.SENT and len(mail.outbox) == 1


def test_retry_now_gives_a_failed_email_another_attempt(
    smtp_server, django_capture_on_commit_callbacks, settings, admin_user
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    smtp_server.fail_next(1)
    [row] = send(django_capture_on_commit_callbacks, to=["a@x.example"])
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_now(row, actor=admin_user)
    smtp_server.wait_for(1)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 2)
    entry = AuditEntry.objects.get(object_type="notifications.notification", object_id=str(row.pk))
    assert entry.actor == admin_user and entry.before["status"] == "failed"
    with pytest.raises(services.NotRetryable):
        services.retry_now(row, actor=admin_user)
