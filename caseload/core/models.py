"""Users and their roles, and the audit log of every change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


def in_force_on(on: dt.date, start: str = "effective_from", end: str = "effective_to") -> Q:
    """Rows whose date range covers `on`: started on or before it, and open-ended or ending on or after it
    (both ends inclusive)."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on}))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    AREA_MANAGER = "area_manager", "Area manager"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    ADMINISTRATOR = "administrator", "Administrator"
    ANALYST = "analyst", "Analyst"


class CaseloadUserManager(UserManager):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> User:
        """`createsuperuser` makes an administrator: the role is what gives the administration site."""
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Their role says what they may do; their org units and practitioner record
    say over whom (enforced by the access scope).

    The administrator role, and only that role, opens the Django administration site with every
    permission: `is_staff` and `is_superuser` follow the role at every save (the admin form, single sign-on,
    imports), so someone whose role changes away from administrator loses the site at once."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    practitioner = models.OneToOneField(
        "organisations.Practitioner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text="The practitioner record of this user, if they carry a caseload.",
    )
    org_units = models.ManyToManyField(
        "organisations.OrgUnit",
        blank=True,
        related_name="users",
        help_text="The teams, areas or divisions this user manages or oversees.",
    )

    objects = CaseloadUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_staff = self.is_superuser = self.role == Role.ADMINISTRATOR
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)


class AuditEntry(models.Model):
    """One recorded change: who did what to which object, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        MOVE = "move", "Moved"
        EVENT = "event", "Recorded event"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60, help_text="app_label.model of the changed object")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> dict[str, tuple[Any, Any]]:
        """Fields whose value differs between before and after, including fields present on one side only
        (a creation lists every field, even those set to None)."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return {
            k: (before.get(k), after.get(k))
            for k in keys
            if k not in before or k not in after or before[k] != after[k]
        }
