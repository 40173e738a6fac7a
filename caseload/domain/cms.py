"""Case-management support (CMS): a contact by someone other than the case holder moves points to the doer.

Source: WMT §2.4 (each CMS contact: +points to the practitioner who performed it, −points to the case holder,
effective from the contact date for 7 days; unknown contact codes weigh 0), seeds/003 (window cut from 30 to 7
days in 2022).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from decimal import Decimal

from caseload.domain.results import KIND_CMS, BreakdownItem
from caseload.domain.rounding import two_dp
from caseload.domain.scheme import Scheme
from caseload.domain.values import CmsContactInput

ZERO_POINTS = Decimal("0.00")


def contact_in_window(scheme: Scheme, contact: CmsContactInput, on: date) -> bool:
    """A contact counts from its date for `cms.window_days` days: contact_date <= on < contact_date + window.

    Source: WMT §2.4 (adjustments effective from the contact date to contact date + 7 days, created when
    "contact_date + 7 days is after today").
    """
    return contact.contact_date <= on < contact.contact_date + timedelta(days=scheme.cms.window_days)


def cms_items(
    scheme: Scheme, contacts: Iterable[CmsContactInput], on: date, practitioner_ids: Collection[str]
) -> dict[str, list[BreakdownItem]]:
    """Breakdown lines per practitioner id: +points for the doer, −points for the holder.

    Only contacts in the window and by someone other than the holder count; only practitioners in the batch
    get lines (WMT: "only owners present in the current batch get rows"). A contact type the scheme does not
    list weighs 0 and both lines say so.
    """
    items: dict[str, list[BreakdownItem]] = defaultdict(list)
    ordered = sorted(
        contacts,
        key=lambda c: (c.contact_date, c.case_reference, c.contact_type, c.performed_by, c.case_holder),
    )
    # Each contact type and date's points and words, worked out once (a batch holds thousands of contacts
    # of a few types on a few days).
    worded: dict[tuple[str, date], tuple[Decimal, str, str, str]] = {}
    label = scheme.label
    for contact in ordered:
        if contact.performed_by == contact.case_holder or not contact_in_window(scheme, contact, on):
            continue
        key = (contact.contact_type, contact.contact_date)
        words = worded.get(key)
        if words is None:
            words = worded[key] = _worded(scheme, *key)
        points, what, plus, minus = words
        if contact.performed_by in practitioner_ids:
            rule = f"{what}, done for {contact.case_holder}: {plus} ({label})"
            items[contact.performed_by].append(BreakdownItem(KIND_CMS, contact.case_reference, points, rule))
        if contact.case_holder in practitioner_ids:
            rule = f"{what}, done by {contact.performed_by}: {minus} ({label})"
            items[contact.case_holder].append(BreakdownItem(KIND_CMS, contact.case_reference, -points, rule))
    return items


def _worded(scheme: Scheme, code: str, when: date) -> tuple[Decimal, str, str, str]:
    """A contact type's points on a date and the words of its lines: what it was, then what it earns the
    doer and costs the holder."""
    contact_type = scheme.contact_types_by_code.get(code)
    if contact_type is None:
        worth = "not in the scheme, 0 points"
        return ZERO_POINTS, f"CMS contact type {code!r} on {when.isoformat()}", worth, worth
    points = two_dp(contact_type.points)
    what = f"CMS {contact_type.code} {contact_type.name} on {when.isoformat()}"
    return points, what, f"+{points}", f"-{points}"
