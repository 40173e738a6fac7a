"""Test helpers for email: a real local SMTP server (aiosmtpd) as a pytest fixture, `smtp_server`.

Loaded for every test by the root conftest (`pytest_plugins`).

    def test_sends(smtp_server, django_capture_on_commit_callbacks, practitioner_user):
        with django_capture_on_commit_callbacks(execute=True):
            notify(to=[practitioner_user], subject="Hello", template="myapp/email/hello", context={},
                   kind="myapp.hello")
        [message] = smtp_server.wait_for(1)
        assert message["Subject"] == "Hello"

The fixture points Django's email settings at the server for the one test (SMTP backend, 127.0.0.1 and a
free port) and gives back a `LocalSMTPServer`: `.messages` (parsed `email.message.EmailMessage`s, in the
order they arrived), `.envelopes` (who the server was asked to deliver each one to), `wait_for(count,
timeout)` and `fail_next(count)` to make the server answer the next messages with a temporary error.
`unused_port()` gives a port nobody listens on, for a refused connection.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    rcpt_tos: tuple[str, ...]


class _Handler:
    def __init__(self, server: LocalSMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        return self.server._received(envelope)


class LocalSMTPServer:
    """A real SMTP server on 127.0.0.1 in a background thread, keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.port = 0
        self._failures_left = 0
        self._failure_reply = ""
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> None:
        for _ in range(5):  # a free port can be taken between finding it and binding it; try again
            port = unused_port()
            controller = Controller(_Handler(self), hostname="127.0.0.1", port=port, ready_timeout=30)
            try:
                controller.start()
            except (OSError, RuntimeError):
                continue
            self._controller, self.port = controller, port
            return
        raise RuntimeError("Could not start the local SMTP server.")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def fail_next(self, count: int = 1, reply: str = "451 4.3.0 Try again later (test)") -> None:
        """Answer the next `count` messages with `reply` (a temporary failure by default)."""
        with self._arrived:
            self._failures_left, self._failure_reply = count, reply

    def _received(self, envelope: Any) -> str:
        with self._arrived:
            if self._failures_left > 0:
                self._failures_left -= 1
                return self._failure_reply
            content = envelope.original_content or envelope.content
            message = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self.envelopes.append(Envelope(envelope.mail_from, tuple(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """Wait until at least `count` messages have arrived; returns them all. Fails the test on timeout."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"Expected {count} email(s) within {timeout}s; {len(self.messages)} arrived.")
                self._arrived.wait(left)
            return list(self.messages)


def unused_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[LocalSMTPServer]:
    """A real local SMTP server for one test, with Django's email settings pointed at it."""
    server = LocalSMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 30  # generous: a busy CI machine is slow, not broken
    try:
        yield server
    finally:
        server.stop()
