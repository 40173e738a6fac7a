"""Factories for users and audit entries."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from caseload.core.models import AuditEntry, Role, User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    """A practitioner-role user with no practitioner record or org units; password TEST_PASSWORD.
    Pass `org_units=[...]` to give them units."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@caseload.example")
    role = Role.PRACTITIONER
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def org_units(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.org_units.set(extracted)


class AuditEntryFactory(DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = None
    action = AuditEntry.Action.UPDATE
    object_type = "organisations.orgunit"
    object_id = "1"
    object_repr = "North Team (T1)"
    before = factory.LazyFunction(dict)
    after = factory.LazyFunction(dict)
