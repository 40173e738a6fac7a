"""Schemes as versioned data: import as draft, edit, publish, export, presets, which version is in force."""

import datetime as dt

import pytest
import yaml

from caseload.core.audit import history
from caseload.domain.presets import PRESETS_DIR
from caseload.domain.scheme_parser import SchemeError
from caseload.schemes import services
from caseload.schemes.models import Scheme, SchemeAssignment, SchemeVersion
from caseload.schemes.selectors import assignment_for_unit, version_for_unit

pytestmark = pytest.mark.django_db
LEGACY = (PRESETS_DIR / "probation-wmt-legacy.yaml").read_bytes()


def legacy_with(**changes) -> bytes:
    data = yaml.safe_load(LEGACY)
    data.update(changes)
    return yaml.safe_dump(data, sort_keys=False).encode()


def test_importing_a_file_creates_the_scheme_and_a_draft(admin_user):
    version = services.import_scheme_version(LEGACY, "legacy.yaml", actor=admin_user)

    assert version.is_draft
    assert (version.scheme.code, version.version, version.effective_from) == (
        "probation-wmt-legacy",
        "2024-04",
        dt.date(2024, 4, 1),
    )
    assert version.scheme.service == "probation"
    assert len(version.source_sha256) == 64
    assert version.scheme.version_in_force(dt.date(2026, 1, 1)) is None  # nothing in force until published
    assert history(version).get().note == "Imported legacy.yaml"


def test_a_bad_file_is_rejected_with_field_paths_and_nothing_is_stored(admin_user):
    data = yaml.safe_load(LEGACY)
    data["categories"]["community"]["levels"]["A3"]["weights"]["standard"] = -5
    data["capacity"]["method"] = "guesswork"

    with pytest.raises(SchemeError) as error:
        services.import_scheme_version(yaml.safe_dump(data).encode(), "bad.yaml", actor=admin_user)

    paths = [path for path, _ in error.value.problems]
    assert "categories.community.levels.A3.weights.standard" in paths
    assert "capacity.method" in paths
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"name: [unclosed", "s.yaml", "is not valid YAML"),
        (b"{}", "s.txt", "must end in .yaml, .yml or .json"),
        (b"\xff\xfe", "s.yaml", "is not UTF-8 text"),
        (b"{not json", "s.json", "is not valid JSON"),
        (b"x" * (services.MAX_SCHEME_FILE_BYTES + 1), "s.yaml", "larger than"),
    ],
)
def test_unreadable_files_say_why(content, name, message):
    with pytest.raises(SchemeError) as error:
        services.read_scheme_file(content, name)
    assert message in error.value.problems[0][1]


def test_the_same_version_label_cannot_be_imported_twice(admin_user):
    services.import_scheme_version(LEGACY, "legacy.yaml", actor=admin_user)
    with pytest.raises(SchemeError, match="already has a version 2024-04"):
        services.import_scheme_version(LEGACY, "legacy.yaml", actor=admin_user)


def test_publishing_puts_versions_in_force_one_at_a_time(admin_user, frozen_now):
    first = services.publish_version(
        services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user), actor=admin_user
    )
    second = services.import_scheme_version(legacy_with(version="2026-04"), "b.yaml", actor=admin_user)
    services.publish_version(second, actor=admin_user, effective_from=dt.date(2026, 4, 1))
    scheme = first.scheme

    assert scheme.version_in_force(dt.date(2024, 3, 31)) is None
    assert scheme.version_in_force(dt.date(2024, 4, 1)) == first
    assert scheme.version_in_force(dt.date(2026, 3, 31)) == first
    assert scheme.version_in_force(dt.date(2026, 4, 1)).version == "2026-04"
    second.refresh_from_db()
    assert second.definition["effective_from"] == "2026-04-01"  # the stored file says when it starts
    assert second.published_by == admin_user and second.published_at is not None


def test_a_new_version_must_start_after_the_latest_published_one(admin_user):
    services.publish_version(
        services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user), actor=admin_user
    )
    later = services.import_scheme_version(legacy_with(version="2024-01"), "b.yaml", actor=admin_user)

    with pytest.raises(SchemeError) as error:
        services.publish_version(later, actor=admin_user, effective_from=dt.date(2024, 4, 1))

    assert error.value.problems == [
        ("effective_from", "must be after 1 April 2024, when version 2024-04 started")
    ]
    later.refresh_from_db()
    assert later.is_draft


def test_a_later_version_cannot_be_back_dated(admin_user, frozen_now):
    services.publish_version(
        services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user), actor=admin_user
    )
    draft = services.import_scheme_version(legacy_with(version="2026-01"), "b.yaml", actor=admin_user)
    with pytest.raises(SchemeError) as error:
        services.publish_version(draft, actor=admin_user, effective_from=dt.date(2026, 3, 15))
    assert error.value.problems == [
        (
            "effective_from",
            "must be today (16 March 2026) or later: published figures for past dates never change",
        )
    ]
    assert (
        services.publish_version(draft, actor=admin_user, effective_from=dt.date(2026, 3, 16)).status
        == "published"
    )


def test_published_versions_never_change(admin_user):
    version = services.publish_version(
        services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user), actor=admin_user
    )
    with pytest.raises(SchemeError, match="is published and cannot change"):
        services.update_draft(version, yaml.safe_load(LEGACY), actor=admin_user)
    with pytest.raises(SchemeError, match="already published"):
        services.publish_version(version, actor=admin_user)


def test_a_draft_copy_can_be_edited_and_published(admin_user, frozen_now):
    published = services.publish_version(
        services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user), actor=admin_user
    )
    draft = services.create_draft(published, version="2026-10", actor=admin_user)
    definition = dict(draft.definition)
    definition["court_reports"] = {**definition["court_reports"], "window_days": 28}
    definition["effective_from"] = "2026-10-01"

    services.update_draft(
        draft, definition, actor=admin_user, notes="Four-week report window agreed at the pilot review"
    )
    services.publish_version(draft, actor=admin_user)

    draft.refresh_from_db()
    in_force = services.domain_scheme(published.scheme.version_in_force(dt.date(2026, 10, 1)))
    assert in_force.court_reports.window_days == 28
    assert services.domain_scheme(published).court_reports.window_days == 30  # the old version is unchanged
    assert draft.notes == "Four-week report window agreed at the pilot review"


def test_a_draft_edit_that_does_not_validate_changes_nothing(admin_user):
    draft = services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user)
    broken = {**draft.definition, "rounding": "sometimes"}
    with pytest.raises(SchemeError) as error:
        services.update_draft(draft, broken, actor=admin_user)
    assert [path for path, _ in error.value.problems] == ["rounding"]
    draft.refresh_from_db()
    assert draft.definition["rounding"] == "integer_half_up"


def test_export_round_trips(admin_user):
    version = services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user)
    exported = services.export_version(version)
    assert yaml.safe_load(exported) == version.definition
    assert services.read_scheme_file(exported.encode(), "again.yaml") == version.definition


def test_presets_install_once_and_all_validate():
    installed = services.install_presets()
    assert sorted(v.scheme.code for v in installed) == [
        "adult-community-care",
        "children-services",
        "probation-2022",
        "probation-wmt-legacy",
    ]
    assert all(v.status == SchemeVersion.Status.PUBLISHED for v in installed)
    assert services.install_presets() == []


def test_the_nearest_assignment_up_the_tree_wins(org):
    services.install_presets()
    legacy, current = (
        Scheme.objects.get(code="probation-wmt-legacy"),
        Scheme.objects.get(code="probation-2022"),
    )
    SchemeAssignment.objects.create(org_unit=org.division, scheme=current, effective_from=dt.date(2022, 1, 1))
    SchemeAssignment.objects.create(org_unit=org.team_b, scheme=legacy, effective_from=dt.date(2025, 1, 1))
    on = dt.date(2026, 3, 16)

    assert assignment_for_unit(org.team, on).scheme == current
    assert version_for_unit(org.team_b, on).scheme == legacy
    assert version_for_unit(org.team_b, dt.date(2024, 12, 31)).scheme == current  # before the pilot began
    assert version_for_unit(org.other_team, on) is None


def test_the_parse_cache_follows_the_definition_not_the_id(admin_user, frozen_now):
    """A version reusing an id and save time (a rolled-back row on SQLite, frozen time in tests) with another
    definition must not get the first one's parsed scheme; a draft edit changes the key."""
    first = services.import_scheme_version(LEGACY, "a.yaml", actor=admin_user)
    assert first.definition_sha256 and services.domain_scheme(first).court_reports.window_days == 30
    pk = first.pk
    SchemeVersion.objects.filter(pk=pk).delete()
    other = services.import_scheme_version(
        legacy_with(court_reports={**yaml.safe_load(LEGACY)["court_reports"], "window_days": 21}),
        "b.yaml",
        actor=admin_user,
    )
    SchemeVersion.objects.filter(pk=other.pk).update(id=pk)
    reloaded = SchemeVersion.objects.defer("definition").get(pk=pk)
    assert reloaded.definition_sha256 != first.definition_sha256
    assert services.domain_scheme(reloaded).court_reports.window_days == 21

    definition = {**reloaded.definition, "court_reports": {**reloaded.definition["court_reports"]}}
    definition["court_reports"]["window_days"] = 14
    services.update_draft(reloaded, definition, actor=admin_user)
    assert services.domain_scheme(SchemeVersion.objects.get(pk=pk)).court_reports.window_days == 14
