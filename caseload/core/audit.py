"""Recording changes in the audit log. Services call these inside their transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from caseload.core.models import AuditEntry, User

_BOOKKEEPING = {"created_at", "updated_at"}


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The JSON-safe values of a model's concrete fields (foreign keys as ids), without timestamps and
    without the values the database works out from the others (generated fields: they change with them,
    and an instance holds them as they were when it was read)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if (fields is not None and field.name not in fields) or field.name in _BOOKKEEPING or field.generated:
            continue
        value = getattr(instance, field.attname)
        data[field.name] = _json_safe(value)
    return data


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record(
    action: str,
    instance: models.Model,
    *,
    actor: User | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write one audit entry for a change to `instance`."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        note=note,
    )


def history(instance: models.Model) -> models.QuerySet[AuditEntry]:
    """Every audit entry for one object, newest first."""
    return AuditEntry.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk))
