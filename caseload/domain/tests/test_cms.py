"""CMS: points move from case holder to doer for 7 days, for the scheme's contact types only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from caseload.domain.scoring import score_practitioners
from caseload.domain.tests.helpers import ON, case, legacy, practitioner
from caseload.domain.values import CmsContactInput


def contact(days_ago: int, code: str = "CMS18", doer: str = "p2", holder: str = "p1") -> CmsContactInput:
    return CmsContactInput(code, ON - timedelta(days=days_ago), "X1", doer, holder)


def cms_points(*contacts: CmsContactInput) -> dict[str, Decimal]:
    team = [practitioner(identifier="p1", cases=(case(),)), practitioner(identifier="p2")]
    results = score_practitioners(legacy(), team, contacts, ON)
    return {
        r.practitioner_id: sum((i.points for i in r.items if i.kind == "cms"), Decimal(0)) for r in results
    }


def test_a_contact_moves_its_points_from_holder_to_doer() -> None:
    assert cms_points(contact(0)) == {
        "p1": Decimal(-18),
        "p2": Decimal(18),
    }  # CMS18: home & prison visits, high = 18


def test_the_window_is_seven_days_from_the_contact_date() -> None:
    assert cms_points(contact(6)) == {"p1": -18, "p2": 18}
    assert cms_points(contact(7)) == {"p1": 0, "p2": 0}
    assert cms_points(contact(-1)) == {"p1": 0, "p2": 0}  # dated tomorrow


def test_unlisted_contact_types_weigh_nothing_and_say_so() -> None:
    team = [practitioner(identifier="p1", cases=(case(),)), practitioner(identifier="p2")]
    results = score_practitioners(legacy(), team, [contact(1, code="NGS001")], ON)
    lines = [
        (result.practitioner_id, item.points, item.rule)
        for result in results
        for item in result.items
        if item.kind == "cms"
    ]
    label = "(probation-wmt-legacy v2024-04)"
    assert lines == [
        (
            "p1",
            Decimal(0),
            f"CMS contact type 'NGS001' on 2026-11-22, done by p2: not in the scheme, 0 points {label}",
        ),
        (
            "p2",
            Decimal(0),
            f"CMS contact type 'NGS001' on 2026-11-22, done for p1: not in the scheme, 0 points {label}",
        ),
    ]


def test_own_contacts_and_people_outside_the_batch_get_nothing() -> None:
    assert cms_points(contact(1, doer="p1", holder="p1")) == {"p1": 0, "p2": 0}
    assert cms_points(contact(1, doer="elsewhere")) == {"p1": -18, "p2": 0}


def test_total_is_rounded_after_cms() -> None:
    team = [practitioner(identifier="p1", cases=(case(),)), practitioner(identifier="p2")]
    results = score_practitioners(legacy(), team, [contact(2, "CMS22"), contact(3, "CMS01")], ON)
    assert [r.total_points for r in results] == [Decimal(206 - 5 - 9), Decimal(14)]
    assert results[0].items[-1].rule == (
        "CMS CMS22 Victims services liaison (low) on 2026-11-21, done by p2: -5.00 (probation-wmt-legacy v2024-04)"
    )
