"""Well-being workflows with frozen time: the daily check opens, escalates and resolves alerts; concerns
and "this looks wrong" queries are recorded, answered and notified."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from caseload.core.audit import history
from caseload.core.models import Role
from caseload.core.tests.factories import UserFactory
from caseload.notifications.models import Notification
from caseload.wellbeing import services
from caseload.wellbeing.models import (
    AlertSource,
    AlertStatus,
    ConcernStatus,
    QueryStatus,
    WellbeingAlert,
)
from caseload.wellbeing.tests.factories import snapshot, weekly

TODAY = dt.date(2026, 3, 16)  # conftest FROZEN_NOW


@pytest.fixture
def pat(legacy, practitioner_user, team_manager, area_manager, senior_leader, frozen_now):
    """Pat's membership in North Team A, with the line in place and the clock at 16 March 2026."""
    return practitioner_user.practitioner.memberships.get()


def overloaded(membership, until=TODAY, weeks=4, percent=120):
    weekly(membership, until, *([percent] * weeks))


def sent_to(user, kind):
    return Notification.objects.filter(user=user, kind=kind).count()


def test_four_weeks_over_110_opens_one_alert_and_tells_the_team_manager(pat, team_manager, area_manager):
    overloaded(pat)
    result = services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    assert result.opened == [alert.pk]
    assert alert.source == AlertSource.OVERLOAD
    assert alert.rule_description == "Over 110% for 4 consecutive weeks"
    assert alert.opened_on == TODAY
    assert alert.overload_since == TODAY - dt.timedelta(weeks=3)
    assert alert.action_plan_due == dt.date(2026, 3, 26)  # 10 days
    assert alert.status == AlertStatus.OPEN
    step = alert.escalations.get()
    assert (step.level, step.unit, step.step_name) == (0, pat.team, "senior_probation_officer")
    assert list(step.notified.all()) == [team_manager]
    assert sent_to(team_manager, "wellbeing_alert_opened") == 1
    assert sent_to(area_manager, "wellbeing_alert_opened") == 0
    assert history(alert).exists()

    again = services.check_wellbeing(TODAY)  # the same day, run twice: nothing new
    assert again.opened == [] and again.escalated == []
    assert WellbeingAlert.objects.count() == 1
    assert sent_to(team_manager, "wellbeing_alert_opened") == 1


def test_three_weeks_or_a_missing_week_opens_nothing(pat):
    overloaded(pat, weeks=3)
    snapshot(pat, TODAY - dt.timedelta(weeks=4), 120)  # week 4 back: the window of week 3 back is empty
    assert services.check_wellbeing(TODAY).opened == []
    assert not WellbeingAlert.objects.exists()


def test_eight_weeks_over_100_opens_with_the_second_rule(pat):
    overloaded(pat, weeks=8, percent=105)
    services.check_wellbeing(TODAY)
    assert WellbeingAlert.objects.get().rule_description == "Over 100% for 8 consecutive weeks"


def test_without_a_plan_the_alert_escalates_up_the_tree(pat, area_manager, senior_leader, time_machine):
    overloaded(pat)
    services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    # The overload persists: keep a reading every week.
    for day in (10, 11, 27, 28):
        on = TODAY + dt.timedelta(days=day)
        snapshot(pat, on, 125)
    # The plan is due on day 10 (26 March); the next day it is overdue and the alert goes to the area,
    # without waiting for the area step's own 14 days.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=10)).escalated == []
    assert services.check_wellbeing(TODAY + dt.timedelta(days=11)).escalated == [(alert.pk, 1)]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED
    step = alert.escalations.get(level=1)
    assert step.unit == pat.team.parent  # North Area
    assert step.on == TODAY + dt.timedelta(days=11)
    assert list(step.notified.all()) == [area_manager]
    assert step.reason == "The action plan was due by 26 March 2026 and has not been recorded."
    assert sent_to(area_manager, "wellbeing_alert_escalated") == 1
    # Above the team, the email names the team, not the person.
    email = Notification.objects.get(user=area_manager)
    assert "North Team A" in email.body_text and "Pat" not in email.body_text
    assert "The action plan was due by 26 March 2026" in email.body_text

    # The next step keeps its own day (28), and is not brought forward.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=27)).escalated == []
    assert services.check_wellbeing(TODAY + dt.timedelta(days=28)).escalated == [(alert.pk, 2)]
    step = alert.escalations.get(level=2)
    assert step.unit.code == "NORTH" and list(step.notified.all()) == [senior_leader]
    # Each step is recorded and sent once.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=28)).escalated == []
    assert alert.escalations.count() == 3


def test_a_plan_recorded_by_the_deadline_keeps_the_area_step_on_its_own_day(
    pat, team_manager, time_machine, frozen_now
):
    """The plan is recorded on its due day (day 10) with a review on day 12; the overload persists past
    the review. The deadline was met, so the area step waits for its own day 14."""
    overloaded(pat)
    services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    for day in (7, 14):
        snapshot(pat, TODAY + dt.timedelta(days=day), 125)
    time_machine.move_to(frozen_now + dt.timedelta(days=10), tick=False)
    services.record_action_plan(
        alert,
        actions="Pause new allocations",
        owner=team_manager,
        review_date=TODAY + dt.timedelta(days=12),
        actor=team_manager,
    )
    assert services.check_wellbeing(TODAY + dt.timedelta(days=11)).escalated == []
    assert services.check_wellbeing(TODAY + dt.timedelta(days=13)).escalated == []
    assert services.check_wellbeing(TODAY + dt.timedelta(days=14)).escalated == [(alert.pk, 1)]
    assert (
        alert.escalations.get(level=1).reason == "The overload persists after the action plan's review date."
    )


def test_the_four_steps_reach_the_director_once_each(
    pat,
    org,
    team_manager,
    area_manager,
    senior_leader,
    time_machine,
    frozen_now,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """The cast's tree has four levels: North Team A, North Area, North Division, Test Organisation. The
    daily check runs every day for eight weeks with the overload persisting and no plan recorded: each step
    of the scheme is taken once, on its day, and its unit's managers are emailed once."""
    director = UserFactory(
        username="director",
        first_name="Dee",
        last_name="Rector",
        role=Role.SENIOR_LEADER,
        org_units=[org.organisation],
    )
    overloaded(pat)
    for week in range(1, 9):
        snapshot(pat, TODAY + dt.timedelta(weeks=week), 125)
    steps_by_day: dict[int, list[int]] = {}
    for day in range(57):
        time_machine.move_to(frozen_now + dt.timedelta(days=day), tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            result = services.check_wellbeing()
        assert result.on == TODAY + dt.timedelta(days=day)
        if day == 0:
            assert len(result.opened) == 1
        if result.escalated:
            steps_by_day[day] = [level for _, level in result.escalated]
    # Day 0: the alert opens and the team's step is taken with it; the plan is overdue from day 11.
    assert steps_by_day == {11: [1], 28: [2], 56: [3]}

    alert = WellbeingAlert.objects.get()
    assert alert.status == AlertStatus.ESCALATED
    recorded = [
        (s.level, s.step_name, s.unit.code, s.on, [u.username for u in s.notified.all()])
        for s in alert.escalations.order_by("level")
    ]
    assert recorded == [
        (0, "senior_probation_officer", "NORTH-A", TODAY, ["team-manager"]),
        (1, "head_of_probation_delivery_unit", "NORTH-AREA", TODAY + dt.timedelta(days=11), ["area-manager"]),
        (2, "regional_probation_director", "NORTH", TODAY + dt.timedelta(days=28), ["senior-leader"]),
        (3, "director_general_of_probation", "ORG", TODAY + dt.timedelta(days=56), ["director"]),
    ]
    messages = smtp_server.wait_for(4)
    assert [(m["To"], m["Subject"]) for m in messages] == [
        (team_manager.email, "Well-being alert: an action plan is needed"),
        (area_manager.email, "Well-being alert escalated to you"),
        (senior_leader.email, "Well-being alert escalated to you"),
        (director.email, "Well-being alert escalated to you"),
    ]
    top = messages[-1].get_body(preferencelist=("plain",)).get_content()
    assert "director general of probation" in top and "North Team A" in top and "Pat" not in top
    assert Notification.objects.filter(user=director).count() == 1


def test_a_plan_holds_escalation_until_review_then_clearing_resolves(
    pat, team_manager, area_manager, time_machine
):
    overloaded(pat)
    services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    plan = services.record_action_plan(
        alert,
        actions="Move two cases to Team B",
        owner=team_manager,
        review_date=TODAY + dt.timedelta(days=21),
        actor=team_manager,
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.PLAN_RECORDED
    assert plan.recorded_on == TODAY and plan.recorded_by == team_manager
    assert history(plan).get().actor == team_manager

    # Still over at day 14, but the plan's review date (day 21) has not passed: no escalation.
    for day in (7, 14, 22):
        snapshot(pat, TODAY + dt.timedelta(days=day), 125)
    assert services.check_wellbeing(TODAY + dt.timedelta(days=14)).escalated == []
    # Day 22: past review and still overloaded: escalates to the area.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=22)).escalated == [(alert.pk, 1)]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED
    assert (
        alert.escalations.get(level=1).reason == "The overload persists after the action plan's review date."
    )

    # The overload clears (a new week under the threshold): the alert resolves.
    snapshot(pat, TODAY + dt.timedelta(days=29), 95)
    result = services.check_wellbeing(TODAY + dt.timedelta(days=29))
    assert result.resolved == [alert.pk]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.closed_on == TODAY + dt.timedelta(days=29)
    # Resolved alerts are not escalated; a new overload later opens a new alert.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=60)).escalated == []


def test_a_cleared_overload_without_a_plan_stays_open(pat):
    overloaded(pat)
    services.check_wellbeing(TODAY)
    snapshot(pat, TODAY + dt.timedelta(days=7), 90)
    assert services.check_wellbeing(TODAY + dt.timedelta(days=7)).resolved == []
    assert WellbeingAlert.objects.get().status == AlertStatus.OPEN


def test_a_manager_closes_an_alert_with_a_note(pat, team_manager):
    overloaded(pat)
    services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    with pytest.raises(services.WellbeingError):
        services.close_alert(alert, note="  ", actor=team_manager)
    services.close_alert(alert, note="Long-term sick: caseload moved", actor=team_manager)
    alert.refresh_from_db()
    assert (alert.status, alert.closed_by, alert.closing_note) == (
        AlertStatus.RESOLVED,
        team_manager,
        "Long-term sick: caseload moved",
    )
    with pytest.raises(services.WellbeingError):
        services.record_action_plan(
            alert, actions="x", owner=team_manager, review_date=TODAY, actor=team_manager
        )


def test_a_plan_review_date_cannot_be_in_the_past(pat, team_manager):
    overloaded(pat)
    services.check_wellbeing(TODAY)
    with pytest.raises(services.WellbeingError):
        services.record_action_plan(
            WellbeingAlert.objects.get(),
            actions="x",
            owner=team_manager,
            review_date=TODAY - dt.timedelta(days=1),
            actor=team_manager,
        )


def test_a_concern_opens_a_concern_alert_that_follows_the_workflow(pat, practitioner_user, team_manager):
    concern = services.raise_concern(pat, text="Three court reports this week", actor=practitioner_user)
    alert = concern.alert
    assert alert.source == AlertSource.CONCERN and alert.opened_on == TODAY
    assert alert.action_plan_due == dt.date(2026, 3, 26)
    assert sent_to(team_manager, "wellbeing_alert_opened") == 1
    assert history(concern).get().actor == practitioner_user
    # A second concern joins the active concern alert.
    second = services.raise_concern(pat, text="And a transfer in", actor=practitioner_user)
    assert second.alert == alert and WellbeingAlert.objects.count() == 1
    # No plan after 14 days: escalates like an overload alert.
    assert services.check_wellbeing(TODAY + dt.timedelta(days=14)).escalated == [(alert.pk, 1)]
    # A plan, and no overload: resolves at the next check.
    services.record_action_plan(
        alert,
        actions="Weekly check-in",
        owner=team_manager,
        review_date=TODAY + dt.timedelta(days=30),
        actor=team_manager,
    )
    assert services.check_wellbeing(TODAY + dt.timedelta(days=15)).resolved == [alert.pk]


def test_responding_to_a_concern_tells_the_practitioner(pat, practitioner_user, team_manager):
    concern = services.raise_concern(pat, text="Too much", actor=practitioner_user)
    services.respond_to_concern(concern, response="Let's meet on Monday", actor=team_manager)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESPONDED and concern.responded_by == team_manager
    assert sent_to(practitioner_user, "wellbeing_concern_answered") == 1


def test_flag_item_and_answer(pat, practitioner_user, team_manager):
    query = services.flag_item(
        pat, kind="case", reference="X123", note="Closed last week", actor=practitioner_user
    )
    assert query.status == QueryStatus.OPEN
    assert sent_to(team_manager, "wellbeing_item_flagged") == 1
    with pytest.raises(services.WellbeingError):
        services.respond_to_query(query, response="ok", status="open", actor=team_manager)
    services.respond_to_query(
        query, response="Closed it now", status=QueryStatus.CORRECTED, actor=team_manager
    )
    query.refresh_from_db()
    assert query.status == QueryStatus.CORRECTED and query.response == "Closed it now"
    assert sent_to(practitioner_user, "wellbeing_query_answered") == 1
    assert history(query).count() == 2


def test_steps_go_to_the_top_when_the_tree_is_shorter(legacy, frozen_now):
    """A team directly under the organisation: steps beyond the organisation stay with it."""
    from caseload.organisations.tests.factories import OrgUnitFactory
    from caseload.workloads.tests.fixtures import officer

    team = OrgUnitFactory(code="FLAT", name="Flat Team", kind="team", parent=legacy.division)
    leader = UserFactory(role=Role.SENIOR_LEADER, org_units=[legacy.division])
    membership = officer(team)
    overloaded(membership)
    services.check_wellbeing(TODAY)
    alert = WellbeingAlert.objects.get()
    for day in (7, 14, 21, 28):
        snapshot(membership, TODAY + dt.timedelta(days=day), 130)
    services.check_wellbeing(TODAY + dt.timedelta(days=28))
    units = list(alert.escalations.order_by("level").values_list("level", "unit__code"))
    assert units == [(0, "FLAT"), (1, "NORTH"), (2, "ORG")]
    assert list(alert.escalations.get(level=1).notified.all()) == [leader]
    assert not alert.escalations.get(level=0).notified.exists()  # nobody manages Flat Team


def test_the_command_runs_the_check(pat, capsys):
    overloaded(pat)
    call_command("check_wellbeing", "--date", TODAY.isoformat())
    assert "1 alerts opened" in capsys.readouterr().out
    assert WellbeingAlert.objects.count() == 1


def test_readings_are_read_by_date_for_many_memberships(pat):
    from caseload.wellbeing.selectors import MAX_IDS_IN_QUERY, readings_by_membership

    overloaded(pat)
    many = [pat.pk, *range(10_000, 10_000 + MAX_IDS_IN_QUERY + 1)]
    since = TODAY - dt.timedelta(days=27)
    assert len(readings_by_membership(since, TODAY, many)[pat.pk]) == 4
    assert len(readings_by_membership(since, TODAY, [pat.pk])[pat.pk]) == 4
    assert readings_by_membership(since, TODAY, [pat.pk + 1]) == {}


def test_teams_without_a_scheme_are_not_checked(pat, outsider):
    """South Team has no scheme assigned (legacy covers North Division only), so no rules apply to it."""
    from caseload.domain.wellbeing import sustained_overload
    from caseload.schemes.selectors import version_for_unit
    from caseload.wellbeing.selectors import RulesCache, readings_by_membership

    olly = outsider.practitioner.memberships.get()
    north_version = version_for_unit(pat.team, TODAY)
    north_rules = RulesCache(TODAY).for_team(pat.team)
    assert north_rules is not None
    for k in range(4):
        snapshot(olly, TODAY - dt.timedelta(weeks=k), 150, north_version)
    assert version_for_unit(olly.team, TODAY) is None
    # Four weeks at 150%: North's rules would fire on these readings; South has no rules, so nothing opens.
    readings = readings_by_membership(TODAY - dt.timedelta(days=27), TODAY, [olly.pk])[olly.pk]
    assert [r.percent for r in readings] == [150] * 4
    assert sustained_overload(readings, north_rules.sustained_overload, TODAY) is not None
    assert services.check_wellbeing(TODAY).opened == []
    assert not WellbeingAlert.objects.exists()
