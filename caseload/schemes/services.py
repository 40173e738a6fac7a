"""Writes to workload schemes: import a file as a draft, edit a draft, publish it, install the presets.
Published versions never change; a new version is a new draft."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from caseload.core import audit
from caseload.core.models import AuditEntry, User
from caseload.domain.presets import PRESETS_DIR
from caseload.domain.scheme import Scheme as DomainScheme
from caseload.domain.scheme_parser import SchemeError, parse_scheme
from caseload.domain.strict_loading import DuplicateKeyError, load_json, load_yaml
from caseload.schemes.models import Scheme, SchemeVersion, definition_hash

MAX_SCHEME_FILE_BYTES = 1_000_000
SERVICE_OF_PRESET = {
    "probation-2022": "probation",
    "probation-wmt-legacy": "probation",
    "children-services": "children",
    "adult-community-care": "adult",
}


def read_scheme_file(content: bytes, filename: str) -> dict[str, Any]:
    """Parse an uploaded .yaml/.yml/.json scheme file into plain data, or raise SchemeError."""
    if len(content) > MAX_SCHEME_FILE_BYTES:
        raise SchemeError([("", f"{filename} is larger than {MAX_SCHEME_FILE_BYTES // 1000} KB")])
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix not in {"yaml", "yml", "json"}:
        raise SchemeError([("", f"{filename}: a scheme file must end in .yaml, .yml or .json")])
    try:
        text = content.decode("utf-8")
        data = load_json(text) if suffix == "json" else load_yaml(text)
    except UnicodeDecodeError as error:
        raise SchemeError([("", f"{filename} is not UTF-8 text")]) from error
    except (yaml.YAMLError, json.JSONDecodeError, DuplicateKeyError) as error:
        raise SchemeError([("", f"{filename} is not valid {suffix.upper()}: {error}")]) from error
    parse_scheme(data)  # raises SchemeError with every problem and its field path
    return json.loads(json.dumps(data, default=str))  # dates as ISO strings, ready for a JSONField


@transaction.atomic
def import_scheme_version(content: bytes, filename: str, *, actor: User | None) -> SchemeVersion:
    """Store a scheme file as a new draft version (creating the scheme on first import)."""
    definition = read_scheme_file(content, filename)
    parsed = parse_scheme(definition)
    scheme, created = Scheme.objects.get_or_create(
        code=parsed.name,
        defaults={
            "name": parsed.name.replace("-", " ").capitalize(),
            "description": parsed.description,
            "service": SERVICE_OF_PRESET.get(parsed.name, ""),
        },
    )
    if created:
        audit.record(AuditEntry.Action.CREATE, scheme, actor=actor, after=audit.snapshot(scheme))
    if scheme.versions.filter(version=parsed.version).exists():
        raise SchemeError(
            [("version", f"{scheme.code} already has a version {parsed.version}; change the label")]
        )
    version = SchemeVersion.objects.create(
        scheme=scheme,
        version=parsed.version,
        effective_from=parsed.effective_from,
        definition=definition,
        source_sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
    )
    audit.record(
        AuditEntry.Action.CREATE, version, actor=actor, after=_summary(version), note=f"Imported {filename}"
    )
    return version


@transaction.atomic
def create_draft(source: SchemeVersion, *, version: str, actor: User | None) -> SchemeVersion:
    """A new draft that starts as a copy of `source`, labelled `version`."""
    if source.scheme.versions.filter(version=version).exists():
        raise SchemeError([("version", f"{source.scheme.code} already has a version {version}")])
    definition = {**source.definition, "version": version}
    draft = SchemeVersion.objects.create(
        scheme=source.scheme,
        version=version,
        effective_from=source.effective_from,
        definition=definition,
        created_by=actor,
        notes=f"Copied from {source.version}",
    )
    audit.record(AuditEntry.Action.CREATE, draft, actor=actor, after=_summary(draft))
    return draft


@transaction.atomic
def update_draft(
    version: SchemeVersion, definition: dict[str, Any], *, actor: User | None, notes: str = ""
) -> SchemeVersion:
    """Replace a draft's definition after validating it; published versions cannot be changed."""
    version = SchemeVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise SchemeError(
            [("", f"version {version.version} is published and cannot change; create a new draft")]
        )
    parsed = parse_scheme(definition)
    if parsed.name != version.scheme.code:
        raise SchemeError([("name", f"must stay {version.scheme.code!r}")])
    if parsed.version != version.version and version.scheme.versions.filter(version=parsed.version).exists():
        raise SchemeError([("version", f"{version.scheme.code} already has a version {parsed.version}")])
    before = _summary(version)
    version.definition = json.loads(json.dumps(definition, default=str))
    version.version, version.effective_from = parsed.version, parsed.effective_from
    version.notes = notes or version.notes
    version.save()
    audit.record(AuditEntry.Action.UPDATE, version, actor=actor, before=before, after=_summary(version))
    return version


@transaction.atomic
def publish_version(
    version: SchemeVersion, *, actor: User | None, effective_from: dt.date | None = None
) -> SchemeVersion:
    """Put a draft in force from `effective_from` (default: the date in its definition). A scheme's first
    version may start in the past (nothing was in force before it); every later version must start after
    the latest published one and not before today, so no figure for a past date ever changes."""
    version = SchemeVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise SchemeError([("", f"version {version.version} is already published")])
    start = effective_from or version.effective_from
    latest = (
        version.scheme.versions.filter(status=SchemeVersion.Status.PUBLISHED)
        .order_by("-effective_from")
        .first()
    )
    if latest is not None and start <= latest.effective_from:
        raise SchemeError(
            [
                (
                    "effective_from",
                    f"must be after {latest.effective_from:%-d %B %Y}, when version {latest.version} started",
                )
            ]
        )
    today = timezone.localdate()
    if latest is not None and start < today:
        raise SchemeError(
            [
                (
                    "effective_from",
                    f"must be today ({today:%-d %B %Y}) or later: published figures for past dates never change",
                )
            ]
        )
    parse_scheme({**version.definition, "effective_from": start.isoformat()})
    before = _summary(version)
    version.effective_from = start
    version.definition = {**version.definition, "effective_from": start.isoformat()}
    version.status = SchemeVersion.Status.PUBLISHED
    version.published_at, version.published_by = timezone.now(), actor
    version.save()
    audit.record(
        AuditEntry.Action.UPDATE,
        version,
        actor=actor,
        before=before,
        after=_summary(version),
        note="Published",
    )
    from caseload.workloads.services import recalculate_scheme_version  # imported here: it imports us

    recalculate_scheme_version(version)
    return version


def export_version(version: SchemeVersion) -> str:
    """The version as a YAML scheme file that imports back unchanged."""
    return yaml.safe_dump(version.definition, sort_keys=False, allow_unicode=True, width=100)


def install_presets(*, actor: User | None = None) -> list[SchemeVersion]:
    """Import and publish each shipped preset whose scheme is not installed yet. Safe to run again."""
    installed = []
    for path in sorted(PRESETS_DIR.glob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        if Scheme.objects.filter(code=data.get("name")).exists():
            continue
        version = import_scheme_version(path.read_bytes(), path.name, actor=actor)
        installed.append(publish_version(version, actor=actor))
    return installed


_PARSED: dict[str, DomainScheme] = {}
_PARSED_LIMIT = 64


def domain_scheme(version: SchemeVersion) -> DomainScheme:
    """The points engine's scheme for a version's definition, parsed once per process for each distinct
    definition, keyed by the definition's hash (stored with the version on every save, so the definition
    itself is only read, or fetched when deferred, the first time; a draft edit changes the key)."""
    key = version.definition_sha256 or definition_hash(version.definition)
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = parse_scheme(version.definition)
    return _PARSED[key]


def _summary(version: SchemeVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "status": version.status,
        "effective_from": version.effective_from.isoformat(),
        "definition_sha256": definition_hash(version.definition),
    }
