"""A course administrator builds a module and a lesson with a gated section in the Wagtail admin."""

import re

import pytest
from playwright.sync_api import expect

from course.models import CoursePage, ModulePage
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def publish(page):
    """Open the editor footer's action menu and publish."""
    page.locator("footer").get_by_role("button", name=re.compile("More actions", re.I)).click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("published")


def insert_block(page, container, label):
    container.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=label).click()


def test_administrator_adds_a_module_and_a_gated_lesson(page, demo):
    course = CoursePage.objects.get(slug="mesotherapy-lower-back-pain")
    log_in(page, "admin@example.com", "pinewood-admin")

    page.goto(f"/admin/pages/{course.pk}/add_subpage/")
    page.locator("#id_title").fill("Practical session")
    page.locator("#id_intro").fill("Putting the course into practice.")
    publish(page)
    module = ModulePage.objects.get(title="Practical session")

    page.goto(f"/admin/pages/{module.pk}/add_subpage/")
    page.locator("#id_title").fill("Planning a first treatment")
    page.locator("#id_summary").fill("How to plan a first mesotherapy session.")
    body = page.locator("[data-contentpath='body']")
    insert_block(page, body, "Gated section (enrolled students only)")
    page.locator("#body-0-value-title").fill("Treatment plan")
    page.locator("#body-0-value-teaser").fill("Enrolled students get a step-by-step plan.")
    insert_block(page, body.locator("[data-contentpath='content']"), "Paragraph")
    # Draftail keeps its own state: type into the editor as a person would.
    body.locator("[data-contentpath='content'] [contenteditable='true']").first.click()
    page.keyboard.type("Step one: agree the goals with the patient.")
    page.locator("#id_summary").click()  # Draftail writes its value out when the editor loses focus
    expect(page.locator("input[name='body-0-value-content-0-value']")).to_have_value(re.compile("Step one"))
    publish(page)

    page.goto(course.url)
    syllabus = page.locator("main")
    expect(syllabus.get_by_role("link", name="Practical session")).to_be_visible()
    expect(syllabus.get_by_role("link", name="Planning a first treatment")).to_be_visible()
    # The administrator (an editor of the course) reads the whole lesson ...
    syllabus.get_by_role("link", name="Planning a first treatment").click()
    expect(page.get_by_text("Step one: agree the goals with the patient.")).to_be_visible()
    # ... while visitors see the teaser of the new gated section, never its content.
    page.context.clear_cookies()
    page.goto(course.url)
    page.get_by_role("link", name="Planning a first treatment").click()
    expect(page.get_by_text("This lesson is for enrolled students")).to_be_visible()
    expect(page.get_by_text("Enrolled students get a step-by-step plan.")).to_have_count(0)
    expect(page.get_by_text("Step one: agree the goals")).to_have_count(0)
