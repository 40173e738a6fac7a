from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from caseload.core.navigation import navigation_for


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the service name, whether demo mode is on, and the service navigation."""
    return {
        "site_name": settings.SITE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "navigation": SimpleLazyObject(lambda: navigation_for(request)),
    }
