"""The audit log pages: administrators only, newest first, filters that keep their values, one entry's
changes, and the link to every change of the same object."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from caseload.core.models import AuditEntry
from caseload.core.tests.factories import AuditEntryFactory
from caseload.core.views import AUDIT_PER_PAGE

pytestmark = pytest.mark.django_db


def _entry(at: dt.datetime, **kwargs) -> AuditEntry:
    entry = AuditEntryFactory(**kwargs)
    AuditEntry.objects.filter(pk=entry.pk).update(at=at)  # `at` is set on creation
    entry.refresh_from_db()
    return entry


@pytest.mark.parametrize(
    "role", ["practitioner_user", "team_manager", "area_manager", "senior_leader", "analyst", "outsider"]
)
def test_only_administrators_may_see_the_audit_log(client, request, role):
    entry = AuditEntryFactory()
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("core:audit")).status_code == 403
    assert client.get(reverse("core:audit-entry", args=[entry.pk])).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("core:audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:sign-in"))


def test_the_list_is_newest_first_and_links_to_each_entry(client, admin_user):
    old = _entry(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), object_repr="Old change", actor=admin_user)
    new = _entry(dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC), object_repr="New change")
    client.force_login(admin_user)

    response = client.get(reverse("core:audit"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("New change") < page.index("Old change")
    assert reverse("core:audit-entry", args=[old.pk]) in page
    assert reverse("core:audit-entry", args=[new.pk]) in page
    assert "Ada Admin (admin)" in page
    assert "System" in page
    assert "<caption" in page and 'scope="col"' in page


def test_filters_narrow_the_list_and_keep_their_values(client, admin_user, team_manager):
    _entry(
        dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC),
        object_type="cases.case",
        object_id="7",
        object_repr="Case seven",
        actor=team_manager,
    )
    _entry(
        dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        object_type="cases.case",
        object_id="8",
        object_repr="Case eight",
        actor=team_manager,
    )
    _entry(
        dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC),
        object_type="organisations.orgunit",
        object_id="7",
        object_repr="A team",
        actor=admin_user,
    )
    client.force_login(admin_user)

    page = client.get(
        reverse("core:audit"), {"object_type": "cases.case", "object_id": "7", "actor": "TEAM-MANAGER"}
    ).content.decode()
    assert "Case seven" in page
    assert "Case eight" not in page and "A team" not in page
    assert '<option value="cases.case" selected>' in page
    assert 'value="7"' in page and 'value="TEAM-MANAGER"' in page
    assert "Clear filters" in page

    by_action = client.get(reverse("core:audit"), {"action": "delete"}).content.decode()
    assert "No changes match these filters" in by_action


def test_the_date_range_includes_both_days_in_local_time(client, admin_user):
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (summer time).
    _entry(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), object_repr="Early April")
    _entry(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), object_repr="Late March")
    _entry(dt.datetime(2026, 4, 2, 22, 0, tzinfo=dt.UTC), object_repr="Late on 2 April")
    client.force_login(admin_user)

    page = client.get(
        reverse("core:audit"), {"date_from": "2026-04-01", "date_to": "2026-04-02"}
    ).content.decode()
    assert "Early April" in page and "Late on 2 April" in page
    assert "Late March" not in page


def test_an_invalid_date_range_shows_an_error_and_keeps_the_values(client, admin_user):
    client.force_login(admin_user)
    response = client.get(
        reverse("core:audit"), {"date_from": "2026-04-02", "date_to": "2026-04-01", "object_id": "9"}
    )
    page = response.content.decode()
    assert "<title>Error: Audit log" in page
    assert "The last date must be the same as or after the first date" in page
    assert 'href="#id_date_to"' in page
    assert 'value="2026-04-01"' in page and 'value="9"' in page


def test_the_list_is_paginated_with_the_filters_kept(client, admin_user):
    for n in range(AUDIT_PER_PAGE + 3):
        _entry(
            dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC) + dt.timedelta(minutes=n),
            object_repr=f"Change {n}",
            object_id="5",
        )
    client.force_login(admin_user)

    first = client.get(reverse("core:audit"), {"object_id": "5"}).content.decode()
    assert "Showing 1 to 50 of 53 changes" in first
    assert "?object_id=5&amp;page=2" in first
    second = client.get(reverse("core:audit"), {"object_id": "5", "page": "2"}).content.decode()
    assert "Showing 51 to 53 of 53 changes" in second
    assert "Change 0<" in second


def test_the_empty_state(client, admin_user):
    client.force_login(admin_user)
    assert "No changes have been recorded yet" in client.get(reverse("core:audit")).content.decode()


def test_an_entry_shows_who_when_what_and_the_changed_fields(client, admin_user):
    entry = _entry(
        dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC),
        actor=admin_user,
        object_type="organisations.orgunit",
        object_id="12",
        object_repr="North Team A (NORTH-A)",
        before={"name": "North Team", "code": "NORTH-A", "closed": False},
        after={"name": "North Team A", "code": "NORTH-A", "closed": True},
        note="Renamed after the restructure",
    )
    client.force_login(admin_user)

    page = client.get(reverse("core:audit-entry", args=[entry.pk])).content.decode()
    assert "Changed: North Team A (NORTH-A)" in page
    assert "Ada Admin (admin)" in page
    assert "16 Mar 2026 10:00:00" in page
    assert "Organisation unit" in page
    assert "Renamed after the restructure" in page
    assert '<th scope="row" class="govuk-table__header">Name</th>' in page
    assert "North Team</td>" in page and "North Team A</td>" in page
    assert '<th scope="row" class="govuk-table__header">Code</th>' not in page  # unchanged
    assert reverse("core:audit") + "?object_type=organisations.orgunit&amp;object_id=12" in page
    assert "All changes to this object" in page


def test_an_unknown_entry_is_not_found(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("core:audit-entry", args=[999999])).status_code == 404
