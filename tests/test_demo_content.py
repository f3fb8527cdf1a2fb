"""The demo course built by `load_demo` from the seed article."""

import html
import io
import math
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtailmedia import get_media_model

from course.access import release_date
from course.admin.roles import MARKETING_COLLECTION
from course.media_files import media_url
from course.models import (
    ArticlePage,
    Certificate,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonCompletion,
    ModulePage,
)
from lessons.models import LessonPage, QuizAttempt
from lessons.quiz import grade, quizzes
from lms_site.demo.article import load_article
from tests.budgets import LANGUAGE_LINKS_QUERIES, LESSON_PAGE_IMAGE_QUERIES, LESSON_PAGE_MAX_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_loaded, db):
    return CoursePage.objects.get(slug="mesotherapy-lower-back-pain")


def counts():
    return (
        Page.objects.count(),
        LessonPage.objects.count(),
        get_image_model().objects.count(),
        get_media_model().objects.count(),
        Document.objects.count(),
        get_user_model().objects.count(),
        Enrollment.objects.count(),
        LessonCompletion.objects.count(),
        QuizAttempt.objects.count(),
        Certificate.objects.count(),
    )


def test_site_root_is_the_catalogue(demo):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, CourseIndexPage)
    assert site.root_page.title == "Pinewood Academy"
    assert not Page.objects.filter(depth=2, slug="home").exists()


def test_course_structure_is_built_from_the_seed(demo):
    assert demo.title == "Mesotherapy for the Treatment of Lower Back Pain"
    modules = ModulePage.objects.child_of(demo)
    lessons = LessonPage.objects.descendant_of(demo)
    assert modules.count() >= 4
    assert lessons.count() >= 8
    assert lessons.filter(is_preview=True).exists()
    gated_blocks = sum(
        1 for lesson in lessons for block in lesson.body if block.block_type == "gated_section"
    )
    assert gated_blocks >= 2
    # Lesson text is the article's own: every seed paragraph appears in some lesson.
    all_text = " ".join(lesson.full_body_text() for lesson in lessons)
    article = load_article()
    for paragraph in article.paragraphs:
        first_sentence = re.split(r"(?<=[.!?])\s", paragraph)[0]
        assert first_sentence in all_text, first_sentence


def test_every_page_renders_and_syllabus_lists_lessons_in_order(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    html = client.get(demo.url).content.decode()
    lessons = list(LessonPage.objects.descendant_of(demo).order_by("path"))
    positions = [html.index(f'href="{lesson.url}"') for lesson in lessons]
    assert positions == sorted(positions)
    for page in [demo.get_parent(), demo, *ModulePage.objects.child_of(demo), *lessons]:
        assert client.get(page.url).status_code == 200, page.url
        assert Client().get(page.url).status_code == 200, page.url


def test_images_render_with_alt_text(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    images = 0
    for lesson in LessonPage.objects.descendant_of(demo):
        html = client.get(lesson.url).content.decode()
        for tag in re.findall(r"<img [^>]*>", html):
            images += 1
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 20, tag
    assert images >= 3
    assert get_image_model().objects.count() >= 3


def test_running_twice_leaves_the_same_counts(demo):
    before = counts()
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    assert counts() == before


def test_demo_users_can_log_in_and_student_is_enrolled(demo):
    client = Client()
    assert client.login(username="student", password="pinewood-student")
    assert Enrollment.objects.get(user__username="student", course=demo).grants_access()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("pinewood-admin")
    # The role users get their groups and no enrollment; the admin home opens for both.
    for username, group in (("courseadmin", "Course administrators"), ("marketer", "Marketers")):
        user = get_user_model().objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_superuser and not Enrollment.objects.filter(user=user).exists()
        role_client = Client()
        assert role_client.login(username=username, password=f"pinewood-{username}")
        assert role_client.get("/admin/").status_code == 200


def test_the_demo_clip_plays_with_captions_for_the_student_only(demo):
    lesson = LessonPage.objects.get(slug="mesotherapy-injections")
    clip = get_media_model().objects.get(title="Intradermal technique (demo clip)")
    student = Client()
    assert student.login(username="student", password="pinewood-student")
    html = student.get(lesson.url).content.decode()
    assert f'playsinline src="{media_url(clip)}"' in html
    assert '<track kind="captions"' in html and "Hold the needle at 90 degrees" in html  # the transcript
    response = student.get(media_url(clip), HTTP_RANGE="bytes=0-7")
    assert response.status_code == 206 and b"ftyp" in b"".join(response.streaming_content)
    track = re.search(r'<track kind="captions" src="([^"]+)"', html).group(1)
    assert b"".join(student.get(track).streaming_content).startswith(b"WEBVTT")
    assert len(clip.file.read()) <= 300 * 1024
    visitor = Client()
    assert "Hold the needle at 90 degrees" not in visitor.get(lesson.url).content.decode()
    assert visitor.get(media_url(clip)).status_code == 302  # to the log-in page
    assert visitor.get(track).status_code == 302


def test_demo_lesson_page_queries_are_bounded(demo, django_assert_max_num_queries):
    client = Client()
    client.force_login(get_user_model().objects.get(username="student"))
    for lesson in LessonPage.objects.descendant_of(demo):
        client.get(lesson.url)  # first view creates image renditions
        with django_assert_max_num_queries(
            # The demo's site root is translated (French): the language links read the lesson's.
            LESSON_PAGE_MAX_QUERIES + LESSON_PAGE_IMAGE_QUERIES + LANGUAGE_LINKS_QUERIES,
            info=lesson.url,
        ):
            assert client.get(lesson.url).status_code == 200


# --- study time ---------------------------------------------------------------------------------


def minutes_of_duration(text):
    """The minutes a duration like "About 1 hour 10 minutes, self-paced" states."""
    found = re.match(r"About (?:(\d+) hours? ?)?(?:(\d+) minutes?)?,", text)
    assert found and (found[1] or found[2]), text
    return int(found[1] or 0) * 60 + int(found[2] or 0)


def activities(stream):
    """Figures, clips and quiz questions in a lesson body, gated sections included."""
    count = 0
    for child in stream:
        if child.block_type in ("image", "media"):
            count += 1
        elif child.block_type == "quiz":
            count += len(child.value["questions"])
        elif child.block_type == "gated_section":
            count += activities(child.value["content"])
    return count


def test_course_duration_is_the_sum_of_its_lessons(demo):
    lessons = LessonPage.objects.descendant_of(demo)
    total = sum(lesson.estimated_minutes for lesson in lessons)
    assert minutes_of_duration(demo.duration) == total
    html = Client().get(demo.url).content.decode()
    assert demo.duration in html and "Study time" not in html  # one figure, not two that may differ


def test_lesson_estimates_reflect_their_text(demo):
    estimates = []
    for lesson in LessonPage.objects.descendant_of(demo):
        words = len(lesson.full_body_text().split())
        # Reading at about 200 words a minute, plus a minute or so per figure and quiz question.
        low, high = words / 250, math.ceil(words / 150) + activities(lesson.body)
        assert max(1, low) <= lesson.estimated_minutes <= max(1, high), (
            lesson.slug,
            words,
            lesson.estimated_minutes,
        )
        estimates.append(lesson.estimated_minutes)
    assert len(set(estimates)) > 1  # worked out per lesson, not one figure for all


# --- the teaser article ---------------------------------------------------------------------------


def gated_sentences(lesson):
    """Sentences of a lesson that only readers with access get: a whole locked lesson's body, or a
    free preview's gated sections. Very short ones (quiz choices, single words) are left out."""
    if lesson.is_preview:
        streams = [child.value["content"] for child in lesson.body if child.block_type == "gated_section"]
        parts = [part for stream in streams for part in stream.stream_block.get_searchable_content(stream)]
    else:
        parts = [lesson.full_body_text()]
    sentences = [s.strip() for part in parts for s in re.split(r"(?<=[.!?])\s+", str(part))]
    return [s for s in sentences if len(s.split()) >= 5]


def visible_text(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def article_words(article):
    """Words a reader reads in the article: intro, headings and paragraphs."""
    parts = [article.intro]
    for block in article.body:
        if block.block_type == "heading":
            parts.append(block.value["text"])
        elif block.block_type == "paragraph":
            parts.append(re.sub(r"<[^>]+>", " ", block.value.source))
    return len(" ".join(parts).split())


def test_teaser_article_prints_nothing_the_course_gates(demo):
    article = ArticlePage.objects.get(slug="mesotherapy-for-lower-back-pain")
    response = Client().get(article.url)
    assert response.status_code == 200
    text = visible_text(response)
    checked = 0
    for lesson in LessonPage.objects.descendant_of(demo):
        for sentence in gated_sentences(lesson):
            assert sentence not in text, (lesson.slug, sentence)
            checked += 1
    assert checked >= 30
    assert 300 <= article_words(article) <= 550  # a short read, not the course retold


def test_teaser_article_has_its_own_headline_and_hero_and_leads_into_the_course(demo):
    article = ArticlePage.objects.get(slug="mesotherapy-for-lower-back-pain")
    assert article.title != demo.title and article.hero_image_id != demo.hero_image_id
    page = Client().get(article.url).content.decode()
    assert re.search(r"<h1[^>]*>([^<]*)</h1>", page)[1] == html.escape(article.title)
    text = visible_text(Client().get(article.url))
    assert "21 May 2015" in text  # the seed article's date
    preview = LessonPage.objects.descendant_of(demo).get(is_preview=True)
    teasers = [block.value["lesson"].pk for block in article.body if block.block_type == "lesson_teaser"]
    assert teasers == [preview.pk] and f"{preview.title} {preview.summary}" in text
    assert article.promoted_course_id == demo.pk and demo.summary in text


# --- the marketers' starter image ---------------------------------------------------------------


def test_marketing_collection_has_a_starter_banner_that_marketers_can_choose(demo):
    Image = get_image_model()
    banner = Image.objects.get(
        collection__name=MARKETING_COLLECTION, title="Pinewood Academy — course banner"
    )
    assert "banner" in banner.title and len(banner.description) > 40
    article = ArticlePage.objects.get(slug="mesotherapy-for-lower-back-pain")
    assert article.hero_image == banner

    marketing = list(Image.objects.filter(collection__name=MARKETING_COLLECTION).order_by("pk"))
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    assert list(Image.objects.filter(collection__name=MARKETING_COLLECTION).order_by("pk")) == marketing

    marketer = Client()
    marketer.force_login(get_user_model().objects.get(email="marketer@example.com"))
    chooser = html.unescape(marketer.get(reverse("wagtailimages_chooser:choose")).json()["html"])
    assert banner.title in chooser
    figures = Image.objects.filter(collection__name="Demo")
    assert figures.count() >= 3
    for figure in figures:
        assert figure.title not in chooser, figure.title

    # Public, as the article's hero: anyone may fetch it, unlike the figure of a locked lesson.
    assert Client().get(banner.get_rendition("width-400").url).status_code == 200
    locked = Image.objects.get(collection__name="Demo", title="Pain radiation map")
    assert Client().get(locked.get_rendition("width-400").url).status_code == 404


def test_the_marketers_dashboard_lists_the_demo_teaser_as_theirs(demo):
    marketer = Client()
    marketer.force_login(get_user_model().objects.get(email="marketer@example.com"))
    html = marketer.get(reverse("wagtailadmin_home")).content.decode()
    article = ArticlePage.objects.get(slug="mesotherapy-for-lower-back-pain")
    assert "You have not written or edited any articles yet." not in html
    assert html.count(reverse("wagtailadmin_pages:edit", args=[article.pk])) >= 1


# --- the lively demo: a cohort, a second course, more articles -----------------------------------

DEMO_USERNAMES = {"admin", "student", "courseadmin", "marketer"}


def cohort_enrollments(course):
    return Enrollment.objects.filter(course=course).exclude(user__username__in=DEMO_USERNAMES)


def test_running_twice_keeps_the_cohort_and_its_dates(demo):
    def snapshot():
        return (
            sorted(Enrollment.objects.values_list("user__username", "course_id", "status", "enrolled_at")),
            sorted(LessonCompletion.objects.values_list("user__username", "lesson_id", "completed_at")),
            sorted(QuizAttempt.objects.values_list("user__username", "lesson_id", "score", "created_at")),
            sorted(Certificate.objects.values_list("enrollment__user__username", "code")),
        )

    before = snapshot()
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    assert snapshot() == before


def test_the_cohort_is_about_forty_fictional_students_with_varied_progress(demo):
    students = get_user_model().objects.exclude(username__in=DEMO_USERNAMES)
    assert 35 <= students.count() <= 45
    for student in students:
        assert student.email.endswith("@example.com") and student.first_name and student.last_name
        assert not student.has_usable_password()
    enrollments = cohort_enrollments(demo)
    assert enrollments.count() == students.count()
    lesson_ids = set(LessonPage.objects.descendant_of(demo).values_list("pk", flat=True))
    done = {
        enrollment.user_id: LessonCompletion.objects.filter(
            user=enrollment.user, lesson_id__in=lesson_ids
        ).count()
        for enrollment in enrollments
    }
    assert sum(1 for count in done.values() if count == 0) >= 3
    assert sum(1 for count in done.values() if 0 < count < len(lesson_ids)) >= 20
    finished = [user for user, count in done.items() if count == len(lesson_ids)]
    assert 2 <= len(finished) <= 6
    completed = enrollments.filter(status=Enrollment.Status.COMPLETED)
    assert sorted(completed.values_list("user_id", flat=True)) == sorted(finished)
    assert Certificate.objects.filter(enrollment__in=completed).count() == len(finished)
    now = timezone.now()
    assert not LessonCompletion.objects.filter(completed_at__gt=now).exists()
    dates = LessonCompletion.objects.filter(lesson_id__in=lesson_ids).values_list("completed_at", flat=True)
    assert (now - min(dates)).days >= 14  # spread over the last weeks
    assert enrollments.filter(status=Enrollment.Status.WITHDRAWN).count() == 1
    expired = enrollments.filter(expires_at__lt=now)
    assert expired.count() == 1 and not expired.get().grants_access()


def test_cohort_quiz_attempts_are_graded_like_real_ones(demo):
    attempts = QuizAttempt.objects.exclude(user__username__in=DEMO_USERNAMES).select_related("lesson")
    assert attempts.filter(passed=True).exists() and attempts.filter(passed=False).exists()
    blocks = {}
    for attempt in attempts:
        key = (attempt.lesson_id, attempt.block_id)
        if key not in blocks:
            blocks[key] = next(quiz for quiz in quizzes(attempt.lesson) if quiz.id == attempt.block_id)
        score, passed, _ = grade(blocks[key].value, attempt.answers)
        assert (score, passed) == (attempt.score, attempt.passed)
        assert attempt.created_at < timezone.now()
    # Every completed lesson with a required quiz has a passed attempt behind it.
    for completion in LessonCompletion.objects.exclude(user__username__in=DEMO_USERNAMES):
        lesson = LessonPage.objects.filter(pk=completion.lesson_id).first()
        for quiz in quizzes(lesson) if lesson else []:
            assert attempts.filter(
                user=completion.user, lesson=lesson, block_id=quiz.id, passed=True
            ).exists()


def test_the_second_course_uses_approval_and_drips_its_second_module(demo):
    second = CoursePage.objects.get(slug="ultrasound-guidance-basics")
    assert second.live and second.get_parent().pk == demo.get_parent().pk
    assert second.enrollment_mode == CoursePage.EnrollmentMode.APPROVAL
    assert second.level == CoursePage.Level.INTERMEDIATE != demo.level
    assert set(second.tags.names()).isdisjoint(demo.tags.names())
    modules = list(ModulePage.objects.child_of(second))
    assert len(modules) == 2 and LessonPage.objects.descendant_of(second).count() == 4
    assert LessonPage.objects.descendant_of(second).filter(is_preview=True).count() == 1
    assert minutes_of_duration(second.duration) == sum(
        lesson.estimated_minutes for lesson in LessonPage.objects.descendant_of(second)
    )
    drip = [module for module in modules if module.release_after_days]
    assert len(drip) == 1 and drip[0].release_after_days == 14
    enrollments = Enrollment.objects.filter(course=second)
    assert enrollments.filter(status=Enrollment.Status.PENDING).count() == 2
    assert Enrollment.objects.filter(status=Enrollment.Status.PENDING).count() == 2  # all the demo's
    active = enrollments.filter(status=Enrollment.Status.ACTIVE)
    locked = [enrollment for enrollment in active if release_date(drip[0], enrollment)]
    assert locked and len(locked) < active.count()  # recent enrollees wait; earlier ones are in
    assert Client().get(second.url).status_code == 200
    catalogue = Client().get(demo.get_parent().url).content.decode()
    assert demo.title in catalogue and second.title in catalogue


def test_three_articles_one_scheduled_with_marketing_banners(demo):
    articles = ArticlePage.objects.filter(locale=demo.locale)  # the teaser's French translation aside
    assert articles.count() == 3
    scheduled = [article for article in articles if not article.live]
    assert len(scheduled) == 1
    (article,) = scheduled
    assert article.status_string == "scheduled" and article.go_live_at > timezone.now()
    assert article.get_latest_revision().approved_go_live_at == article.go_live_at
    assert Client().get(article.url or "/articles/two-courses-one-catalogue/").status_code == 404
    banners = get_image_model().objects.filter(collection__name=MARKETING_COLLECTION)
    assert banners.count() == 3
    for page in articles:
        assert page.hero_image in banners and page.promoted_course is not None
    assert len({page.hero_image_id for page in articles}) == 3
    for page in articles.filter(live=True):
        assert Client().get(page.url).status_code == 200
