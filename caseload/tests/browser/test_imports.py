"""An administrator imports a file in a real browser: upload, check, apply; a bad file shows its problems.
axe-core runs on every page visited."""

import pytest

from caseload.core.models import Role, User
from caseload.organisations.models import OrgUnit
from caseload.tests.browser.conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-1"


@pytest.fixture
def administrator(db):
    return User.objects.create_user(
        "ada.admin", password=PASSWORD, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


def upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.goto("/imports/new/")
    page.get_by_label("File to import").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()


def test_check_then_apply_an_org_units_file(page, tmp_path, administrator):
    sign_in(page, "ada.admin", PASSWORD)
    page.goto("/imports/new/")
    check_accessibility(page, "imports-new")

    upload(
        page,
        tmp_path,
        "org_units.csv",
        "code,name,kind,parent_code,service,effective_from\n"
        "ORG,Example Council,organisation,,,2020-01-01\n"
        "EAST,East Team,team,ORG,children,2020-01-01\n",
    )
    page.get_by_role("button", name="Apply").wait_for()
    check_accessibility(page, "imports-checked")
    assert not OrgUnit.objects.exists()  # a dry run changes nothing

    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Applied").first.wait_for()
    check_accessibility(page, "imports-applied")
    assert set(OrgUnit.objects.values_list("code", flat=True)) == {"ORG", "EAST"}


def test_a_bad_file_lists_each_problem_by_row_and_column(page, tmp_path, administrator):
    sign_in(page, "ada.admin", PASSWORD)
    upload(page, tmp_path, "org_units.csv", "code,name,kind\nORG,Example Council,galaxy\n")

    table = page.get_by_role("table").filter(has_text="galaxy").first
    table.wait_for()
    assert "kind" in table.inner_text()
    check_accessibility(page, "imports-rejected")
    assert not OrgUnit.objects.exists()
