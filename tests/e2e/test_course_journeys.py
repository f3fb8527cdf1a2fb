"""Students' journeys through the demo course at desktop and phone widths: a sequential course
and its quiz, leaving a course, keeping a finished one, enrollment errors and the account page;
and the progress a course administrator sees in the Wagtail admin.

Each test loads the demo once and walks one journey, so the suite stays quick.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from course.models import CoursePage, Enrollment, LessonCompletion
from course.progress import issue_certificate
from lessons.models import LessonPage
from tests.accounts import STUDENT_PASSWORD, make_student
from tests.e2e.conftest import VIEWPORTS, log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
AT_BOTH_WIDTHS = pytest.mark.parametrize("page", list(VIEWPORTS), indirect=True)

COURSE_TITLE = "Mesotherapy for the Treatment of Lower Back Pain"
COURSE = "/mesotherapy-lower-back-pain/"
FIRST_LESSON = COURSE + "understanding-lower-back-pain/types-of-lower-back-pain/"
QUIZ_LESSON = COURSE + "understanding-lower-back-pain/symptoms-and-radiation/"
THIRD_LESSON = COURSE + "causes/muscle-strain-and-acute-injury/"
ON_THE_COURSE_PAGE = re.compile(re.escape(COURSE) + r"(#enroll)?$")


# --- set-up through the ORM, as an administrator's settings would be --------------------------


def demo_course(**fields):
    """The demo course, with `fields` changed and published as an editor would."""
    course = CoursePage.objects.get(slug="mesotherapy-lower-back-pain")
    for name, value in fields.items():
        setattr(course, name, value)
    course.save_revision().publish()
    return course


def limit_quiz_attempts(lesson_slug, attempts):
    lesson = LessonPage.objects.get(slug=lesson_slug)
    quiz = next(block for block in lesson.body if block.block_type == "quiz")
    quiz.value["max_attempts"] = attempts
    lesson.save_revision().publish()


# --- what the page shows ------------------------------------------------------------------------


def syllabus_row(page, title):
    """The course page's syllabus row of the lesson called `title`."""
    link = page.get_by_role("link", name=title, exact=True)
    return page.locator(".syllabus__lesson").filter(has=link)


def layout_problems(page):
    """What does not fit the width on the current page: anything scrolling sideways, a header
    link wrapping onto a second line, a lesson's minutes in the syllabus running into the next
    lesson's row. A list, so that a journey checks its steps first and its layout at the end."""
    width = page.viewport_size["width"]
    where = f"{page.url} at {width} px"
    problems = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{where}: scrolls sideways ({scroll_width} px wide)")
    header = page.locator(".site-header")
    header_height = header.bounding_box()["height"]
    if header_height > 90:  # one row: the brand, and the links or the "Menu" button beside it
        problems.append(f"{where}: the header is {header_height:.0f} px tall")
    open_menu(page)
    for name in ("My learning", "Log out"):
        item = header.get_by_role("link", name=name).or_(header.get_by_role("button", name=name))
        lines = item.evaluate(
            """(element) => {
                const style = getComputedStyle(element);
                const lineHeight = style.lineHeight === "normal"
                    ? 1.2 * parseFloat(style.fontSize) : parseFloat(style.lineHeight);
                const range = document.createRange();
                range.selectNodeContents(element);
                return range.getBoundingClientRect().height / lineHeight;
            }"""
        )
        if lines >= 1.5:
            problems.append(f"{where}: header item {name!r} takes {lines:.1f} lines")
    overlaps = page.evaluate(
        """() => [...document.querySelectorAll(".syllabus__lessons")].flatMap((list) => {
            const rows = [...list.querySelectorAll(":scope > .syllabus__lesson")];
            return rows.slice(0, -1).flatMap((row, index) => {
                const meta = row.querySelector(".syllabus__meta");
                if (!meta) return [];
                const bottom = meta.getBoundingClientRect().bottom;
                const next = rows[index + 1].getBoundingClientRect().top;
                const title = row.querySelector("a").textContent;
                return bottom > next + 0.5 ? [`${title}: ${bottom} > ${next}`] : [];
            });
        })"""
    )
    problems += [f"{where}: syllabus minutes overlap the next row ({overlap})" for overlap in overlaps]
    return problems


# --- journeys -------------------------------------------------------------------------------------


@AT_BOTH_WIDTHS
def test_student_follows_a_sequential_course_and_passes_its_quiz(page, demo):
    demo_course(sequential=True)
    limit_quiz_attempts("symptoms-and-radiation", 3)
    log_in(page, "student@example.com", "pinewood-student")
    layout = []

    # The syllabus marks what the sequence keeps closed, and what opens it.
    page.goto(COURSE)
    layout += layout_problems(page)
    expect(syllabus_row(page, "Types of lower back pain").locator(".lesson-lock")).to_have_count(0)
    expect(syllabus_row(page, "Symptoms and how pain radiates").locator(".lesson-lock")).to_have_text(
        "After “Types of lower back pain”"
    )
    expect(syllabus_row(page, "Chronic causes").locator(".lesson-lock")).to_have_text(
        "After “Muscle strain and acute injury”"
    )

    # A locked lesson names the lesson that opens it, and keeps its body (and quiz) back.
    page.goto(QUIZ_LESSON)
    expect(
        page.get_by_role("heading", level=2, name="Complete “Types of lower back pain” to open this lesson")
    ).to_be_visible()
    expect(page.locator(".quiz")).to_have_count(0)
    page.get_by_role("link", name="Go to Types of lower back pain").click()

    # The first lesson's outline and "Next lesson" show the next one locked.
    expect(page).to_have_url(re.compile(re.escape(FIRST_LESSON) + "$"))
    layout += layout_problems(page)
    expect(page.locator(".outline a.is-locked")).to_contain_text("Symptoms and how pain radiates")
    next_lesson = page.locator(".pager__link--next")
    expect(next_lesson).to_have_class(re.compile(r"\bis-locked\b"))
    expect(next_lesson.locator(".lesson-lock")).to_have_text("After “Types of lower back pain”")
    page.get_by_role("button", name="Mark lesson complete").click()

    # The quiz lesson is open now. A failed attempt keeps the answers and counts the attempt.
    expect(page).to_have_url(re.compile(re.escape(QUIZ_LESSON)))
    quiz = page.locator(".quiz")
    expect(quiz.locator(".quiz__meta")).to_contain_text("0 of 3 attempts used")
    quiz.get_by_label("Knees").check()
    quiz.get_by_label("In the morning, on waking").check()
    quiz.get_by_role("button", name="Submit answers").click()
    expect(quiz.locator(".quiz__result--fail")).to_contain_text("not passed yet")
    expect(quiz.locator(".quiz__meta")).to_contain_text("1 of 3 attempts used")
    expect(quiz.get_by_label("Knees")).to_be_checked()
    expect(quiz.get_by_label("In the morning, on waking")).to_be_checked()
    expect(quiz.get_by_label("Shoulders")).not_to_be_checked()
    expect(quiz.get_by_text("2 attempts left")).to_be_visible()
    expect(page.get_by_text("Pass the quiz above to complete this lesson.")).to_be_visible()

    # A pass collapses the form into the way on.
    quiz.get_by_label("Shoulders").check()
    quiz.get_by_role("button", name="Submit answers").click()
    expect(quiz.locator(".quiz__result--pass")).to_contain_text("You scored 100%")
    expect(quiz.locator(".quiz__meta")).to_contain_text("2 of 3 attempts used")
    expect(quiz.locator("form")).to_have_count(0)
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    quiz.get_by_role("link", name="Continue to the next lesson").click()

    # The third lesson opened with the quiz; the fourth waits for it.
    expect(page).to_have_url(re.compile(re.escape(THIRD_LESSON) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Muscle strain and acute injury")
    expect(page.locator(".locked")).to_have_count(0)
    expect(page.locator(".pager__link--next .lesson-lock")).to_have_text(
        "After “Muscle strain and acute injury”"
    )
    layout += layout_problems(page)
    assert layout == [], "\n".join(layout)


@AT_BOTH_WIDTHS
def test_student_leaves_a_course_and_a_graduate_keeps_theirs(page, demo):
    log_in(page, "student@example.com", "pinewood-student")
    page.goto(COURSE)
    enroll_box = page.locator("#enroll")

    # "Leave course" asks first; staying changes nothing.
    enroll_box.get_by_role("link", name="Leave course").click()
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "withdraw/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Leave {COURSE_TITLE}?")
    expect(page.locator(".confirm__consequences")).to_contain_text("Your progress is kept")
    assert layout_problems(page) == []
    page.get_by_role("link", name="Stay in the course").click()
    expect(page).to_have_url(ON_THE_COURSE_PAGE)
    expect(enroll_box).to_contain_text("You are enrolled")
    assert Enrollment.objects.get(user__email="student@example.com").status == Enrollment.Status.ACTIVE

    # Confirming withdraws.
    enroll_box.get_by_role("link", name="Leave course").click()
    page.get_by_role("button", name="Leave course").click()
    expect(page).to_have_url(ON_THE_COURSE_PAGE)
    expect(page.locator(".messages")).to_contain_text("You have left the course.")
    expect(enroll_box.get_by_role("button", name="Enroll now")).to_be_visible()
    assert Enrollment.objects.get(user__email="student@example.com").status == Enrollment.Status.WITHDRAWN
    page.goto("/learn/")
    expect(page.get_by_text("You are not enrolled in any course yet.")).to_be_visible()

    # A graduate keeps the course and its certificate, and is offered no way out of it.
    graduate = make_student("grace@example.com", "Grace", "Hopper")
    enrollment = Enrollment.objects.create(
        user=graduate,
        course=demo_course(),
        status=Enrollment.Status.COMPLETED,
        enrolled_at=timezone.now() - timedelta(days=40),
        completed_at=timezone.now() - timedelta(days=3),
    )
    issue_certificate(enrollment)
    completed_on = format_date(timezone.localtime(enrollment.completed_at), "j F Y")
    page.context.clear_cookies()
    log_in(page, "grace@example.com", STUDENT_PASSWORD)

    page.goto(COURSE)
    expect(enroll_box.locator(".enroll-box__status")).to_have_text(
        f"You completed this course on {completed_on}."
    )
    certificate = enroll_box.get_by_role("link", name="Download certificate (PDF)")
    expect(certificate).to_have_class("button")  # the main button, not a secondary one
    expect(page.get_by_role("link", name="Leave course")).to_have_count(0)
    with page.expect_download() as download:
        certificate.click()
    assert download.value.suggested_filename == "certificate-mesotherapy-lower-back-pain.pdf"
    # Even the withdraw address itself keeps a completed course.
    page.goto(COURSE + "withdraw/")
    expect(page).to_have_url(ON_THE_COURSE_PAGE)
    expect(page.locator(".messages")).to_contain_text("You completed this course: it stays on your record")

    page.goto("/learn/")
    row = page.locator(".dashboard-item").filter(has_text=COURSE_TITLE)
    expect(row.locator(".status")).to_have_text(f"Completed on {completed_on}")
    expect(row.get_by_role("link", name="Download certificate (PDF)")).to_have_class("button")
    expect(page.get_by_role("link", name="Leave course")).to_have_count(0)
    assert layout_problems(page) == []


@AT_BOTH_WIDTHS
def test_the_header_folds_its_links_behind_a_menu_on_a_phone(page, demo):
    page.goto("/")
    header = page.locator(".site-header")
    toggle = header.get_by_role("button", name="Menu")
    courses = header.get_by_role("link", name="Courses", exact=True)
    if page.viewport_size["width"] > 640:
        expect(toggle).to_be_hidden()
        expect(courses).to_be_visible()
        return
    expect(courses).to_be_hidden()
    assert header.bounding_box()["height"] < 90  # one row
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(courses).to_be_visible()
    expect(header.get_by_role("link", name="Sign up", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(courses).to_be_hidden()
    toggle.click()
    courses.click()
    expect(page).to_have_url(re.compile(r"/$"))


@AT_BOTH_WIDTHS
def test_enrollment_errors_and_the_account_page(page, demo):
    demo_course(enrollment_mode=CoursePage.EnrollmentMode.CODE, enrollment_code="PINE-7Q4K-2026")
    make_student("eve@example.com", "Eve", "Example")

    # A visitor meets the same "Log in" and "Sign up" in the header and on the account pages.
    page.goto(COURSE)
    header = page.locator(".site-header")
    open_menu(page)
    expect(header.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    header.get_by_role("link", name="Sign up", exact=True).click()
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    expect(main.get_by_role("button", name="Sign up", exact=True)).to_be_visible()
    main.get_by_role("link", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(main.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Sign up", exact=True)).to_be_visible()
    log_in(page, "eve@example.com", STUDENT_PASSWORD)

    # The enroll action's address, opened rather than posted, leads to the course page.
    page.goto(COURSE + "enroll/")
    expect(page).to_have_url(re.compile(re.escape(COURSE) + "$"))
    enroll_box = page.locator("#enroll")
    code = enroll_box.get_by_label("Enrollment code")

    # A missing or wrong code: the course page again, saying what is wrong.
    enroll_box.get_by_role("button", name="Enroll now").click()
    expect(page).to_have_url(ON_THE_COURSE_PAGE)
    expect(enroll_box.get_by_role("alert")).to_have_text("Enter the enrollment code you were given.")
    code.fill("PINE-0000-2026")
    enroll_box.get_by_role("button", name="Enroll now").click()
    expect(page).to_have_url(ON_THE_COURSE_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    expect(enroll_box.get_by_role("alert")).to_have_text("That enrollment code is not valid for this course.")
    expect(code).to_have_attribute("aria-invalid", "true")

    # A form posted without its CSRF cookie gets the site's own 403 page, with a way back.
    page.context.clear_cookies(name="csrftoken")
    code.fill("PINE-7Q4K-2026")
    with page.expect_navigation() as refused:
        enroll_box.get_by_role("button", name="Enroll now").click()
    assert refused.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form has expired")
    expect(page.get_by_role("link", name="Course catalogue")).to_have_attribute("href", "/")
    expect(page.locator(".site-header")).to_be_visible()
    assert not Enrollment.objects.filter(user__email="eve@example.com").exists()

    # The code as typed from a slide, in lower case with spaces, is accepted.
    page.goto(COURSE)
    code.fill("  pine-7q4k-2026 ")
    enroll_box.get_by_role("button", name="Enroll now").click()
    expect(page.locator(".messages")).to_contain_text(f"You are enrolled in {COURSE_TITLE}.")
    expect(enroll_box.get_by_role("link", name="Start learning")).to_be_visible()

    # The account page changes the name certificates print, and says why a name is refused.
    page.goto("/learn/")
    page.get_by_role("link", name="Change your name").click()
    expect(page).to_have_url(re.compile("/learn/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    page.get_by_label("Given name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Enter your given name, as it should appear on your certificates."
    )
    page.get_by_label("Given name").fill("Evelyn")
    page.get_by_label("Family name").fill("Example-Smith")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Your name is saved.")
    expect(page.locator("main")).to_contain_text("Now: Evelyn Example-Smith.")
    assert layout_problems(page) == []
    page.goto("/learn/")
    expect(page.locator(".dashboard-account")).to_contain_text(
        "Certificates are issued to Evelyn Example-Smith."
    )


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_course_administrator_follows_students_progress(page, demo):
    student = get_user_model().objects.get(email="student@example.com")
    for slug in ("types-of-lower-back-pain", "symptoms-and-radiation"):
        LessonCompletion.objects.create(user=student, lesson=LessonPage.objects.get(slug=slug))
    log_in(page, "courseadmin@example.com", "pinewood-courseadmin")

    page.goto(COURSE)
    page.locator(".site-header").get_by_role("link", name="Admin", exact=True).click()
    expect(page).to_have_url(re.compile("/admin/$"))

    page.goto(reverse("course_enrollments:list"))
    row = page.locator("tbody tr").filter(has_text="student@example.com")
    progress = row.get_by_role("link").filter(has_text="2/10")
    expect(progress).to_be_visible()
    progress.click()
    expect(page).to_have_url(re.compile(r"/admin/enrollments/inspect/\d+/$"))
    expect(page.get_by_text("2 of 10 lessons completed.")).to_be_visible()
    lessons = page.locator(".pinewood-lesson-progress li")
    expect(lessons).to_have_count(10)
    expect(lessons.first).to_contain_text(re.compile(r"^Types of lower back pain: completed \d"))
    expect(lessons.nth(2)).to_have_text("Muscle strain and acute injury: not completed")
