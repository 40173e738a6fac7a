from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from caseload.dashboards.presenters import present_tree
from caseload.organisations.selectors import org_tree_with_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The organisation tree with headcounts and case counts."""
    tree = present_tree(org_tree_with_counts(timezone.localdate()))
    return render(request, "dashboards/home.html", {"page_title": "Organisation", "tree": tree})
