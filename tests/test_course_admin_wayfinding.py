"""What course administrators and visitors find where they expect it: syllabus order in the
explorer, no empty modules in the syllabus, page titles that do not repeat the site name."""

import pytest
from django.test import Client

from course.models import LessonCompletion, ModulePage
from tests.factories import client_for, enroll_as, make_course, make_user, publish

pytestmark = pytest.mark.django_db


def test_the_explorer_lists_modules_and_lessons_in_syllabus_order(catalogue, course_admin):
    course, lessons = make_course(catalogue, "Ordered", modules=2, lessons=2)
    first, second = ModulePage.objects.child_of(course).order_by("path")
    second.save_revision()  # the most recently edited: Wagtail's default ordering would list it first
    lessons[1].save_revision()
    client = client_for(course_admin)
    html = client.get(f"/admin/pages/{course.pk}/").content.decode()
    assert html.index(first.title) < html.index(second.title)
    html = client.get(f"/admin/pages/{first.pk}/").content.decode()
    assert html.index(lessons[0].title) < html.index(lessons[1].title)


def test_a_module_without_live_lessons_stays_out_of_the_syllabus(catalogue):
    course, _ = make_course(catalogue, "Growing", modules=2, lessons=1)
    publish(course, ModulePage(title="Coming later", slug="later"))
    html = Client().get(course.url).content.decode()
    assert "Coming later" not in html and "Lessons coming soon." not in html
    assert html.count('class="syllabus__module"') == 2


def test_the_catalogue_title_does_not_repeat_the_site_name(catalogue):
    html = Client().get("/").content.decode()
    assert f"<title>{catalogue.title}</title>" in html
    course, _ = make_course(catalogue, "Titled", modules=1, lessons=1)
    assert f"<title>Titled · {catalogue.title}</title>" in Client().get(course.url).content.decode()


def test_articles_are_in_the_main_navigation(catalogue):
    assert '<a href="/articles/">Articles</a>' in Client().get("/").content.decode()


def test_the_enrollments_list_shows_progress_and_links_to_the_students_lessons(
    course_admin_client, gated_course
):
    student = make_user("prog", first_name="Pat", last_name="Reyes")
    enrollment = enroll_as(student, gated_course)
    LessonCompletion.objects.create(user=student, lesson=gated_course.lessons[0])
    html = course_admin_client.get("/admin/enrollments/").content.decode()
    inspect_url = f"/admin/enrollments/inspect/{enrollment.pk}/"
    assert f'href="{inspect_url}"' in html and "1/3 · " in html
    inspect = course_admin_client.get(inspect_url).content.decode()
    assert "1 of 3 lessons completed." in inspect
    assert f"<li>{gated_course.lessons[0].title}: completed" in inspect
    assert f"<li>{gated_course.lessons[1].title}: not completed</li>" in inspect
    assert "No end (lifetime access)" in inspect
    assert "Pat Reyes" in inspect


def test_the_course_report_counts_in_the_singular_when_there_is_one(course_admin_client, gated_course):
    enroll_as(make_user("only"), gated_course)
    html = course_admin_client.get(f"/admin/reports/courses/{gated_course.pk}/").content.decode()
    assert "1 enrollment; 1 student (active or completed)." in html
