from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy

from caseload.core import audit, selectors
from caseload.core.forms import AuditFilterForm
from caseload.core.models import AuditEntry
from caseload.core.presenters import present_audit_entry, present_audit_rows, present_pagination

AUDIT_PER_PAGE = 50


class SignInView(auth_views.LoginView):
    """Sign in with a username and password. In demo mode the page lists a demo user for each role."""

    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = "Error: Sign in" if context["form"].errors else "Sign in"
        context["demo_users"] = _demo_users() if settings.DEMO_MODE else []
        context["sso_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


def _demo_users() -> list[dict[str, str]]:
    try:
        from caseload.nonprod.demo import DEMO_PASSWORD, DEMO_USERS
    except ImportError:  # the demo app is not installed in production
        return []
    return [
        {
            "username": u.username,
            "role": u.role_label,
            "description": u.description,
            "password": DEMO_PASSWORD,
        }
        for u in DEMO_USERS
    ]


class SignOutView(auth_views.LogoutView):
    next_page = "core:sign-in"


# -- password reset by email (Django's views; the messages never say whether an account exists) ----------


class _Titled:
    """Puts `page_title` in the context, with "Error: " in front when the form has errors."""

    title = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        form = context.get("form")
        errors = form.errors if form is not None else {}
        context["page_title"] = f"Error: {self.title}" if errors else self.title
        context["error_list"] = [
            {"text": str(message), "href": f"#id_{name}"}
            for name, messages in errors.items()
            for message in messages
        ]
        context["support_contact"] = settings.SUPPORT_CONTACT
        return context


class PasswordResetView(_Titled, auth_views.PasswordResetView):
    title = "Reset your password"
    template_name = "core/password_reset.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("core:password-reset-sent")
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordResetSentView(_Titled, auth_views.PasswordResetDoneView):
    title = "Check your email"
    template_name = "core/password_reset_sent.html"


class PasswordResetConfirmView(_Titled, auth_views.PasswordResetConfirmView):
    title = "Choose a new password"
    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("core:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            audit.record(AuditEntry.Action.UPDATE, user, actor=user, note="Password reset by email")
        axes_reset(username=user.username)  # a new password also lifts a sign-in lock-out
        return response


class PasswordResetDoneView(_Titled, auth_views.PasswordResetCompleteView):
    title = "Your password has been changed"
    template_name = "core/password_reset_done.html"


# -- the audit log (administrators only) ------------------------------------------------------------------


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Every recorded change, newest first, filtered by record, person, action and dates."""
    request.scope.require(request.scope.is_admin, "Only administrators can see the audit log.")  # type: ignore[attr-defined]
    form = AuditFilterForm(request.GET or None, object_types=selectors.audit_object_types())
    page = Paginator(selectors.audit_entries(**form.filters()), AUDIT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page_title": "Error: Audit log" if form.errors else "Audit log",
        "form": form,
        "filtered": bool(query),
        "rows": present_audit_rows(list(page.object_list)),
        "pagination": present_pagination(page, request.path, query),
    }
    return render(request, "core/audit_list.html", context)


@login_required
def audit_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One change: who, when, what, and each changed field before and after."""
    request.scope.require(request.scope.is_admin, "Only administrators can see the audit log.")  # type: ignore[attr-defined]
    entry = present_audit_entry(get_object_or_404(selectors.audit_entries(), pk=pk))
    return render(request, "core/audit_entry.html", {"page_title": entry.title, "entry": entry})
