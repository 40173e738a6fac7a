"""Django administration pages that record every change in the audit log.

Every app's ModelAdmin (and inline) uses `AuditedModelAdmin` (or `AuditedAdminMixin` with another base, as
the user admin does). Each add, change (including many-to-many fields such as a user's org units, and rows
changed in inlines), delete and bulk delete writes one audit entry per object with who, when, what and the
values before and after, in the same transaction as the change.

Fields that a workload depends on are never written here behind the services' back: an admin lists them in
`workload_fields` (read-only once the row exists, edited on the product's own pages) or turns them into a
service call. docs/security.md says which is which.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from caseload.core import audit
from caseload.core.models import AuditEntry

NOTE = "In the administration site"
# Never copied into the audit log: a password hash is a secret even when hashed.
SECRET_FIELDS = frozenset({"password"})
_BEFORE = "_caseload_audit_before"


def admin_state(instance: models.Model) -> dict[str, Any]:
    """A row's values for the audit log: its concrete fields (foreign keys as ids, secrets left out) and
    each many-to-many field as the sorted ids it links to."""
    fields = [f.name for f in instance._meta.concrete_fields if f.name not in SECRET_FIELDS]
    data = audit.snapshot(instance, fields)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def _stored(instance: models.Model) -> models.Model | None:
    """The row as it is in the database now (the admin's own object already holds the submitted values)."""
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def _actor(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditedAdminMixin:
    """Records admin writes in the audit log; see the module docstring.

    `workload_fields`: fields read-only on existing rows because changing them must recalculate workloads;
    they are changed through the product's pages or services instead.
    """

    workload_fields: Sequence[str] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if obj is not None:
            fields += [f for f in self.workload_fields if f not in fields]
        return fields

    # -- one object: add and change (the form's fields, then its many-to-many fields and inlines) ---------------

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = _stored(obj) if change else None
        setattr(obj, _BEFORE, admin_state(stored) if stored is not None else None)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        if not hasattr(obj, _BEFORE):  # save_model was replaced by a service call, which audits itself
            return
        before = getattr(obj, _BEFORE)
        delattr(obj, _BEFORE)
        after = admin_state(_stored(obj) or obj)  # as stored: 20 and 20.00 are the same hours
        if before == after:  # saved without a change
            return
        action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
        audit.record(action, obj, actor=_actor(request), before=before, after=after, note=NOTE)
        self.after_admin_write(request, obj, before)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows added, changed or deleted in an inline, one entry each."""
        touched = [
            f.instance
            for f in formset.initial_forms
            if f.instance.pk is not None and (f.has_changed() or self._deleting(formset, f))
        ]
        befores = {}
        if touched:
            model = type(touched[0])
            stored = model._default_manager.in_bulk([i.pk for i in touched])
            befores = {pk: admin_state(row) for pk, row in stored.items()}
        actor = _actor(request)
        for f in formset.initial_forms:
            if f.instance.pk in befores and self._deleting(formset, f):
                row = f.instance
                audit.record(AuditEntry.Action.DELETE, row, actor=actor, before=befores[row.pk], note=NOTE)
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for row in formset.new_objects:
            audit.record(
                AuditEntry.Action.CREATE, row, actor=actor, after=admin_state(_stored(row) or row), note=NOTE
            )
        for row, _fields in formset.changed_objects:
            before, after = befores.get(row.pk), admin_state(_stored(row) or row)
            if before != after:
                audit.record(
                    AuditEntry.Action.UPDATE, row, actor=actor, before=before, after=after, note=NOTE
                )

    @staticmethod
    def _deleting(formset: Any, form: Any) -> bool:
        return bool(formset.can_delete and formset._should_delete_form(form))

    # -- deleting one object, or many with the "Delete selected" action ------------------------------------

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._record_deletions(request, [obj])
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            self._record_deletions(request, list(queryset))
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _record_deletions(self, request: HttpRequest, objs: Iterable[models.Model]) -> None:
        actor = _actor(request)
        for obj in objs:
            audit.record(AuditEntry.Action.DELETE, obj, actor=actor, before=admin_state(obj), note=NOTE)

    # -- for subclasses --------------------------------------------------------------------------------------

    def after_admin_write(self, request: HttpRequest, obj: Any, before: dict[str, Any] | None) -> None:
        """Called after an add or a real change is saved and audited (`before` is None for an add): admins
        whose rows feed workloads recalculate them here."""


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """The base of every ModelAdmin in Caseload."""
