"""The service navigation: the areas of the product the signed-in user may use, in order.

Each entry names a URL and who may see it; an entry whose URL does not exist (an app not installed) is
left out. The allocation entry carries a count badge of unallocated cases in the user's scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from caseload.core.scope import Scope


@dataclass(frozen=True)
class NavEntry:
    text: str
    url_name: str
    allowed: Callable[[Scope], bool]
    badge: Callable[[Scope], int] | None = None


def _unallocated_count(scope: Scope) -> int:
    from caseload.allocations.selectors import unallocated_count

    return unallocated_count(scope)


ENTRIES = [
    NavEntry("Workload", "dashboards:home", lambda s: s.sees_units),
    NavEntry("My workload", "organisations:my-workload", lambda s: s.practitioner_id is not None),
    NavEntry("Allocation", "allocations:register", lambda s: s.can_edit, badge=_unallocated_count),
    NavEntry("Well-being", "wellbeing:home", lambda s: s.signed_in),
    # Line managers keep supervision for their people; everyone else who sees units gets counts per team.
    NavEntry("Supervision", "supervision:team", lambda s: s.can_edit and not s.is_admin),
    NavEntry(
        "Supervision", "supervision:overview", lambda s: s.sees_units and (s.is_admin or not s.can_edit)
    ),
    NavEntry("Reports", "reports:home", lambda s: s.sees_units),
    NavEntry("Imports", "imports:list", lambda s: s.is_admin),
    NavEntry("Audit log", "core:audit", lambda s: s.is_admin),
    NavEntry("Administration", "admin:index", lambda s: s.is_admin),
    NavEntry("Notifications", "notifications:list", lambda s: s.signed_in),
]


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    """Service-navigation items for GOV.UK Frontend's macro, the current area marked active."""
    scope: Scope | None = getattr(request, "scope", None)
    if scope is None or not scope.signed_in:
        return []
    items = []
    for entry in ENTRIES:
        if not entry.allowed(scope):
            continue
        try:
            href = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        item: dict[str, Any] = {"href": href, "text": entry.text}
        if entry.badge is not None:
            try:
                count = entry.badge(scope)
            except ImportError:
                count = 0
            if count:
                item = {
                    "href": href,
                    "html": mark_safe(  # noqa: S308 - the text is ours and the count an integer
                        f'{escape(entry.text)} <strong class="govuk-tag govuk-tag--red caseload-nav-badge">'
                        f'{count:,}<span class="govuk-visually-hidden"> waiting</span></strong>'
                    ),
                }
        path = request.path
        if (href != "/" and path.startswith(href)) or path == href:
            item["active"] = True
        items.append(item)
    return items
