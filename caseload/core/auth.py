"""Sign-in throttling hooks for django-axes: the lock-out page and the client address it counts by.

Settings (caseload/config/settings/base.py, docs/security.md): five wrong passwords for one username from
one address lock that pair out for AXES_COOLOFF_MINUTES after the last attempt; a correct password resets
the count. `manage.py axes_reset_username <username>` unlocks someone early."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caseload.core.presenters import present_lockout


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page shown instead of signing in while a username and address are locked out (status 429)."""
    attempted_at = getattr(request, "axes_attempt_time", None) or timezone.now()
    lockout = present_lockout(
        username=get_client_username(request, credentials) or "",
        attempted_at=attempted_at,
        cool_off=get_cool_off(request),
        contact=settings.SUPPORT_CONTACT,
        email=settings.SUPPORT_EMAIL,
    )
    context = {"page_title": "You cannot sign in at the moment", "lockout": lockout}
    return render(request, "core/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in attempt came from. Behind TRUSTED_PROXY_COUNT trusted reverse proxies, each of
    which appends the address it received from to X-Forwarded-For, the client is that many entries from the
    right; entries further left were written by the client and cannot be trusted."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
