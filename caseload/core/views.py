from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    """Sign in with a username and password. In demo mode the page lists a demo user for each role."""

    template_name = "core/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = "Error: Sign in" if context["form"].errors else "Sign in"
        context["demo_users"] = _demo_users() if settings.DEMO_MODE else []
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
