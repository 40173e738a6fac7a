from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the service name and whether demo mode is on."""
    return {"site_name": settings.SITE_NAME, "demo_mode": settings.DEMO_MODE}
