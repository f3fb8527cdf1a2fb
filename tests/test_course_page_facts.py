"""The course page's "at a glance" facts: the editor's duration, else the lessons' own estimates."""

import pytest
from django.test import Client

from tests.factories import make_course

pytestmark = pytest.mark.django_db


def facts_of(course):
    html = Client().get(course.url).content.decode()
    return html[html.index('<dl class="facts">') : html.index("</dl>")]


def test_without_a_duration_the_page_sums_the_lesson_estimates(catalogue):
    course, lessons = make_course(catalogue, "Summed", modules=1, lessons=2)
    for minutes, lesson in zip((7, 1), lessons, strict=True):
        lesson.estimated_minutes = minutes
        lesson.save_revision().publish()
    facts = facts_of(course)
    assert "<dt>Study time</dt><dd>about 8 minutes</dd>" in facts and "Duration" not in facts
    assert "<dt>Lessons</dt><dd>2 in 1 module</dd>" in facts


def test_the_editors_duration_is_shown_alone(catalogue):
    course, _lessons = make_course(
        catalogue, "Stated", modules=2, lessons=1, duration="Four weeks, two hours a week"
    )
    facts = facts_of(course)
    assert "<dt>Duration</dt><dd>Four weeks, two hours a week</dd>" in facts and "Study time" not in facts
    assert "<dt>Lessons</dt><dd>2 in 2 modules</dd>" in facts
