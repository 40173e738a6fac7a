"""Notification pages: a user's own emails, and for administrators the delivery status of all of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from caseload.notifications import selectors, services
from caseload.notifications.presenters import present_filters, present_rows

PER_PAGE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own emails, newest first."""
    page = Paginator(selectors.for_user(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": "Your emails",
        "page": page,
        "rows": present_rows(list(page.object_list)),
        "is_admin": request.scope.is_admin,
    }
    return render(request, "notifications/list.html", context)


@login_required
def notification_all(request: HttpRequest) -> HttpResponse:
    """Administrators: every email and how its delivery went, filtered by status and kind."""
    request.scope.require(request.scope.is_admin, "Only administrators can see every email.")
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    rows = selectors.delivery_status(status=status, kind=kind)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_title": "Email delivery",
        "page": page,
        "rows": present_rows(list(page.object_list)),
        "filters": present_filters(selectors.status_counts(), status),
        "kinds": selectors.kinds(),
        "status": status,
        "kind": kind,
        "query": {k: v for k, v in (("status", status), ("kind", kind)) if v},
    }
    return render(request, "notifications/all.html", context)


@require_POST
@login_required
def notification_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Administrators: try a failed (or waiting) email again now."""
    request.scope.require(request.scope.is_admin, "Only administrators can retry emails.")
    notification = get_object_or_404(selectors.delivery_status(), pk=pk)
    try:
        services.retry_now(notification, actor=request.user)
    except services.NotRetryable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{notification.subject}” to {notification.email} is being sent again.")
    return redirect("notifications:all")
