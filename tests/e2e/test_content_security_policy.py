"""Pages work under their Content-Security-Policy: no violation in any frame (the `page` fixture
fails a test that raised one), with the strict public policy on the site and the admin's own
policy in the Wagtail admin."""

import re

import pytest
from playwright.sync_api import expect

from course.models import ArticlePage, CoursePage
from lessons.models import LessonPage
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COURSE = "/mesotherapy-lower-back-pain/"
MODULE = COURSE + "understanding-lower-back-pain/"
PREVIEW_LESSON = MODULE + "types-of-lower-back-pain/"
QUIZ_LESSON = MODULE + "symptoms-and-radiation/"
LOCKED_LESSON = COURSE + "causes/chronic-causes/"


def policy_of(response):
    policy = response.header_value("content-security-policy")
    assert policy, response.url
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";"))


def assert_public_policy(response):
    assert response.status == 200, response.url
    script_src = policy_of(response)["script-src"]
    assert script_src.startswith("'self'") and "'unsafe-" not in script_src, response.url


def visit(page, path):
    response = page.goto(path)
    page.wait_for_load_state("load")
    return response


def test_public_pages_raise_no_violation(page, demo):
    article = ArticlePage.objects.live().first()
    for path in ("/", COURSE, MODULE, PREVIEW_LESSON, LOCKED_LESSON, article.get_parent().url, article.url):
        assert_public_policy(visit(page, path))
    assert_public_policy(visit(page, "/search/?q=mesotherapy"))
    assert_public_policy(visit(page, "/accounts/login/"))

    log_in(page, "student@example.com", "pinewood-student")
    for path in ("/learn/", COURSE, PREVIEW_LESSON, QUIZ_LESSON, LOCKED_LESSON):
        assert_public_policy(visit(page, path))
    # The progress bar's filled part is drawn without a style attribute, and is still visible.
    page.goto("/learn/")
    expect(page.locator(".progress__bar rect").first).to_be_attached()


def test_admin_pages_raise_no_violation_under_the_admin_policy(page, demo):
    log_in(page, "admin@example.com", "pinewood-admin")
    # A staff member's view of the site carries the Wagtail user bar.
    assert_public_policy(visit(page, PREVIEW_LESSON))
    expect(page.locator("wagtail-userbar")).to_be_attached()

    response = visit(page, "/admin/")
    assert response.status == 200
    admin_policy = policy_of(response)
    assert admin_policy["object-src"] == "'none'" and admin_policy["frame-ancestors"] == "'self'"
    expect(page.get_by_role("heading", name="Recent enrollments")).to_be_visible()

    course = CoursePage.objects.get(slug="mesotherapy-lower-back-pain")
    assert visit(page, f"/admin/pages/{course.pk}/").status == 200

    # The editor of a lesson with a StreamField body, and its preview panel.
    lesson = LessonPage.objects.get(slug="types-of-lower-back-pain")
    assert visit(page, f"/admin/pages/{lesson.pk}/edit/").status == 200
    expect(page.locator("[data-contentpath='body']")).to_be_visible()
    page.get_by_role("button", name=re.compile("Toggle preview", re.I)).click()
    preview = page.frame_locator("iframe[title='Preview']").last  # Wagtail swaps two frames
    expect(preview.locator("h1")).to_contain_text(re.compile("lower back pain", re.I), timeout=30_000)

    # An article's editor: a date picker (an inline <script> of Wagtail's) and the image chooser.
    article = ArticlePage.objects.live().first()
    visit(page, f"/admin/pages/{article.pk}/edit/")
    page.locator("#id_date").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.locator("#id_title").click()
    hero = page.locator("[data-contentpath='hero_image']")
    hero.get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Change image").click()
    expect(page.locator(".modal-content")).to_contain_text("Choose an image")
    expect(page.locator(".modal-content img").first).to_be_visible()

    for path in ("/admin/enrollments/", "/admin/reports/courses/", f"/admin/reports/courses/{course.pk}/"):
        response = visit(page, path)
        assert response.status == 200, path
        assert "'unsafe-inline'" in policy_of(response)["script-src"], path


def test_the_watcher_sees_a_violation(page, demo, csp_violations):
    """The listener the `page` fixture installs does report what the policy blocks."""
    visit(page, "/")
    page.evaluate(  # an injected inline script, as an XSS would add it
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.head.append(script);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in violation for violation in csp_violations), csp_violations
    csp_violations.clear()
