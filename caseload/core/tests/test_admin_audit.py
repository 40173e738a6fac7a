"""Changes made in the Django administration site are in the audit log, and writes that workloads depend on
are left to the product's pages and services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from caseload.core.admin_audit import NOTE, AuditedAdminMixin
from caseload.core.models import AuditEntry, Role, User
from caseload.core.tests.factories import UserFactory
from caseload.organisations.models import Grade, OrgUnit, Practitioner, ReductionReason, TeamMembership
from caseload.organisations.tests.factories import ReductionFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


def _entries(obj_type: str, obj_id: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=obj_type, object_id=str(obj_id)).order_by("id"))


def _user_form(user: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "role": user.role,
        "practitioner": user.practitioner_id or "",
        "org_units": [u.pk for u in user.org_units.all()],
        "groups": [],
        "user_permissions": [],
    }
    data.update(changes)
    return data


def test_every_registered_admin_records_changes():
    registered = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
    assert {"auth.Group", "axes.AccessAttempt", "organisations.TeamMembership"} <= set(registered)
    unaudited = [
        label for label, model_admin in registered.items() if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []


def test_unlocking_someone_by_deleting_their_sign_in_attempts_is_recorded(admin_client, admin_user):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="sam", ip_address="203.0.113.7", user_agent="test", failures_since_start=5
    )
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    [entry] = _entries("axes.accessattempt", attempt.pk)
    assert (entry.action, entry.actor, entry.before["username"]) == ("delete", admin_user, "sam")


def test_changing_a_users_role_and_org_units_is_recorded_with_before_and_after(admin_client, admin_user, org):
    tom = UserFactory(username="tom", role=Role.TEAM_MANAGER, org_units=[org.team])
    url = reverse("admin:core_user_change", args=[tom.pk])

    response = admin_client.post(
        url, _user_form(tom, role=Role.AREA_MANAGER, org_units=[org.area.pk, org.team_b.pk])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    tom.refresh_from_db()
    assert tom.role == Role.AREA_MANAGER
    [entry] = _entries("core.user", tom.pk)
    assert (entry.action, entry.actor, entry.note) == (AuditEntry.Action.UPDATE, admin_user, NOTE)
    changed = entry.changed_fields()
    assert changed["role"] == ("team_manager", "area_manager")
    assert changed["org_units"] == ([org.team.pk], sorted([org.area.pk, org.team_b.pk]))
    assert set(changed) == {"role", "org_units"}
    assert "password" not in entry.before and "password" not in entry.after


def test_saving_without_changes_records_nothing(admin_client, org):
    tom = UserFactory(username="tom", role=Role.TEAM_MANAGER, org_units=[org.team])
    response = admin_client.post(reverse("admin:core_user_change", args=[tom.pk]), _user_form(tom))
    assert response.status_code == 302
    assert _entries("core.user", tom.pk) == []


def test_a_password_set_in_the_admin_is_recorded_without_the_password(admin_client, admin_user, org):
    tom = UserFactory(username="tom")
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[tom.pk]),
        {
            "password1": "a-long-new-passphrase-42",
            "password2": "a-long-new-passphrase-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    [entry] = _entries("core.user", tom.pk)
    assert entry.actor == admin_user
    assert "passphrase" not in str(entry.after) and "argon2" not in str(entry.after)
    assert entry.changed_fields()["password"] == ("(not shown)", "(changed, not shown)")


def test_adding_and_changing_reference_data_is_recorded(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:organisations_reductionreason_add"),
        {"code": "PILOT", "name": "Pilot project", "category": "work", "max_percent": "20", "enabled": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reason = ReductionReason.objects.get(code="PILOT")
    response = admin_client.post(
        reverse("admin:organisations_reductionreason_change", args=[reason.pk]),
        {"code": "PILOT", "name": "Pilot project", "category": "work", "max_percent": "25", "enabled": "on"},
    )
    assert response.status_code == 302

    created, changed = _entries("organisations.reductionreason", reason.pk)
    assert created.action == AuditEntry.Action.CREATE and created.before is None
    assert created.after["max_percent"] == "20.00" and created.actor == admin_user
    assert changed.action == AuditEntry.Action.UPDATE
    assert changed.changed_fields() == {"max_percent": ("20.00", "25.00")}


def test_deleting_one_object_is_recorded_with_its_last_values(admin_client, admin_user, org):
    unit = OrgUnit.objects.create(code="SPARE", name="Spare Team", kind="team", parent=org.area)
    response = admin_client.post(
        reverse("admin:organisations_orgunit_delete", args=[unit.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(code="SPARE").exists()
    [entry] = _entries("organisations.orgunit", unit.pk)
    assert (entry.action, entry.actor, entry.after) == (AuditEntry.Action.DELETE, admin_user, None)
    assert entry.before["code"] == "SPARE" and entry.before["parent"] == org.area.pk


def test_a_bulk_delete_records_one_entry_per_object(admin_client, admin_user):
    grades = [
        Grade.objects.create(code=f"G{n}", name=f"Grade {n}", service="probation", default_weekly_hours=37)
        for n in (1, 2)
    ]
    keep = Grade.objects.create(code="G3", name="Grade 3", service="probation", default_weekly_hours=37)

    response = admin_client.post(
        reverse("admin:organisations_grade_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in grades], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Grade.objects.filter(code__startswith="G").values_list("code", flat=True)) == ["G3"]
    entries = AuditEntry.objects.filter(object_type="organisations.grade").order_by("object_id")
    assert [(e.object_id, e.action, e.before["code"], e.actor) for e in entries] == [
        (str(grades[0].pk), "delete", "G1", admin_user),
        (str(grades[1].pk), "delete", "G2", admin_user),
    ]
    assert not AuditEntry.objects.filter(object_id=str(keep.pk), object_type="organisations.grade").exists()


# -- hours, reductions and other inputs of the workload --------------------------------------------------------


def test_contracted_hours_and_reductions_are_read_only_in_the_admin(admin_client, practitioner_user):
    membership = practitioner_user.practitioner.memberships.get()
    reduction = ReductionFactory(membership=membership)
    practitioner_page = reverse("organisations:practitioner", args=[membership.pk])

    for name, obj in [("teammembership", membership), ("reduction", reduction)]:
        url = reverse(f"admin:organisations_{name}_change", args=[obj.pk])
        page = admin_client.get(url)
        assert page.status_code == 200
        assert f'href="{practitioner_page}"' in page.content.decode()
        assert admin_client.post(url, {"contracted_hours": "10", "hours": "30"}).status_code == 403
        assert (
            admin_client.get(reverse(f"admin:organisations_{name}_delete", args=[obj.pk])).status_code == 403
        )
    membership.refresh_from_db()
    assert membership.contracted_hours == Decimal(37)
    assert AuditEntry.objects.filter(object_type__startswith="organisations.").count() == 0


def test_the_practitioner_admin_shows_memberships_without_editing_them(admin_client, practitioner_user):
    practitioner = practitioner_user.practitioner
    page = admin_client.get(reverse("admin:organisations_practitioner_change", args=[practitioner.pk]))
    [inline] = page.context["inline_admin_formsets"]
    assert inline.formset.model is TeamMembership
    assert (inline.has_add_permission, inline.formset.can_delete) == (False, False)
    assert "contracted_hours" not in inline.formset.forms[0].fields  # shown, not an input


def test_a_scheme_assignment_added_in_the_admin_recalculates_the_workloads_below(
    admin_client, org, frozen_now
):
    from caseload.schemes.models import Scheme
    from caseload.schemes.services import install_presets
    from caseload.workloads.models import Workload

    install_presets()
    membership = TeamMembershipFactory(team=org.team, contracted_hours=Decimal(37))
    assert not Workload.objects.filter(membership=membership).exists()
    scheme = Scheme.objects.get(code="probation-wmt-legacy")

    response = admin_client.post(
        reverse("admin:schemes_schemeassignment_add"),
        {
            "org_unit": org.division.pk,
            "scheme": scheme.pk,
            "effective_from": "2024-04-01",
            "effective_to": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Workload.objects.get(membership=membership).available_points > 0
    [entry] = AuditEntry.objects.filter(object_type="schemes.schemeassignment")
    assert entry.action == AuditEntry.Action.CREATE and entry.after["org_unit"] == org.division.pk
    assignment_url = reverse("admin:schemes_schemeassignment_change", args=[entry.object_id])
    form = admin_client.get(assignment_url).context["adminform"].form
    assert set(form.fields) == {"effective_to"}  # unit, scheme and start are fixed once added


# -- who may use the administration site -------------------------------------------------------------------------


def test_only_administrators_open_the_admin(client, admin_user, team_manager, analyst):
    for user, expected in [(admin_user, 200), (team_manager, 302), (analyst, 302)]:
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == expected, user.username


def test_staff_status_follows_the_role(org):
    user = UserFactory(username="kim", role=Role.TEAM_MANAGER, is_staff=True, is_superuser=True)
    assert (user.is_staff, user.is_superuser) == (False, False)
    user.role = Role.ADMINISTRATOR
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
    user.role = Role.SENIOR_LEADER
    user.save()
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_an_administrator_demoted_in_the_admin_loses_the_admin(admin_client, client, org):
    ben = UserFactory(username="ben", role=Role.ADMINISTRATOR, org_units=[org.organisation])
    client.force_login(ben)
    assert client.get(reverse("admin:index")).status_code == 200

    response = admin_client.post(
        reverse("admin:core_user_change", args=[ben.pk]), _user_form(ben, role=Role.ANALYST)
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    [entry] = _entries("core.user", ben.pk)
    assert entry.changed_fields()["is_staff"] == (True, False)


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("root", "root@example.org", "a-long-passphrase-42")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMINISTRATOR, True, True)


def test_rows_added_changed_and_deleted_in_an_inline_are_recorded(admin_client, admin_user, settings):
    from caseload.organisations.tests.factories import PractitionerFactory

    settings.ROOT_URLCONF = "caseload.core.tests.urls_admin_inline"
    grade = Grade.objects.create(code="TST", name="Officer", service="probation", default_weekly_hours=37)
    kept = PractitionerFactory(grade=grade, staff_code="K1", first_name="Kim", last_name="Kept")
    gone = PractitionerFactory(grade=grade, staff_code="G1", first_name="Gil", last_name="Gone")
    prefix = "practitioners"
    data = {
        "code": "TST", "name": "Officer", "service": "probation", "default_weekly_hours": "37.00",
        "holds_cases": "on", "enabled": "on", "description": "",
        f"{prefix}-TOTAL_FORMS": "3", f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-id": kept.pk, f"{prefix}-0-grade": grade.pk, f"{prefix}-0-staff_code": "K1",
        f"{prefix}-0-first_name": "Kimberley", f"{prefix}-0-last_name": "Kept",
        f"{prefix}-1-id": gone.pk, f"{prefix}-1-grade": grade.pk, f"{prefix}-1-staff_code": "G1",
        f"{prefix}-1-first_name": "Gil", f"{prefix}-1-last_name": "Gone", f"{prefix}-1-DELETE": "on",
        f"{prefix}-2-grade": grade.pk, f"{prefix}-2-staff_code": "N1",
        f"{prefix}-2-first_name": "Nia", f"{prefix}-2-last_name": "New",
    }  # fmt: skip

    response = admin_client.post(f"/inline-admin/organisations/grade/{grade.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    new = Practitioner.objects.get(staff_code="N1")
    entries = {
        (e.object_id, e.action): e
        for e in AuditEntry.objects.filter(object_type="organisations.practitioner")
    }
    assert set(entries) == {(str(kept.pk), "update"), (str(gone.pk), "delete"), (str(new.pk), "create")}
    assert entries[(str(kept.pk), "update")].changed_fields() == {"first_name": ("Kim", "Kimberley")}
    assert entries[(str(gone.pk), "delete")].before["staff_code"] == "G1"
    assert entries[(str(new.pk), "create")].after["last_name"] == "New"
    assert {e.actor for e in entries.values()} == {admin_user}
    assert not AuditEntry.objects.filter(
        object_type="organisations.grade"
    ).exists()  # the grade itself unchanged
