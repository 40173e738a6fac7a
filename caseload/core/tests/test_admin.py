"""Every admin list page renders with data, searches and sorts; add pages render where adding is allowed."""

import pytest
from django.contrib import admin
from django.urls import reverse

from caseload.cases.tests.factories import CaseAllocationFactory, CaseEventFactory
from caseload.organisations.tests.factories import ReductionFactory

pytestmark = pytest.mark.django_db
MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in {"core", "organisations", "cases", "schemes"}
]


@pytest.fixture
def some_data(org, practitioner_user):
    ReductionFactory(membership=practitioner_user.practitioner.memberships.get())
    CaseEventFactory(case=CaseAllocationFactory(case__team=org.team).case, cms=True)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_list_page_renders_searches_and_sorts(admin_client, some_data, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.search_fields:
        assert admin_client.get(url, {"q": "North"}).status_code == 200
    assert admin_client.get(url, {"o": "1"}).status_code == 200  # a bad lookup would redirect to ?e=1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_add_page_renders_when_adding_is_allowed(admin_client, rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    if not admin.site._registry[model].has_add_permission(request):
        pytest.skip(f"{model._meta.label} is written by services only")
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    assert admin_client.get(url).status_code == 200
