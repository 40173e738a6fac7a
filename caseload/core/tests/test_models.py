"""Users and the audit log."""

from __future__ import annotations

import pytest

from caseload.core.models import AuditEntry, Role, User
from caseload.core.tests.factories import AuditEntryFactory, UserFactory
from caseload.organisations.tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


def test_changed_fields_lists_only_the_differences_in_key_order():
    entry = AuditEntryFactory(
        before={"name": "North", "hours": "37.00", "parent": 4},
        after={"name": "North", "hours": "30.00", "parent": 5},
    )
    assert entry.changed_fields() == {"hours": ("37.00", "30.00"), "parent": (4, 5)}
    assert list(entry.changed_fields()) == ["hours", "parent"]


def test_changed_fields_of_a_creation_and_a_deletion():
    created = AuditEntryFactory(
        action=AuditEntry.Action.CREATE, before=None, after={"code": "T1", "notes": ""}
    )
    deleted = AuditEntryFactory(action=AuditEntry.Action.DELETE, before={"code": "T1"}, after=None)
    assert created.changed_fields() == {"code": (None, "T1"), "notes": (None, "")}
    assert deleted.changed_fields() == {"code": ("T1", None)}


def test_changed_fields_of_an_event_without_values_is_empty():
    assert AuditEntryFactory(action=AuditEntry.Action.EVENT, before=None, after=None).changed_fields() == {}


def test_audit_entry_describes_itself():
    entry = AuditEntryFactory(action=AuditEntry.Action.MOVE, object_repr="North Team (T1)")
    assert str(entry) == "Moved North Team (T1)"


def test_user_is_named_by_full_name_else_username():
    assert str(UserFactory(username="jb", first_name="Jo", last_name="Bloggs")) == "Jo Bloggs"
    assert str(UserFactory(username="service-account", first_name="", last_name="")) == "service-account"


def test_users_are_practitioners_by_default_and_hold_one_practitioner_record(db_refuses):
    practitioner = PractitionerFactory()
    user = UserFactory(practitioner=practitioner)
    assert user.role == Role.PRACTITIONER
    assert practitioner.user == user
    with db_refuses("practitioner_id"):
        UserFactory(practitioner=practitioner)


def test_usernames_are_unique(db_refuses):
    UserFactory(username="jb")
    with db_refuses("username"):
        UserFactory(username="jb")
    assert User.objects.filter(username="jb").count() == 1
