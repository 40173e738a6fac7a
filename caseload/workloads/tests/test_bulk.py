"""Many memberships at once: cases added up by the database (caseload.workloads.bulk) give the very figures
and digests that scoring case by case gives, so a full recalculation stores the same figures either way,
shows the same breakdown (its case lines scored when shown: `with_case_lines`) and rewrites exactly the rows
whose figures or case lines changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine

from caseload.cases.models import Case, EventKind
from caseload.cases.tests.factories import CaseEventFactory, CaseFactory
from caseload.domain.results import CASE_WARNING_PREFIX
from caseload.organisations.models import TeamMembership
from caseload.organisations.tests.factories import ReductionFactory
from caseload.schemes.models import Scheme, SchemeAssignment, SchemeVersion
from caseload.schemes.services import install_presets
from caseload.workloads import bulk, services
from caseload.workloads.bulk import fingerprint_of_items, score_totalled
from caseload.workloads.inputs import current_memberships, membership_rows
from caseload.workloads.models import KnownKinds, Workload
from caseload.workloads.selectors import score_memberships
from caseload.workloads.services import CASE_LINES_ON_DEMAND, _digest, recalculate, with_case_lines
from caseload.workloads.tests.fixtures import officer

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 16)  # the frozen clock's day
FLAG_SETS = [[], ["warrant"], ["inactive"], ["interpreter"], ["court", "travel"], ["dormant"], ["complexity"]]


def _dates(rng: random.Random) -> dict[str, dt.date | None]:
    """Case dates around the spread-activity windows: started in the last weeks or long ago, ending or due
    for release soon or late, or without a date."""

    def day(*offsets: int) -> dt.date | None:
        offset = rng.choice([*offsets, None])
        return None if offset is None else ON + dt.timedelta(days=offset)

    return {
        "start_date": day(-3, -20, -83, -84, -85, -400),
        "expected_end_date": day(1, 27, 28, 29, 200, 0),
        "expected_release_date": day(2, 28, 29, 300),
    }


@pytest.fixture
def mixed(org, frozen_now):
    """Three teams under three schemes: probation-2022 (activities with spread ones, and a status it does not
    know), probation-wmt-legacy (direct weights and flag keep-%), children-services (modifiers, statuses and
    sibling groups); members with random cases, reports, support contacts and reductions."""
    install_presets()
    for unit, code in ((org.team, "probation-2022"), (org.team_b, "probation-wmt-legacy"),
                       (org.other_team, "children-services")):  # fmt: skip
        SchemeAssignment.objects.create(
            org_unit=unit, scheme=Scheme.objects.get(code=code), effective_from=dt.date(2024, 4, 1)
        )
    rng = random.Random(20261203)
    plans = [
        (org.team, "PO", ["community", "licence", "custody", "unknown"], ["A3", "B1", "C2", "D0", "untiered", ""]),
        (org.team_b, "PO", ["community", "licence", "custody"], ["A3", "B1", "C2", "D0", "untiered", "Z9"]),
        (org.other_team, "SW", ["child-in-need", "child-protection", "looked-after-child", "care-leaver"],
         ["level-1", "level-2", "level-3"]),
    ]  # fmt: skip
    members: list[TeamMembership] = []
    for team, grade, categories, levels in plans:
        team_members = [officer(team, grade=grade) for _ in range(4)]
        members += team_members
        for index, member in enumerate(team_members):
            for _ in range(rng.randint(0, 9) if index else 0):  # the first holds nothing
                CaseFactory(
                    team=team,
                    practitioner=member.practitioner,
                    category=rng.choice(categories),
                    level=rng.choice(levels),
                    flags=rng.choice(FLAG_SETS),
                    sibling_group=rng.choice(["", "", "FAM-1", "FAM-2"]) if index == 3 else "",
                    **_dates(rng),
                )
        held = Case.objects.filter(team=team, practitioner__isnull=False).order_by("pk")
        if team != org.other_team:
            for case, member in zip(held[:3], team_members[1:], strict=False):
                CaseEventFactory(
                    case=case, kind=EventKind.REPORT_COMPLETED, report_type="court_standard",
                    practitioner=member.practitioner, occurred_on=ON - dt.timedelta(days=rng.randint(0, 40)),
                )  # fmt: skip
                CaseEventFactory(
                    case=case, kind=EventKind.CMS_CONTACT,
                    contact_type="CMS40" if team == org.team else "CMS03",
                    practitioner=team_members[0].practitioner, occurred_on=ON - dt.timedelta(days=2),
                )  # fmt: skip
        ReductionFactory(membership=team_members[2], hours=Decimal("7.4"))
    return members


def test_cases_added_up_by_the_database_give_the_figures_and_digests_of_scoring_case_by_case(mixed):
    scores = score_totalled(membership_rows(ON, [m.pk for m in mixed]), ON)
    by_case = {m.membership.pk: m for m in score_memberships(current_memberships(ON), ON)}

    assert {t.membership.pk for t in scores.totalled} | set(scores.case_by_case) == set(by_case)
    compared = warned_cases = 0
    for totalled in scores.totalled:
        one_by_one = by_case[totalled.membership.pk]
        fingerprint = fingerprint_of_items(one_by_one.result.items, one_by_one.case_ids or {})
        assert totalled.fingerprint == fingerprint
        for name in ("total_points", "unrounded_points", "available_points", "workload_percent", "rag",
                     "case_count", "capacity_steps", "remaining_points"):  # fmt: skip
            assert getattr(totalled.result, name) == getattr(one_by_one.result, name), name
        # Every warning but the cases' own, whose words are built when a row is scored case by case.
        assert totalled.result.warnings == _not_of_cases(one_by_one.result.warnings)
        warned_cases += len(one_by_one.result.warnings) - len(totalled.result.warnings)
        assert _digest(totalled.version, totalled.result, totalled.fingerprint) == _digest(
            one_by_one.version, one_by_one.result, fingerprint
        )
        compared += 1
    assert compared >= 9
    assert warned_cases  # cases the scheme cannot score were among them, and the digests still agree
    # Sibling groups are shared case by case (children-services): their holder is left to that path.
    siblings = {m.pk for m in mixed if m.team.code == "SOUTH-T"}
    assert set(scores.case_by_case) <= siblings and scores.case_by_case


def _not_of_cases(warnings: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in warnings if not w.startswith(CASE_WARNING_PREFIX))


def _rows() -> dict[int, tuple]:
    """Every stored row's figures, digest, breakdown as shown (`with_case_lines`) and version."""
    return {
        w.membership_id: (w.total_points, w.available_points, w.workload_percent, w.case_count, w.digest,
                          _shown(w).breakdown, w.scheme_version_id)
        for w in Workload.objects.all()
    }  # fmt: skip


def _shown(workload: Workload) -> Workload:
    shown = with_case_lines(workload)
    assert shown is not None
    return shown


def _not_recalculated_when_shown(monkeypatch) -> None:
    """Make a recalculation by `with_case_lines` (a row found out of date) fail the test."""

    def refused(*args, **kwargs):
        raise AssertionError("a row was out of date when shown")

    monkeypatch.setattr(services, "recalculate", refused)


def test_a_full_recalculation_shows_the_rows_scoring_each_membership_alone_stores(mixed, monkeypatch):
    for member in mixed:
        recalculate([member])
    alone = _rows()
    assert not any(CASE_LINES_ON_DEMAND in row[5] for row in alone.values())
    Workload.objects.all().delete()

    monkeypatch.setattr(services, "BULK_SCORING", 2)
    assert recalculate(mixed) == len(alone)

    stored = {w.membership_id: w.breakdown for w in Workload.objects.all()}
    on_demand = {pk for pk, breakdown in stored.items() if breakdown.get(CASE_LINES_ON_DEMAND)}
    siblings = {
        m.pk for m in mixed if m.team.code == "SOUTH-T" and m.practitioner.cases.exclude(sibling_group="")
    }
    holders = {pk for pk, row in alone.items() if row[3]}  # with no case held, the breakdown is whole
    assert holders != set(alone)
    assert on_demand == holders - siblings and len(on_demand) >= 6  # the rest were scored case by case
    for pk in on_demand:
        assert not [i for i in stored[pk]["items"] if i["kind"] in ("case", "case_total")]
        shown_items = alone[pk][5]["items"]
        assert stored[pk]["items"] == [i for i in shown_items if i["kind"] != "case"]  # the other lines
    assert any(i["kind"] == "case" for pk in on_demand for i in alone[pk][5]["items"])
    _not_recalculated_when_shown(monkeypatch)
    revisions = dict(Workload.objects.values_list("membership_id", "revision"))
    assert _rows() == alone  # figures, digests and (shown) breakdowns
    assert dict(Workload.objects.values_list("membership_id", "revision")) == revisions
    assert {w.membership_id: w.breakdown for w in Workload.objects.all()} == stored  # shown, not written


def test_too_many_kinds_of_case_are_scored_case_by_case_with_the_same_result(mixed, monkeypatch):
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    recalculate(mixed)
    before = _rows()
    monkeypatch.setattr(bulk, "MAX_KINDS", 1)
    bulk.forget_kinds(stored=True)  # else the kinds scored above are known, and need not be read again

    scores = score_totalled(membership_rows(ON, [m.pk for m in mixed]), ON)
    assert not scores.totalled and len(scores.case_by_case) == len(mixed)
    Workload.objects.all().delete()
    recalculate(mixed)
    assert _rows() == before


def test_unchanged_rows_only_record_the_run_and_changed_ones_are_rewritten(mixed, monkeypatch):
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    recalculate(mixed)
    Workload.objects.update(breakdown={"marker": "left alone"})
    first = {w.membership_id: w for w in Workload.objects.all()}

    # Two officers of the direct scheme swap one case each of the same kind, behind the services' back:
    # their totals stay the same, but their case lines change.
    a, b = [m for m in mixed if m.team.code == "NORTH-B"][1:3]
    case_a, case_b = (CaseFactory(team=m.team, practitioner=m.practitioner, level="B1") for m in (a, b))
    recalculate(mixed)
    Workload.objects.update(breakdown={"marker": "left alone"})
    totals = dict(Workload.objects.values_list("membership_id", "total_points"))
    Case.objects.filter(pk=case_a.pk).update(practitioner=b.practitioner)
    Case.objects.filter(pk=case_b.pk).update(practitioner=a.practitioner)

    with time_machine.travel(dt.datetime(2026, 3, 16, 15, 0, tzinfo=dt.UTC), tick=False):
        recalculate(mixed, reason="Full run")

    after = {w.membership_id: w for w in Workload.objects.all()}
    rewritten = {pk for pk, w in after.items() if w.breakdown != {"marker": "left alone"}}
    assert rewritten == {a.pk, b.pk}
    for pk in (a.pk, b.pk):
        assert after[pk].total_points == totals[pk]  # the same points, from another case
        assert after[pk].breakdown[CASE_LINES_ON_DEMAND]
        references = {i["reference"] for i in _shown(after[pk]).breakdown["items"] if i["kind"] == "case"}
        assert (case_a.reference in references) == (pk == b.pk)
    assert all(w.reason == "Full run" and w.revision == first[pk].revision + 2 for pk, w in after.items())


def test_a_date_that_moves_a_spread_activity_out_of_its_window_rewrites_the_row(mixed, monkeypatch):
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    member = next(m for m in mixed if m.team.code == "NORTH-A")
    CaseFactory(team=member.team, practitioner=member.practitioner, category="community", level="A3",
                start_date=ON - dt.timedelta(days=83))  # fmt: skip
    recalculate(mixed)
    before = {w.membership_id: w for w in Workload.objects.all()}

    later = ON + dt.timedelta(days=2)  # the induction's 12 weeks are over for that case
    recalculate(mixed, on=later)

    after = {w.membership_id: w for w in Workload.objects.all()}
    assert after[member.pk].total_points < before[member.pk].total_points
    assert after[member.pk].calculated_for == later
    by_case = score_memberships(current_memberships(later, membership_ids=[member.pk]), later)[0]
    assert after[member.pk].total_points == by_case.result.total_points


def test_a_kind_of_case_not_seen_before_is_read_and_scored_when_the_others_are_known(mixed, monkeypatch):
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    bulk.forget_kinds()
    recalculate(mixed)  # every kind held so far is now known
    member = next(m for m in mixed if m.team.code == "NORTH-B")
    CaseFactory(team=member.team, practitioner=member.practitioner, category="licence", level="A1",
                flags=["warrant", "young_adult"])  # fmt: skip

    scores = score_totalled(membership_rows(ON, [m.pk for m in mixed]), ON)

    [one_by_one] = score_memberships(current_memberships(ON, membership_ids=[member.pk]), ON)
    [totalled] = [t for t in scores.totalled if t.membership.pk == member.pk]
    assert totalled.result.total_points == one_by_one.result.total_points
    assert totalled.fingerprint == fingerprint_of_items(one_by_one.result.items, one_by_one.case_ids or {})
    assert member.pk not in scores.case_by_case


def _figures(scores: bulk.BulkScores) -> dict[int, tuple]:
    return {
        t.membership.pk: (t.result.total_points, t.result.warnings, t.fingerprint) for t in scores.totalled
    }


def _counting_kinds_reads(monkeypatch) -> list[int]:
    """Count the reads of every kind of held case (the query a known kind saves)."""
    reads: list[int] = []
    read = bulk._kinds

    def counted(*args, **kwargs):
        reads.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(bulk, "_kinds", counted)
    return reads


def test_a_new_process_uses_the_kinds_kept_in_the_database_with_the_same_result(mixed, monkeypatch):
    bulk.forget_kinds(stored=True)
    rows = membership_rows(ON, [m.pk for m in mixed])
    first = score_totalled(rows, ON)
    kept = list(KnownKinds.objects.all())
    assert kept and all(row.engine == bulk.engine_fingerprint() for row in kept)
    bulk.forget_kinds()  # as in a process started afterwards
    reads = _counting_kinds_reads(monkeypatch)

    again = score_totalled(rows, ON)

    assert reads == []
    assert _figures(again) == _figures(first) and again.case_by_case == first.case_by_case


def test_kinds_kept_by_other_scoring_code_are_not_used_but_their_cases_are_scored_again(mixed, monkeypatch):
    bulk.forget_kinds(stored=True)
    rows = membership_rows(ON, [m.pk for m in mixed])
    first = score_totalled(rows, ON)
    for row in KnownKinds.objects.all():  # points the code of another version might have given
        row.kinds = {text: [99999, *value[1:]] for text, value in row.kinds.items()}
        row.save()
    bulk.forget_kinds()
    monkeypatch.setattr(bulk, "engine_fingerprint", lambda: "0" * 32)  # an upgraded engine
    reads = _counting_kinds_reads(monkeypatch)

    again = score_totalled(rows, ON)

    assert reads == []  # every kind found again from the cases that stood for them, not by grouping
    assert _figures(again) == _figures(first)  # scored again: the points kept by the other code are unused
    assert set(KnownKinds.objects.values_list("engine", flat=True)) == {"0" * 32}
    assert all(value[0] != 99999 for row in KnownKinds.objects.all() for value in row.kinds.values())


def test_cases_that_stood_for_a_kind_and_have_changed_since_still_give_the_figures_of_each_case(
    mixed, monkeypatch
):
    bulk.forget_kinds(stored=True)
    rows = membership_rows(ON, [m.pk for m in mixed])
    score_totalled(rows, ON)
    standing = sorted({value[2] for row in KnownKinds.objects.all() for value in row.kinds.values()})
    Case.objects.filter(pk=standing[0]).update(level="C2", flags=["warrant"])  # another kind now
    Case.objects.filter(pk=standing[1]).update(status="closed", closed_date=ON)  # no longer held open
    bulk.forget_kinds()
    monkeypatch.setattr(bulk, "engine_fingerprint", lambda: "0" * 32)

    scores = score_totalled(rows, ON)

    by_case = {m.membership.pk: m for m in score_memberships(current_memberships(ON), ON)}
    assert len(scores.totalled) >= 9
    for totalled in scores.totalled:
        one_by_one = by_case[totalled.membership.pk]
        assert totalled.result.total_points == one_by_one.result.total_points
        assert totalled.result.warnings == _not_of_cases(one_by_one.result.warnings)
        assert totalled.fingerprint == fingerprint_of_items(
            one_by_one.result.items, one_by_one.case_ids or {}
        )


@pytest.mark.parametrize(
    "kinds",
    [
        ["not", "a", "mapping"],
        {"x": "not a value"},
        {"x": [1, 0, 1]},  # a mark of 0
        {"x": [1, 2, 0]},  # no case
        {"x": [1, 2, "3"]},
        {"x": [1, 2]},
        {"x": [1, 2, 3, 4]},
    ],
)
def test_kinds_kept_in_the_database_in_a_form_not_written_are_read_again(mixed, monkeypatch, kinds):
    bulk.forget_kinds(stored=True)
    rows = membership_rows(ON, [m.pk for m in mixed])
    first = score_totalled(rows, ON)
    KnownKinds.objects.update(kinds=kinds)
    bulk.forget_kinds()
    reads = _counting_kinds_reads(monkeypatch)

    again = score_totalled(rows, ON)

    assert len(reads) == 3  # one read for each of the three scheme versions
    assert _figures(again) == _figures(first)
    assert all(isinstance(row.kinds, dict) and "x" not in row.kinds for row in KnownKinds.objects.all())


@pytest.mark.postgres
def test_the_planner_settings_changed_for_the_join_are_back_after_it(mixed, monkeypatch):
    """The join's planner settings (merge joins and JIT off) last for that query only."""
    from django.db import connection, transaction

    monkeypatch.setattr(services, "BULK_SCORING", 2)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        recalculate(mixed)
        cursor.execute("SELECT current_setting('enable_mergejoin'), current_setting('jit')")
        assert cursor.fetchone() == ("on", "on")


def test_keeping_kinds_drops_rows_of_this_definition_by_other_code_and_rows_long_unused(mixed):
    bulk.forget_kinds(stored=True)
    rows = membership_rows(ON, [m.pk for m in mixed])
    score_totalled(rows, ON)
    [recent, unused, _] = KnownKinds.objects.order_by("pk")
    stale = KnownKinds.objects.create(
        key="a" * 64, definition_sha256=recent.definition_sha256, engine="1" * 32, kinds={}
    )
    other = KnownKinds.objects.create(key="b" * 64, definition_sha256="c" * 64, engine="1" * 32, kinds={})
    KnownKinds.objects.filter(pk=unused.pk).update(updated_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    KnownKinds.objects.filter(pk=recent.pk).delete()
    bulk.forget_kinds()

    score_totalled(rows, ON)

    left = set(KnownKinds.objects.values_list("pk", flat=True))
    assert stale.pk not in left  # this definition, other code: superseded
    assert other.pk in left  # another definition: its cases may stand for their kinds again
    assert not KnownKinds.objects.filter(updated_at__year=2024).exists()  # unused for over 400 days: dropped


def test_a_shared_memo_of_line_marks_gives_the_fingerprint_worked_out_line_by_line():
    from caseload.domain.results import KIND_CASE, BreakdownItem

    rule = "Community A3: 12.5 points"
    lines = [
        BreakdownItem(KIND_CASE, "R1", Decimal("12.50"), rule),
        BreakdownItem(KIND_CASE, "R2", Decimal("12.50"), rule),
        BreakdownItem(KIND_CASE, "R3", Decimal("12.5"), rule),  # equal points, written otherwise
        BreakdownItem(KIND_CASE, "R4", Decimal("12.50"), "another " + rule),
        BreakdownItem("report", "court", Decimal("5.00"), "a report"),
    ]
    ids = {"R1": 11, "R2": 12, "R3": 13, "R4": 14}
    by_hand = sum(
        (ids[line.reference] % bulk.ID_MODULUS + 1) * bulk.line_mark(line.points, line.rule)
        for line in lines[:4]
    )
    marks: bulk.LineMarks = {}
    for _ in range(2):  # the second time from the memo
        assert fingerprint_of_items(lines, ids, marks) == bulk.CaseFingerprint(4, 5000, by_hand)
    assert bulk.line_mark(Decimal("12.5"), rule) != bulk.line_mark(Decimal("12.50"), rule)


def test_the_first_full_recalculation_adds_everyone_up_and_stores_no_case_lines(mixed, monkeypatch):
    """With no stored figures, every membership the database can add up is added up (no case by case)."""
    for member in mixed:
        recalculate([member])
    alone = _rows()
    Workload.objects.all().delete()
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    scored_alone = []
    original = services.score_memberships
    monkeypatch.setattr(
        services, "score_memberships", lambda ms, on: scored_alone.extend(ms) or original(ms, on)
    )

    assert recalculate(mixed) == len(mixed)

    siblings = {
        m.pk for m in mixed if m.team.code == "SOUTH-T" and m.practitioner.cases.exclude(sibling_group="")
    }
    assert {m.pk for m in scored_alone} == siblings  # only those the database cannot add up exactly
    on_demand = Workload.objects.filter(**{f"breakdown__{CASE_LINES_ON_DEMAND}": True})
    holders = {m.pk for m in mixed if m.practitioner.cases.filter(status="active").exists()}
    assert set(on_demand.values_list("membership_id", flat=True)) == holders - siblings
    monkeypatch.setattr(services, "score_memberships", original)
    assert _rows() == alone


def test_after_a_row_of_another_version_a_full_recalculation_stores_what_scoring_alone_stores(
    mixed, monkeypatch
):
    for member in mixed:
        recalculate([member])
    alone = _rows()
    monkeypatch.setattr(services, "BULK_SCORING", 2)
    one = Workload.objects.exclude(case_count=0).order_by("pk").first()
    other = Workload.objects.exclude(scheme_version_id=one.scheme_version_id).values_list(
        "scheme_version_id", flat=True
    )[0]
    # A row of another scheme version (its digest, which covers the version, differs too).
    Workload.objects.filter(pk=one.pk).update(
        scheme_version_id=other, breakdown={"marker": "old"}, total_points=0, digest="of the other version"
    )
    Workload.objects.exclude(pk=one.pk).update(breakdown={"marker": "left alone"})
    revisions = dict(Workload.objects.values_list("membership_id", "revision"))
    sums = []
    original = bulk._sums
    monkeypatch.setattr(bulk, "_sums", lambda held, kinds: sums.append(1) or original(held, kinds))

    assert recalculate(mixed) == len(alone)

    after = {w.membership_id: w for w in Workload.objects.all()}
    assert after[one.membership_id].breakdown[CASE_LINES_ON_DEMAND]  # rewritten, case lines when shown
    assert _shown(after[one.membership_id]).breakdown == alone[one.membership_id][5]
    assert after[one.membership_id].scheme_version_id == one.scheme_version_id
    rest = {pk: w for pk, w in after.items() if pk != one.membership_id}
    assert {w.breakdown["marker"] for w in rest.values()} == {"left alone"}  # only the run recorded
    assert all(w.revision == revisions[pk] + 1 for pk, w in after.items())
    assert sums  # the others were added up as usual
    for pk, row in _rows().items():
        assert row[:5] == alone[pk][:5] and row[6] == alone[pk][6]  # the same figures, digest and version


@pytest.mark.parametrize(
    "copied", [False, pytest.param(True, marks=pytest.mark.postgres)], ids=["statements", "copied"]
)
def test_rows_are_written_as_bulk_create_and_bulk_update_write_them(mixed, monkeypatch, copied):
    """`_write_rows` sends each value as its field would (`_preparers`): the rows it inserts are those
    `bulk_create` inserts, and the rows it rewrites those `bulk_update` writes, whether sent as statements or
    (on PostgreSQL, many rows) through COPY, a few lines at a time; all new, all stored, then some of each,
    then without case lines; several times in one transaction, as the tests' transaction is. The reason
    and a breakdown's warning hold what COPY's text form escapes."""
    from django.forms.models import model_to_dict

    if copied:
        monkeypatch.setattr(services, "COPY_FROM", 1)
        monkeypatch.setattr(services, "COPY_LINES", 5)  # several sends, and the rest after the last
    from caseload.workloads.services import _FIELDS, StoredRow, _breakdown_of, _figures_of, _write_rows

    written = {"membership", *_FIELDS, "revision"}  # every column but the id and the generated ones
    assert written == {
        f.name for f in Workload._meta.concrete_fields if not f.primary_key and not f.generated
    }

    scored = score_memberships(current_memberships(ON), ON)
    now = dt.datetime(2026, 3, 16, 9, 30, 15, 123456, tzinfo=dt.UTC)
    reason = "A reason:\ta tab, a back\\slash, \\N, a new\nline, a return\r and × – ✓"
    rows = [(m.membership.pk, m.version, m.result, f"digest {m.membership.pk}") for m in scored]
    pk, version, result, digest = rows[0]
    warning = 'A warning with "quotes", a back\\slash, a tab\t and a new\nline'
    rows[0] = (pk, version, dataclasses.replace(result, warnings=(*result.warnings, warning)), digest)
    assert len(rows) > 5 and any(r.case_count for _, _, r, _ in rows)

    def stored() -> list[dict]:
        found = Workload.objects.order_by("membership_id")
        return [{**model_to_dict(w, exclude=["id"]), "calculated_at": w.calculated_at} for w in found]

    def instances(revision: int, case_lines: bool = True) -> list[Workload]:
        return [
            Workload(membership_id=pk, revision=revision, breakdown=_breakdown_of(result, case_lines=case_lines),
                     calculated_for=result.on,
                     calculated_at=now, reason=reason, digest=digest, **_figures_of(version, result))
            for pk, version, result, digest in rows
        ]  # fmt: skip

    _write_rows(rows, reason, now, {})
    inserted = stored()
    Workload.objects.all().delete()
    Workload.objects.bulk_create(instances(1))
    assert inserted == stored() and len(inserted) == len(mixed)

    existing = {w.membership_id: StoredRow(w.pk, w.digest, 0, w.revision) for w in Workload.objects.all()}
    other_version = SchemeVersion.objects.exclude(pk__in=[v.pk for _, v, *_ in rows]).first()
    assert other_version is not None
    Workload.objects.update(  # every column written changed, so that each one's writing is checked
        scheme_version=other_version, total_points=0, available_points=1, workload_percent=2, rag="x",
        rag_name="y", case_count=3, contracted_hours=4, reduction_hours=5, calculated_for=dt.date(2020, 1, 1),
        calculated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), reason="", breakdown={}, digest="", revision=0,
    )  # fmt: skip
    _write_rows(rows, reason, now, existing)
    rewritten = stored()
    updated = instances(2)
    for workload in updated:
        workload.pk = existing[workload.membership_id].pk
    Workload.objects.bulk_update(updated, [*_FIELDS, "revision"])
    assert rewritten == stored() and {row["revision"] for row in rewritten} == {2}
    assert {row["reason"] for row in rewritten} == {reason}

    # Some rows new and some stored, in one call.
    kept = {pk: row for pk, row in existing.items() if pk % 2}
    assert kept and len(kept) < len(existing)
    Workload.objects.exclude(membership_id__in=kept).delete()
    _write_rows(rows, reason, now, {pk: StoredRow(r.pk, "", 0, 2) for pk, r in kept.items()})
    mixed_write = stored()
    Workload.objects.all().delete()
    Workload.objects.bulk_create(
        [w for w in instances(3) if w.membership_id in kept]
        + [w for w in instances(1) if w.membership_id not in kept]
    )
    assert mixed_write == stored() and len(mixed_write) == len(mixed)

    # Results with their cases added up, without case lines, as a full recalculation writes them.
    totalled = score_totalled(membership_rows(ON), ON).totalled
    rows = [(m.membership.pk, m.version, m.result, f"digest {m.membership.pk}") for m in totalled]
    pk, version, result, digest = rows[0]
    rows[0] = (pk, version, dataclasses.replace(result, warnings=(*result.warnings, warning)), digest)
    Workload.objects.all().delete()
    _write_rows(rows, reason, now, {}, case_lines=False)
    without = stored()
    Workload.objects.all().delete()
    Workload.objects.bulk_create(instances(1, case_lines=False))
    assert without == stored() and len(without) == len(totalled) > 5
    assert any(row["breakdown"].get(services.CASE_LINES_ON_DEMAND) for row in without)
    assert warning in without[0]["breakdown"]["warnings"]


def test_a_breakdown_is_the_engines_json_form_of_the_result(mixed):
    from caseload.domain.results_json import result_as_dict
    from caseload.workloads.services import BREAKDOWN_KEYS, _breakdown, _breakdown_of

    scored = score_memberships(current_memberships(ON), ON)
    for member in scored:
        as_dict = result_as_dict(member.result)
        assert _breakdown(member) == {
            "scheme": as_dict["scheme"],
            **{key: as_dict[key] for key in BREAKDOWN_KEYS},
        }
    assert sum(len(_breakdown(m)["items"]) for m in scored) > len(scored)
    for member in score_totalled(membership_rows(ON, [m.pk for m in mixed]), ON).totalled:
        as_dict = result_as_dict(member.result)
        without = _breakdown_of(member.result, case_lines=False)
        assert without["items"] == [i for i in as_dict["items"] if i["kind"] != "case_total"]
        assert without.get(CASE_LINES_ON_DEMAND) is (True if member.result.case_count else None)


def _digest_as_first_written(version, result, cases) -> str:
    """The digest as the stored rows' digests were first made: every figure `_figures_of` stores, by name,
    then the rest. Stored digests must keep their bytes (else every row is rewritten after an upgrade),
    and a figure added to `_figures_of` must reach the digest."""
    import hashlib

    from caseload.domain.results import KIND_CASE_TOTAL
    from caseload.workloads.services import _figures_of

    figures = _figures_of(version, result)
    parts = [f"{name}={value.pk if name == 'scheme_version' else value}" for name, value in figures.items()]
    parts += [result.scheme_name, result.scheme_version, str(result.unrounded_points)]
    parts += [str(result.remaining_points), str(len(result.capacity_steps))]
    parts += [
        f"{i.kind}\x1f{i.reference}\x1f{i.points}\x1f{i.rule}"
        for i in result.items
        if i.kind not in ("case", KIND_CASE_TOTAL)
    ]
    parts += [f"{step.label}\x1f{step.value}" for step in result.capacity_steps]
    parts += [warning for warning in result.warnings if not warning.startswith(CASE_WARNING_PREFIX)]
    parts.append(f"cases\x1f{cases.count}\x1f{cases.hundredths}\x1f{cases.checksum}")
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=16).hexdigest()


def test_the_digest_keeps_the_bytes_it_was_first_made_of(mixed):
    scores = score_totalled(membership_rows(ON, [m.pk for m in mixed]), ON)
    steps: dict = {}
    for member in scores.totalled:
        expected = _digest_as_first_written(member.version, member.result, member.fingerprint)
        assert _digest(member.version, member.result, member.fingerprint) == expected
        assert _digest(member.version, member.result, member.fingerprint, steps) == expected  # memoised
        assert _digest(member.version, member.result, member.fingerprint, steps) == expected  # from the memo
    assert len(scores.totalled) >= 9


@pytest.mark.parametrize("rows_stored", [False, True])
def test_the_daily_run_takes_the_snapshots_take_snapshots_takes(mixed, rows_stored):
    """Whether the daily run finds rows stored (most unchanged) or none (every row created), its snapshots
    hold the figures of scoring each membership from scratch."""
    from caseload.workloads.models import UnitSnapshot, WorkloadSnapshot
    from caseload.workloads.services import run_daily, take_snapshots
    from caseload.workloads.snapshot_policy import SnapshotPolicy

    def snapshots() -> tuple[dict, dict]:
        members = {s.membership_id: (s.total_points, s.available_points, s.workload_percent, s.case_count,
                                     s.scheme_version_id) for s in WorkloadSnapshot.objects.filter(on=ON)}  # fmt: skip
        units = {u.unit_id: (u.total_points, u.available_points, u.workload_percent, u.memberships, u.headcount,
                             u.fte, u.rag_counts, u.over_red) for u in UnitSnapshot.objects.filter(on=ON)}  # fmt: skip
        return members, units

    take_snapshots(ON)
    expected = snapshots()
    if rows_stored:
        recalculate(mixed)
    else:
        Workload.objects.all().delete()

    daily = run_daily(ON, policy=SnapshotPolicy(every_days=1))

    assert daily.snapshot_day and snapshots() == expected
    assert len(expected[0]) == len(mixed) and expected[1]
