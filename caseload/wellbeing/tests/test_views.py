"""Who sees individual versus aggregated well-being data, the forms, and the practitioner page's panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from caseload.core.scope import scope_for
from caseload.wellbeing import services
from caseload.wellbeing.models import ActionPlan, CaseloadConcern, ItemQuery, WellbeingAlert
from caseload.wellbeing.presenters import flag_item_url, membership_panel, raise_concern_url
from caseload.wellbeing.tests.factories import weekly

TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def world(
    legacy,
    practitioner_user,
    outsider,
    team_manager,
    area_manager,
    senior_leader,
    analyst,
    admin_user,
    frozen_now,
):
    pat = practitioner_user.practitioner.memberships.get()
    weekly(pat, TODAY, 120, 120, 120, 120)
    services.check_wellbeing(TODAY)
    concern = services.raise_concern(pat, text="Drowning in reports", actor=practitioner_user)
    query = services.flag_item(pat, kind="case", reference="X1", note="Closed", actor=practitioner_user)
    return {
        "pat": pat,
        "alert": WellbeingAlert.objects.get(source="overload"),
        "concern": concern,
        "query": query,
    }


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ["practitioner_user", "team_manager", "area_manager"])
def test_the_practitioner_and_their_line_see_names(client, world, role, request):
    response = page(client, request.getfixturevalue(role), reverse("wellbeing:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Drowning in reports" in body
    assert "Over 110% for 4 consecutive weeks" in body
    if role != "practitioner_user":
        assert "Pat Practitioner" in body


@pytest.mark.parametrize("role", ["senior_leader", "analyst", "admin_user"])
def test_others_see_counts_without_names(client, world, role, request):
    response = page(client, request.getfixturevalue(role), reverse("wellbeing:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Pat" not in body and "Drowning" not in body
    assert "Well-being records by unit" in body
    assert "North Team A" in body


def test_unit_counts_roll_up_the_subtree(world, senior_leader):
    from caseload.wellbeing.selectors import unit_counts

    counts = {
        c.unit.code: c for c in unit_counts(scope_for(senior_leader).units, TODAY + dt.timedelta(days=11))
    }
    assert set(counts) == {"NORTH", "NORTH-AREA", "NORTH-A", "NORTH-B"}
    # 2 active alerts (overload and concern), none escalated, both plans overdue by day 11, 1 concern, 1 query.
    for code in ("NORTH", "NORTH-AREA", "NORTH-A"):
        c = counts[code]
        assert (c.open_alerts, c.escalated, c.plans_overdue, c.open_concerns, c.open_queries) == (
            2,
            0,
            2,
            1,
            1,
        )
    assert counts["NORTH-B"].open_alerts == 0


def test_the_outsider_sees_nothing_of_pat(client, world, outsider):
    body = page(client, outsider, reverse("wellbeing:home")).content.decode()
    assert "Drowning" not in body and "Pat" not in body
    assert page(client, outsider, reverse("wellbeing:alert", args=[world["alert"].pk])).status_code == 404


def test_a_practitioner_raises_a_concern_with_an_error_first(client, world, practitioner_user):
    client.force_login(practitioner_user)
    url = raise_concern_url(world["pat"].pk)
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    assert "<title>Error: Raise a caseload concern" in response.content.decode()
    assert "Describe your concern" in response.content.decode()
    response = client.post(url, {"text": "Another one"})
    concern = CaseloadConcern.objects.get(text="Another one")
    assert response.status_code == 302 and response.url == reverse("wellbeing:concern", args=[concern.pk])


def test_flag_item_needs_a_well_formed_item(client, world, practitioner_user):
    client.force_login(practitioner_user)
    bad = f"{reverse('wellbeing:flag-item')}?membership={world['pat'].pk}&item=nonsense"
    assert client.get(bad).status_code == 400
    assert client.post(bad, {"note": "x"}).status_code == 400
    good = flag_item_url(world["pat"].pk, "reduction", "7")
    assert "Reduction 7" in client.get(good).content.decode()
    client.post(good, {"note": "It ended in January"})
    assert ItemQuery.objects.filter(item_kind="reduction", item_reference="7").exists()


def test_team_manager_records_a_plan_keeping_input_on_error(client, world, team_manager):
    client.force_login(team_manager)
    url = reverse("wellbeing:record-plan", args=[world["alert"].pk])
    response = client.post(
        url,
        {
            "actions": "Reallocate",
            "owner": team_manager.pk,
            "review_date_day": "31",
            "review_date_month": "2",
            "review_date_year": "2026",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a real review date" in body and "Reallocate" in body
    response = client.post(
        url,
        {
            "actions": "Reallocate",
            "owner": team_manager.pk,
            "review_date_day": "13",
            "review_date_month": "4",
            "review_date_year": "2026",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get()
    assert plan.review_date == dt.date(2026, 4, 13) and plan.owner == team_manager
    detail = client.get(reverse("wellbeing:alert", args=[world["alert"].pk])).content.decode()
    assert "Reallocate" in detail and "Action plan recorded" in detail


def test_a_plan_owner_must_be_in_the_line(client, world, team_manager, outsider):
    client.force_login(team_manager)
    url = reverse("wellbeing:record-plan", args=[world["alert"].pk])
    response = client.post(
        url,
        {
            "actions": "x",
            "owner": outsider.pk,
            "review_date_day": "13",
            "review_date_month": "4",
            "review_date_year": "2026",
        },
    )
    assert response.status_code == 400 and not ActionPlan.objects.exists()


def test_manager_answers_a_query(client, world, team_manager, practitioner_user):
    client.force_login(team_manager)
    url = reverse("wellbeing:respond-query", args=[world["query"].pk])
    assert client.post(url, {"response": ""}).status_code == 400
    assert client.post(url, {"response": "Fixed", "status": "corrected"}).status_code == 302
    client.force_login(practitioner_user)
    body = client.get(reverse("wellbeing:query", args=[world["query"].pk])).content.decode()
    assert "Fixed" in body and "Corrected" in body


def test_panel_for_the_practitioner_their_line_and_others(
    world, practitioner_user, team_manager, senior_leader
):
    own = membership_panel(world["pat"], scope_for(practitioner_user))
    assert own.visible and len(own.alerts) == 2 and len(own.concerns) == 1 and len(own.queries) == 1
    assert own.raise_concern_url == raise_concern_url(world["pat"].pk)
    line = membership_panel(world["pat"], scope_for(team_manager))
    assert line.visible and line.raise_concern_url == "" and not line.is_empty
    assert line.alerts[0].href.startswith("/wellbeing/alerts/")
    other = membership_panel(world["pat"], scope_for(senior_leader))
    assert not other.visible and other.is_empty


def test_panel_template_renders(world, practitioner_user, rf):
    from django.template.loader import get_template

    panel = membership_panel(world["pat"], scope_for(practitioner_user))
    html = get_template("wellbeing/includes/membership_panel.html").render({"wellbeing_panel": panel})
    assert "Raise a caseload concern" in html and "Drowning in reports" in html
    assert get_template("wellbeing/includes/membership_panel.html").render({}).strip() == ""
