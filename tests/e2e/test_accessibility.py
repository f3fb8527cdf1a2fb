"""axe-core finds no serious or critical accessibility violations on the pages people use most."""

import pytest

from tests.e2e.conftest import axe_violations, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COURSE = "/mesotherapy-lower-back-pain/"
LOCKED_LESSON = COURSE + "causes/chronic-causes/"
QUIZ_LESSON = COURSE + "understanding-lower-back-pain/symptoms-and-radiation/"


def assert_accessible(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert axe_violations(page) == [], path


def test_public_pages_for_a_visitor(page, demo):
    for path in ("/", COURSE, LOCKED_LESSON, "/search/?q=mesotherapy", "/accounts/login/"):
        assert_accessible(page, path)


def test_student_pages(page, demo):
    log_in(page, "student@example.com", "pinewood-student")
    for path in ("/learn/", COURSE, LOCKED_LESSON, QUIZ_LESSON):
        assert_accessible(page, path)
