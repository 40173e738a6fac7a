"""Test helpers for email: a real local SMTP server (aiosmtpd) as a pytest fixture, `smtp_server`.

Loaded for every test by the root conftest (`pytest_plugins`)."""
