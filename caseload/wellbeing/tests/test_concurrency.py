"""At most one active alert per membership and source, however many requests arrive at once.

The constraint `one_active_wellbeing_alert_per_source` forbids a second active alert; the services lock
the membership row before looking for one, so simultaneous requests queue and the later ones reuse the
alert instead of failing on the constraint. The thread races run on PostgreSQL only (SQLite runs one write
at a time); the constraint and the reuse logic are tested on every database."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from caseload.notifications.models import Notification
from caseload.wellbeing import services
from caseload.wellbeing.models import AlertSource, AlertStatus, CaseloadConcern, WellbeingAlert
from caseload.wellbeing.tests.factories import weekly

TODAY = dt.date(2026, 3, 16)  # conftest FROZEN_NOW
THREADS = 6


@pytest.fixture
def pat(legacy, practitioner_user, team_manager, frozen_now):
    return practitioner_user.practitioner.memberships.get()


def _alert(membership, source=AlertSource.CONCERN, status=AlertStatus.OPEN):
    return WellbeingAlert.objects.create(
        membership=membership, source=source, rule_description="x", opened_on=TODAY, status=status
    )


def test_the_database_refuses_a_second_active_alert_of_one_source(pat):
    _alert(pat)
    _alert(pat, source=AlertSource.OVERLOAD)  # the other source is independent
    with pytest.raises(IntegrityError), transaction.atomic():
        _alert(pat, status=AlertStatus.ESCALATED)
    _alert(pat, status=AlertStatus.RESOLVED)  # closed alerts do not count
    assert WellbeingAlert.objects.filter(source=AlertSource.CONCERN).count() == 2


def test_a_concern_after_the_alert_is_closed_opens_a_new_one(pat, practitioner_user, team_manager):
    first = services.raise_concern(pat, text="Too much", actor=practitioner_user).alert
    services.close_alert(first, note="Talked it through", actor=team_manager)
    second = services.raise_concern(pat, text="Too much again", actor=practitioner_user).alert
    assert second.pk != first.pk and second.is_active
    assert WellbeingAlert.objects.active().get() == second


def test_opening_an_overload_alert_twice_reuses_the_active_one(pat):
    weekly(pat, TODAY, 120, 120, 120, 120)
    finding = services.overload_finding(pat, services.selectors.RulesCache(TODAY).for_team(pat.team), TODAY)
    wellbeing = services.selectors.RulesCache(TODAY).for_team(pat.team)
    first = services.open_overload_alert(pat, finding, wellbeing)
    assert services.open_overload_alert(pat, finding, wellbeing) == first
    assert WellbeingAlert.objects.count() == 1


def test_a_stale_copy_of_a_closed_alert_is_neither_escalated_nor_closed_again(
    pat, practitioner_user, team_manager
):
    """The daily check reads the active alerts first; a manager closing one meanwhile wins."""
    alert = services.raise_concern(pat, text="Too much", actor=practitioner_user).alert
    stale = WellbeingAlert.objects.get(pk=alert.pk)
    services.close_alert(alert, note="Sorted", actor=team_manager)
    wellbeing = services.selectors.RulesCache(TODAY).for_team(pat.team)
    assert services.advance_alert(stale, TODAY + dt.timedelta(days=14), wellbeing) is None
    assert not alert.escalations.filter(level=1).exists()
    with pytest.raises(services.WellbeingError):
        services.close_alert(stale, note="Again", actor=team_manager)
    alert.refresh_from_db()
    assert (alert.status, alert.closing_note) == (AlertStatus.RESOLVED, "Sorted")


def _race(target, count=THREADS):
    """Run `target(i)` in `count` threads, each with its own connection, released together."""
    barrier = threading.Barrier(count)
    failures: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            target(i)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not [t for t in threads if t.is_alive()]
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concerns_raised_at_once_share_one_alert(pat, practitioner_user, team_manager):
    failures = _race(lambda i: services.raise_concern(pat, text=f"Concern {i}", actor=practitioner_user))
    assert failures == []
    alert = WellbeingAlert.objects.get()
    assert alert.source == AlertSource.CONCERN
    assert CaseloadConcern.objects.filter(alert=alert).count() == THREADS
    assert Notification.objects.filter(user=team_manager, kind="wellbeing_alert_opened").count() == 1
    assert alert.escalations.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_daily_checks_run_at_once_open_one_overload_alert(pat, team_manager):
    weekly(pat, TODAY, 120, 120, 120, 120)
    results: list[services.CheckResult] = []
    failures = _race(lambda i: results.append(services.check_wellbeing(TODAY)), count=3)
    assert failures == []
    alert = WellbeingAlert.objects.get()
    assert len(results) == 3 and all(r.opened in ([], [alert.pk]) for r in results)
    assert alert.escalations.count() == 1
    assert Notification.objects.filter(user=team_manager, kind="wellbeing_alert_opened").count() == 1
