"""The live-updates API: case events, hours, reductions (added, changed, deleted) and the stored workload,
with their errors."""

import datetime as dt
from decimal import Decimal

import pytest

from caseload.cases.services import allocate_case
from caseload.cases.tests.factories import CaseFactory
from caseload.core.models import AuditEntry
from caseload.organisations.models import Reduction
from caseload.organisations.tests.factories import OrgUnitFactory
from caseload.workloads.tests.fixtures import officer, revisions, stored

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def po(legacy, frozen_now):
    return officer(legacy.team)


@pytest.fixture
def case(legacy, po):
    """A community C2 case (63 points) held by the PO."""
    held = CaseFactory(team=legacy.team, level="C2", reference="CRN001")
    allocate_case(held, po.practitioner, actor=None)
    return held


@pytest.fixture
def manager(client, team_manager):
    client.force_login(team_manager)
    return client


def post_event(client, reference, **body):
    return client.post(f"/api/cases/{reference}/events", body, content_type="application/json")


def test_a_level_change_returns_the_recalculated_workload(manager, case, po):
    response = post_event(manager, "CRN001", kind="level_changed", level="A3")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["case"], body["kind"], body["occurred_on"]) == ("CRN001", "level_changed", "2026-03-16")
    assert body["details"] == {"from": "C2", "to": "A3"}
    [workload] = body["workloads"]
    assert (workload["membership_id"], workload["total_points"], workload["available_points"]) == (
        po.pk,
        "206.00",
        "2176.00",
    )
    assert workload["scheme"] == "probation-wmt-legacy 2024-04"
    assert workload["items_by_kind"] == {"case": 1}
    assert workload["case_items"][0]["points"] == "206.00"
    assert "A3" in workload["case_items"][0]["rule"]


def test_a_reallocation_returns_both_holders(manager, legacy, case, po):
    other = officer(legacy.team)
    response = post_event(manager, "CRN001", kind="reallocated", practitioner=other.practitioner.staff_code)

    assert response.status_code == 201, response.content
    figures = {w["membership_id"]: w["total_points"] for w in response.json()["workloads"]}
    assert figures == {po.pk: "0.00", other.pk: "63.00"}


def test_a_support_contact_and_a_report(manager, legacy, case, po):
    helper = officer(legacy.team)
    cms = post_event(
        manager,
        "CRN001",
        kind="cms_contact",
        contact_type="CMS03",
        practitioner=helper.practitioner.staff_code,
    )
    report = post_event(manager, "CRN001", kind="report_completed", report_type="court_standard")

    assert (cms.status_code, report.status_code) == (201, 201)
    assert {w["membership_id"]: w["total_points"] for w in cms.json()["workloads"]} == {
        po.pk: "45.00",
        helper.pk: "18.00",
    }
    assert [w["total_points"] for w in report.json()["workloads"]] == ["183.00"]  # 45 + 138


def test_sign_in_is_required(client, case):
    response = post_event(client, "CRN001", kind="closed")
    assert response.status_code == 401
    assert client.get("/api/memberships/1/workload").status_code == 401


def test_only_administrators_and_team_managers_record_events(client, practitioner_user, case):
    client.force_login(practitioner_user)
    response = post_event(client, "CRN001", kind="closed")
    assert response.status_code == 403
    assert "may not record case events" in response.json()["detail"]


def test_an_unknown_case_is_404(manager, legacy):
    response = post_event(manager, "NOPE", kind="closed")
    assert response.status_code == 404
    assert response.json() == {"detail": "No case with reference NOPE."}


def test_a_reference_in_two_organisations_is_ambiguous(admin_client, legacy, case):
    elsewhere = OrgUnitFactory()
    CaseFactory(team=OrgUnitFactory(kind="team", parent=elsewhere, service="probation"), reference="CRN001")
    assert post_event(admin_client, "CRN001", kind="closed").status_code == 409


def test_a_case_outside_the_callers_scope_does_not_exist_for_them(manager, legacy):
    CaseFactory(team=legacy.other_team, reference="CRN900")
    response = post_event(manager, "CRN900", kind="closed")
    assert response.status_code == 404
    assert response.json() == {"detail": "No case with reference CRN900."}


def test_service_validation_errors_are_422_with_field_messages(manager, case):
    response = post_event(manager, "CRN001", kind="level_changed", level="Z9")
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["level"]
    assert "is not a level of Community" in body["detail"]

    unknown = post_event(manager, "CRN001", kind="reallocated", practitioner="NOBODY")
    assert (unknown.status_code, list(unknown.json()["errors"])) == (422, ["practitioner"])


def test_malformed_bodies_are_422(manager, case):
    assert post_event(manager, "CRN001", kind="levitated").status_code == 422
    assert post_event(manager, "CRN001", kind="level_changed").status_code == 422  # no level
    assert post_event(manager, "CRN001", kind="closed", occurred_on="yesterday").status_code == 422


def test_allocating_returns_and_stores_the_new_holders_figures(manager, legacy, po):
    CaseFactory(team=legacy.team, level="A3", reference="CRN002")  # community A3: 206 points, unallocated
    assert revisions(po) == [None]  # no figures stored before

    response = post_event(manager, "CRN002", kind="allocated", practitioner=po.practitioner.staff_code)

    assert response.status_code == 201, response.content
    [workload] = response.json()["workloads"]
    returned = (workload["membership_id"], workload["total_points"], workload["case_count"])
    assert returned == (po.pk, "206.00", 1)
    assert workload["workload_percent"] == "9.4669"  # 206 ÷ 2176 × 100
    assert [item["points"] for item in workload["case_items"]] == ["206.00"]
    held = stored(po)
    assert (held.total_points, held.case_count, str(held.workload_percent)) == (206, 1, "9.4669")
    assert held.revision == workload["revision"]


def test_closing_returns_and_stores_the_holders_figures_without_the_case(manager, legacy, case, po):
    other = CaseFactory(team=legacy.team, level="A3", reference="CRN002")
    allocate_case(other, po.practitioner, actor=None)
    assert stored(po).total_points == 63 + 206

    response = post_event(manager, "CRN001", kind="closed")

    assert response.status_code == 201, response.content
    [workload] = response.json()["workloads"]
    assert (workload["membership_id"], workload["total_points"], workload["case_count"]) == (
        po.pk,
        "206.00",
        1,
    )
    assert workload["case_items"] == []  # the closed case has no line any more
    held = stored(po)
    assert (held.total_points, held.case_count) == (206, 1)
    assert [item["reference"] for item in held.breakdown["items"]] == ["CRN002"]


def test_a_closed_case_is_409(manager, case, po):
    closed = post_event(manager, "CRN001", kind="closed")
    assert closed.status_code == 201
    assert [w["total_points"] for w in closed.json()["workloads"]] == ["0.00"]
    assert stored(po).total_points == 0
    response = post_event(manager, "CRN001", kind="contact")
    assert response.status_code == 409
    assert "is closed" in response.json()["detail"]


def test_changing_hours(manager, po):
    response = manager.put(
        f"/api/memberships/{po.pk}/hours", {"contracted_hours": "18.5"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["available_points"], response.json()["contracted_hours"]) == ("1088.00", "18.50")

    too_many = manager.put(
        f"/api/memberships/{po.pk}/hours", {"contracted_hours": "60"}, content_type="application/json"
    )
    assert (too_many.status_code, list(too_many.json()["errors"])) == (422, ["contracted_hours"])
    assert (
        manager.put(
            "/api/memberships/999999/hours", {"contracted_hours": "1"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_adding_a_reduction(manager, po):
    body = {"reason": "other", "hours": "3.7", "effective_from": "2026-03-16"}
    response = manager.post(f"/api/memberships/{po.pk}/reductions", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["workload"]["available_points"]) == (
        "active",
        "1958.00",
    )
    unknown = manager.post(
        f"/api/memberships/{po.pk}/reductions", {**body, "reason": "nap"}, content_type="application/json"
    )
    assert (unknown.status_code, list(unknown.json()["errors"])) == (422, ["reason"])


def reduction_url(membership_id, reduction_id):
    return f"/api/memberships/{membership_id}/reductions/{reduction_id}"


def add_reduction(client, po, **changes):
    body = {"reason": "other", "hours": "3.7", "effective_from": "2026-03-16", **changes}
    response = client.post(f"/api/memberships/{po.pk}/reductions", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def put_reduction(client, membership_id, reduction_id, **body):
    return client.put(reduction_url(membership_id, reduction_id), body, content_type="application/json")


def test_changing_a_reduction_returns_the_recalculated_workload(manager, po):
    reduction_id = add_reduction(manager, po)
    assert stored(po).available_points == 1958  # 2176 × 33.3 ÷ 37 = 1958.4, truncated

    response = put_reduction(
        manager, po.pk, reduction_id, reason="other", hours="7.4", effective_from="2026-03-01", notes="More"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["hours"], body["effective_from"], body["status"]) == (
        reduction_id,
        "7.40",
        "2026-03-01",
        "active",
    )
    figures = body["workload"]
    # 2176 × 29.6 ÷ 37 = 1740.8, truncated as the legacy target rule does
    assert (figures["available_points"], figures["reduction_hours"]) == ("1740.00", "7.40")
    assert (stored(po).available_points, stored(po).reduction_hours) == (1740, Decimal("7.40"))
    changed = Reduction.objects.get(pk=reduction_id)
    assert (changed.hours, changed.notes, changed.is_deleted) == (Decimal("7.40"), "More", False)
    assert po.reductions.count() == 1  # changed in place, not added


def test_moving_a_reduction_to_a_later_start_takes_it_out_of_todays_figures(manager, po):
    reduction_id = add_reduction(manager, po)

    response = put_reduction(
        manager, po.pk, reduction_id, reason="other", hours="3.7", effective_from="2026-04-01"
    )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["workload"]["available_points"]) == (
        "scheduled",
        "2176.00",
    )
    assert stored(po).available_points == 2176


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hours": "40"}, "hours"),  # more than the 37 contracted hours
        ({"hours": "-1"}, "hours"),
        ({"effective_to": "2026-03-01"}, "effective_to"),  # before the start
        ({"reason": "nap"}, "reason"),
    ],
)
def test_an_invalid_change_is_422_and_changes_nothing(manager, po, body, field):
    reduction_id = add_reduction(manager, po)
    revision = stored(po).revision

    response = put_reduction(
        manager,
        po.pk,
        reduction_id,
        **{"reason": "other", "hours": "3.7", "effective_from": "2026-03-16", **body},
    )

    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == [field]
    assert response.json()["detail"]
    kept = Reduction.objects.get(pk=reduction_id)
    assert (kept.reason.code, kept.hours, kept.effective_to) == ("other", Decimal("3.70"), None)
    assert (stored(po).available_points, stored(po).revision) == (1958, revision)


def test_a_malformed_change_is_422(manager, po):
    reduction_id = add_reduction(manager, po)
    missing_start = put_reduction(manager, po.pk, reduction_id, reason="other", hours="2")
    bad_date = put_reduction(manager, po.pk, reduction_id, reason="other", hours="2", effective_from="soon")
    assert (missing_start.status_code, bad_date.status_code) == (422, 422)
    assert Reduction.objects.get(pk=reduction_id).hours == Decimal("3.70")


def test_deleting_a_reduction_returns_the_recalculated_workload(manager, po, team_manager):
    reduction_id = add_reduction(manager, po)

    response = manager.delete(reduction_url(po.pk, reduction_id) + "?note=Entered+twice")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (reduction_id, "deleted")
    assert (body["workload"]["available_points"], body["workload"]["reduction_hours"]) == ("2176.00", "0.00")
    assert (stored(po).available_points, stored(po).reduction_hours) == (2176, 0)
    assert Reduction.objects.get(pk=reduction_id).is_deleted  # kept for the history
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).get()
    assert (entry.object_id, entry.actor, entry.note) == (str(reduction_id), team_manager, "Entered twice")

    again = manager.delete(reduction_url(po.pk, reduction_id))
    change = put_reduction(
        manager, po.pk, reduction_id, reason="other", hours="1", effective_from="2026-03-16"
    )
    assert (again.status_code, change.status_code) == (404, 404)
    assert again.json()["detail"] == f"No reduction with id {reduction_id} on this membership."


def test_a_reduction_is_reached_only_through_its_own_membership(manager, legacy, po):
    neighbour = officer(legacy.team)
    theirs = add_reduction(manager, neighbour)

    changed = put_reduction(manager, po.pk, theirs, reason="other", hours="1", effective_from="2026-03-16")
    deleted = manager.delete(reduction_url(po.pk, theirs))

    assert (changed.status_code, deleted.status_code) == (404, 404)
    kept = Reduction.objects.get(pk=theirs)
    assert (kept.hours, kept.is_deleted) == (Decimal("3.70"), False)
    assert stored(neighbour).available_points == 1958


def test_a_reduction_outside_the_managers_scope_is_404(manager, admin_client, legacy):
    outside = officer(legacy.other_team)
    reduction_id = add_reduction(admin_client, outside)

    response = manager.delete(reduction_url(outside.pk, reduction_id))

    assert response.status_code == 404
    assert response.json()["detail"] == f"No team membership with id {outside.pk}."
    assert not Reduction.objects.get(pk=reduction_id).is_deleted


def test_roles_that_may_not_write_get_403_for_changes_and_deletions(client, manager, senior_leader, po):
    reduction_id = add_reduction(manager, po)
    client.force_login(senior_leader)

    changed = put_reduction(
        client, po.pk, reduction_id, reason="other", hours="1", effective_from="2026-03-16"
    )
    deleted = client.delete(reduction_url(po.pk, reduction_id))

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert "may not change reductions" in changed.json()["detail"]
    assert "may not delete reductions" in deleted.json()["detail"]
    assert (stored(po).available_points, Reduction.objects.get(pk=reduction_id).is_deleted) == (1958, False)


def test_a_deletion_note_that_is_too_long_is_422(manager, po):
    reduction_id = add_reduction(manager, po)
    response = manager.delete(reduction_url(po.pk, reduction_id) + "?note=" + "x" * 501)
    assert (response.status_code, list(response.json()["errors"])) == (422, ["note"])
    assert not Reduction.objects.get(pk=reduction_id).is_deleted


def test_reading_a_workload_with_its_full_breakdown(manager, case, po):
    response = manager.get(f"/api/memberships/{po.pk}/workload")

    assert response.status_code == 200
    body = response.json()
    assert (body["total_points"], body["workload_percent"], body["rag"]) == ("63.00", "2.8952", "blue")
    assert [item["reference"] for item in body["items"]] == ["CRN001"]
    assert body["available_time"][-1] == {"step": "Available", "value": "2176"}
    assert body["revision"] == stored(po).revision


def test_practitioners_read_only_their_own_workload(client, practitioner_user, legacy, po, frozen_now):
    from caseload.workloads.services import recalculate

    own = practitioner_user.practitioner.memberships.get()
    recalculate([own, po])
    client.force_login(practitioner_user)
    assert client.get(f"/api/memberships/{own.pk}/workload").status_code == 200
    assert client.get(f"/api/memberships/{po.pk}/workload").status_code == 404


def test_a_membership_without_figures_is_404(admin_client, legacy):
    unmeasured = officer(legacy.other_team)  # South Division has no scheme
    response = admin_client.get(f"/api/memberships/{unmeasured.pk}/workload")
    assert response.status_code == 404
    assert "No workload is stored" in response.json()["detail"]


def test_a_membership_outside_the_managers_scope_is_404(manager, legacy):
    outside = officer(legacy.other_team)
    response = manager.get(f"/api/memberships/{outside.pk}/workload")
    assert response.status_code == 404
    assert response.json()["detail"] == f"No team membership with id {outside.pk}."


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/cases/{reference}/events"]) == {"get", "post"}
    assert set(paths["/api/memberships/{membership_id}/hours"]) == {"put"}
    assert set(paths["/api/memberships/{membership_id}/reductions"]) == {"post"}
    assert set(paths["/api/memberships/{membership_id}/reductions/{reduction_id}"]) == {"put", "delete"}
    assert set(paths["/api/memberships/{membership_id}/workload"]) == {"get"}
    responses = paths["/api/cases/{reference}/events"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(responses)
