from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from caseload.core.tests.factories import UserFactory
from caseload.notifications.models import Notification, NotificationStatus


class NotificationFactory(DjangoModelFactory):
    """A stored notification (as notify() leaves it, without sending anything)."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "someone@caseload.example")
    recipient_key = factory.LazyAttribute(lambda o: o.email.lower())
    subject = factory.Sequence(lambda n: f"Message {n}")
    body_text = "Hello"
    body_html = "<p>Hello</p>"
    kind = "test.message"
    status = NotificationStatus.QUEUED
