"""Properties that must hold for any workload (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from caseload.domain.aggregate import aggregate
from caseload.domain.case_points import CaseRules, explain_case
from caseload.domain.scheme import Scheme
from caseload.domain.scoring import score_practitioner, score_practitioners
from caseload.domain.tests.helpers import ON, children, legacy, probation_2022
from caseload.domain.values import CaseInput, CaseTotal, CmsContactInput, PractitionerInput, ReductionInput

SCHEMES = st.sampled_from(["legacy", "2022", "children"])
PICK = {"legacy": legacy, "2022": probation_2022, "children": children}
FLAGS = [
    "warrant",
    "unpaid_work_only",
    "overdue_termination",
    "young_adult",
    "interpreter",
    "travel",
    "court",
]
dates = st.integers(-800, 800).map(lambda days: ON + timedelta(days=days))


def level_codes(scheme: Scheme, category: str) -> list[str | None]:
    return [None, *scheme.categories_by_code[category].levels_by_code]


@st.composite
def cases(draw: st.DrawFn, scheme: Scheme, reference: str) -> CaseInput:
    category = draw(st.sampled_from([c.code for c in scheme.categories]))
    return CaseInput(
        reference=reference,
        category=category,
        level=draw(st.sampled_from(level_codes(scheme, category))),
        status=draw(st.sampled_from([s.code for s in scheme.case_statuses])),
        flags=frozenset(draw(st.lists(st.sampled_from(FLAGS), max_size=3))),
        sibling_group=draw(st.sampled_from([None, None, "G1", "G2"])),
        start_date=draw(st.none() | dates),
        expected_end_date=draw(st.none() | dates),
        expected_release_date=draw(st.none() | dates),
    )


@st.composite
def reductions(draw: st.DrawFn, scheme: Scheme) -> ReductionInput:
    start = draw(dates)
    return ReductionInput(
        reason=draw(st.sampled_from([r.code for r in scheme.reduction_reasons])),
        hours=Decimal(draw(st.integers(0, 200))) / 10,
        effective_from=start,
        effective_to=draw(st.none() | st.integers(0, 400).map(lambda d: start + timedelta(days=d))),
        deleted=draw(st.booleans()),
    )


@st.composite
def people(draw: st.DrawFn, scheme: Scheme, identifier: str = "p1") -> PractitionerInput:
    count = draw(st.integers(0, 8))
    return PractitionerInput(
        id=identifier,
        name=identifier,
        grade=draw(st.sampled_from([g.code for g in scheme.grades])),
        contracted_hours=Decimal(draw(st.integers(0, 480))) / 10,
        reductions=tuple(draw(st.lists(reductions(scheme), max_size=3))),
        cases=tuple(draw(cases(scheme, f"{identifier}-{i}")) for i in range(count)),
    )


@st.composite
def scheme_and_person(draw: st.DrawFn) -> tuple[Scheme, PractitionerInput]:
    scheme = PICK[draw(SCHEMES)]()
    return scheme, draw(people(scheme))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_adding_a_case_never_lowers_total_points(data: st.DataObject) -> None:
    scheme, person = data.draw(scheme_and_person())
    extra = data.draw(cases(scheme, "zz-new"))
    before = score_practitioner(scheme, person, ON)
    after = score_practitioner(scheme, replace(person, cases=(*person.cases, extra)), ON)
    assert after.unrounded_points >= before.unrounded_points
    assert after.total_points >= before.total_points


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_reduction_never_raises_available_time(data: st.DataObject) -> None:
    scheme, person = data.draw(scheme_and_person())
    extra = data.draw(reductions(scheme))
    before = score_practitioner(scheme, person, ON)
    after = score_practitioner(scheme, replace(person, reductions=(*person.reductions, extra)), ON)
    assert after.available_points <= before.available_points
    assert after.available_points >= 0


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_results_do_not_depend_on_the_order_of_cases_or_reductions(data: st.DataObject) -> None:
    scheme, person = data.draw(scheme_and_person())
    shuffled = replace(
        person,
        cases=tuple(data.draw(st.permutations(person.cases))),
        reductions=tuple(data.draw(st.permutations(person.reductions))),
    )
    assert score_practitioner(scheme, shuffled, ON) == score_practitioner(scheme, person, ON)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_aggregates_equal_the_sums_and_cms_conserves_points(data: st.DataObject) -> None:
    scheme = legacy()
    team = [data.draw(people(scheme, f"p{i}")) for i in range(data.draw(st.integers(1, 4)))]
    ids = [p.id for p in team]
    contacts = data.draw(
        st.lists(
            st.builds(
                CmsContactInput,
                contact_type=st.sampled_from(["CMS01", "CMS18", "CMS26", "NGS001"]),
                contact_date=st.integers(0, 10).map(lambda d: ON - timedelta(days=d)),
                case_reference=st.just("X"),
                performed_by=st.sampled_from(ids),
                case_holder=st.sampled_from(ids),
            ),
            max_size=6,
        )
    )
    with_cms = score_practitioners(scheme, team, contacts, ON)
    without = score_practitioners(scheme, team, (), ON)
    moved = sum((i.points for r in with_cms for i in r.items if i.kind == "cms"), Decimal(0))
    assert moved == 0
    assert sum((r.unrounded_points for r in with_cms), Decimal(0)) == sum(
        (r.unrounded_points for r in without), Decimal(0)
    )
    total = aggregate(scheme, "team", with_cms)
    assert total.total_points == sum((r.total_points for r in with_cms), Decimal(0))
    assert total.available_points == sum((r.available_points for r in with_cms), Decimal(0))


def test_properties_cover_dated_reductions() -> None:
    """Guard for the strategies above: a reduction in force on ON does lower available time."""
    scheme = probation_2022()
    person = PractitionerInput("p", "p", "PO", Decimal(37))
    reduced = PractitionerInput(
        "p", "p", "PO", Decimal(37), (ReductionInput("other", Decimal(1), date(2026, 1, 1)),)
    )
    assert (
        score_practitioner(scheme, reduced, ON).available_points
        < score_practitioner(scheme, person, ON).available_points
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_memoised_case_rules_equal_evaluating_each_case_whatever_other_flags_it_carries(
    data: st.DataObject,
) -> None:
    """`CaseRules` keys its memo on the flags the scheme reads only: a case with other flags, seen after one
    without them, still gets exactly the points and rule line of evaluating it on its own."""
    scheme = PICK[data.draw(SCHEMES)]()
    rules = CaseRules(scheme, ON)
    for index in range(6):
        case = data.draw(cases(scheme, f"c{index}"))
        noisy = replace(case, flags=case.flags | {"not-read-by-any-rule", f"other-{index % 2}"})
        for one in (case, noisy):
            explained = explain_case(scheme, one, ON)
            rule = rules.rule_for(one)
            assert (rule.points, rule.rule, rule.warning) == (
                explained.points,
                explained.rule,
                explained.warning,
            )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_cases_given_as_a_total_give_the_figures_of_the_cases_themselves(data: st.DataObject) -> None:
    """A `CaseTotal` (cases added up outside the engine) scores like the case lines it stands for."""
    scheme, person = data.draw(scheme_and_person())
    by_case = score_practitioner(scheme, person, ON)
    lines = [item for item in by_case.items if item.kind == "case"]
    warnings = tuple(w for w in by_case.warnings if w.startswith("case "))
    total = CaseTotal(len(lines), sum((item.points for item in lines), Decimal("0.00")), warnings)
    totalled = score_practitioner(scheme, replace(person, cases=(), case_total=total), ON)
    for name in ("total_points", "unrounded_points", "available_points", "workload_percent", "rag",
                 "remaining_points", "case_count", "capacity_steps"):  # fmt: skip
        assert getattr(totalled, name) == getattr(by_case, name), name
    assert totalled.warnings == by_case.warnings
    assert [i for i in totalled.items if i.kind != "case_total"] == [
        i for i in by_case.items if i.kind != "case"
    ]
