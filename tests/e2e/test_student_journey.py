"""A new student signs up, enrolls, studies a lesson, takes its quiz and sees progress."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COURSE = "/mesotherapy-lower-back-pain/"
GATED_LESSON = COURSE + "understanding-lower-back-pain/types-of-lower-back-pain/"
QUIZ_LESSON = COURSE + "understanding-lower-back-pain/symptoms-and-radiation/"


def test_student_signs_up_enrolls_learns_and_sees_progress(page, demo, mailoutbox):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill("new.student@example.com")
    # The name certificates and emails will print.
    page.get_by_label("Given name").fill("Nina")
    page.get_by_label("Family name").fill("Oliveira")
    page.get_by_label("Password:", exact=True).fill("a-long-Student-passphrase-42")
    page.get_by_label("Password (again):").fill("a-long-Student-passphrase-42")
    page.get_by_role("button", name=re.compile("Sign up", re.I)).click()

    # Sign-up never says whether an address has an account: every new student confirms it by
    # the emailed link, which logs them in (same browser session).
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    confirm_path = re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[-1].body).group(0)
    page.goto(confirm_path)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(COURSE)
    page.get_by_role("button", name="Enroll now").click()
    expect(page.get_by_text("You are enrolled in")).to_be_visible()

    # The free-preview lesson's gated section opens once enrolled.
    page.goto(GATED_LESSON)
    expect(page.get_by_text("For each patient you meet")).to_be_visible()
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page).to_have_url(re.compile("symptoms-and-radiation"))

    # The next lesson has a required quiz: answer it and the lesson completes itself.
    quiz = page.locator(".quiz")
    quiz.get_by_label("Knees").check()
    quiz.get_by_label("Shoulders").check()
    quiz.get_by_label("In the morning, on waking").check()
    quiz.get_by_role("button", name=re.compile("Submit", re.I)).click()
    expect(page.get_by_text("You scored 100%")).to_be_visible()
    expect(page.get_by_text("You completed this lesson")).to_be_visible()

    page.goto("/learn/")
    course_row = page.locator("main")
    expect(course_row.get_by_text("Mesotherapy for the Treatment of Lower Back Pain")).to_be_visible()
    expect(course_row.get_by_text(re.compile("2 of 10 lessons"))).to_be_visible()
    expect(course_row.get_by_text("Certificates are issued to Nina Oliveira.")).to_be_visible()
    assert axe_violations(page) == []
