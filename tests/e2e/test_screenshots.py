"""One pass over every page type at desktop and phone widths, saving full-page PNGs to
tests/e2e/artifacts/ (git-ignored) as `<role>-<page>-<width>.png` for a reviewer to look at.

It checks only that each page answered and shows a heading: the pictures are for people.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from course.models import ArticlePage, CoursePage, Enrollment
from course.progress import issue_certificate
from tests.accounts import STUDENT_PASSWORD, make_student
from tests.e2e.conftest import ARTIFACTS, VIEWPORTS, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

COURSE = "/mesotherapy-lower-back-pain/"
PREVIEW_LESSON = COURSE + "understanding-lower-back-pain/types-of-lower-back-pain/"
QUIZ_LESSON = COURSE + "understanding-lower-back-pain/symptoms-and-radiation/"
LOCKED_LESSON = COURSE + "causes/chronic-causes/"

# Lazy images below the fold would be blank in a full-page picture: load them all first.
LOAD_ALL_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach((image) => { image.loading = "eager"; });
    await Promise.all(images.filter((image) => !image.complete).map((image) => new Promise((done) => {
        image.addEventListener("load", done);
        image.addEventListener("error", done);
    })));
}"""

TALLEST_PANEL = "Math.max(...[...document.querySelectorAll('body *')].map((element) => element.scrollHeight))"


def shoot(page, role, name, path, status=200):
    """Open `path` at each width and save a full-page picture of it."""
    for viewport in VIEWPORTS.values():
        page.set_viewport_size(viewport)
        response = page.goto(path)
        assert response.status == status, path
        expect(page.locator("h1").first).to_be_visible()
        page.evaluate(LOAD_ALL_IMAGES)
        # Wagtail's admin scrolls inside its own panels, which a full-page picture cuts at the
        # window's height: make the window as tall as the tallest panel instead.
        tallest = page.evaluate(TALLEST_PANEL) if path.startswith("/admin/") else 0
        if tallest > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": min(tallest, 6000)})
        page.screenshot(path=str(ARTIFACTS / f"{role}-{name}-{viewport['width']}.png"), full_page=True)


def switch_user(page, email, password):
    page.context.clear_cookies()
    page.set_viewport_size(VIEWPORTS["desktop"])
    log_in(page, email, password)


def test_screenshots_of_every_page_type(page, demo):
    ARTIFACTS.mkdir(exist_ok=True)
    course = CoursePage.objects.get(slug="mesotherapy-lower-back-pain")
    article = ArticlePage.objects.live().first()
    student_enrollment = Enrollment.objects.get(user__email="student@example.com", course=course)
    make_student("new.student@example.com", "Nina", "Oliveira")
    graduate = Enrollment.objects.create(
        user=make_student("grace@example.com", "Grace", "Hopper"),
        course=course,
        status=Enrollment.Status.COMPLETED,
        enrolled_at=timezone.now() - timedelta(days=40),
        completed_at=timezone.now() - timedelta(days=3),
    )
    certificate, _ = issue_certificate(graduate)

    for name, path in [
        ("catalogue", "/"),
        ("course", COURSE),
        ("preview-lesson", PREVIEW_LESSON),
        ("locked-lesson", LOCKED_LESSON),
        ("article-index", article.get_parent().url),
        ("article", article.url),
        ("search", "/search/?q=mesotherapy"),
        ("search-no-results", "/search/?q=zzqxv"),
        ("certificate-verification", certificate.get_absolute_url()),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
    ]:
        shoot(page, "anonymous", name, path)
    shoot(page, "anonymous", "not-found", "/no-such-page/", status=404)

    switch_user(page, "new.student@example.com", STUDENT_PASSWORD)
    shoot(page, "student", "learn-empty", "/learn/")

    switch_user(page, "student@example.com", "pinewood-student")
    for name, path in [
        ("learn", "/learn/"),
        ("course", COURSE),
        ("lesson", PREVIEW_LESSON),
        ("quiz", QUIZ_LESSON),
        ("withdraw-confirmation", COURSE + "withdraw/"),
        ("account", "/learn/account/"),
    ]:
        shoot(page, "student", name, path)
    # A failed attempt, with its feedback.
    page.goto(QUIZ_LESSON)
    quiz = page.locator(".quiz")
    quiz.get_by_label("Fingertips").check()
    quiz.get_by_role("button", name="Submit answers").click()
    expect(quiz.locator(".quiz__result--fail")).to_be_visible()
    shoot(page, "student", "quiz-failed", page.url.split("#")[0])

    switch_user(page, "grace@example.com", STUDENT_PASSWORD)
    shoot(page, "student", "course-completed", COURSE)
    shoot(page, "student", "learn-completed", "/learn/")

    switch_user(page, "courseadmin@example.com", "pinewood-courseadmin")
    for name, path in [
        ("dashboard", "/admin/"),
        ("enrollments", reverse("course_enrollments:list")),
        ("student-progress", reverse("course_enrollments:inspect", args=[student_enrollment.pk])),
        ("course-report", reverse("course_reports:course", args=[course.pk])),
    ]:
        shoot(page, "courseadmin", name, path)

    switch_user(page, "marketer@example.com", "pinewood-marketer")
    shoot(page, "marketer", "dashboard", "/admin/")
    shoot(page, "marketer", "article-editor", f"/admin/pages/{article.pk}/edit/")
