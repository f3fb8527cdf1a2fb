"""What a course teaches, read from the page tree in a fixed number of queries.

`walk_syllabus` is the one rule for "live lessons under live modules". On it sit
`CourseOutline` (one course, page objects: syllabus, lesson sidebar, previous/next,
progress, the access policy's lesson lookup) and `lesson_ids_by_course` (many
courses, ids only: catalogue counts, dashboard progress). Query cost does not grow
with the number of modules or lessons.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, get_page_models

from course.models.lesson_contract import AbstractLessonPage


@dataclass
class OutlineLesson:
    page: Page
    module: "OutlineModule"
    number: int  # 1-based position across the whole course

    @property
    def minutes(self):
        return self.page.estimated_minutes or 0

    @property
    def is_preview(self):
        return self.page.is_preview is True


@dataclass
class OutlineModule:
    page: Page
    number: int
    lessons: list = field(default_factory=list)

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)


def lesson_content_type_ids():
    """Content types of every concrete lesson model (subclasses of the lesson contract)."""
    models = [model for model in get_page_models() if issubclass(model, AbstractLessonPage)]
    return {content_type.pk for content_type in ContentType.objects.get_for_models(*models).values()}


def syllabus_pages(courses):
    """Live pages one and two levels under `courses` (modules and what they hold), in tree order."""
    within = reduce(
        or_,
        (
            Q(path__startswith=course.path, depth__in=(course.depth + 1, course.depth + 2))
            for course in courses
        ),
    )
    return Page.objects.filter(within, live=True).order_by("path")


def walk_syllabus(courses, pages):
    """The one rule for what a course teaches: live lessons under live modules.

    `pages` are `syllabus_pages(courses)` in any form that has `path` and
    `content_type_id` (page instances, or `values_list(..., named=True)` rows).
    Yields (course, module, lesson) in tree order, with lesson None for a module
    itself. A module is a live child of the course; a lesson is a live child of a
    live module whose model is a lesson (`AbstractLessonPage`). Anything else, or
    anything under an unpublished module, is not part of the course as students see it.
    """
    course_by_path = {course.path: course for course in courses}
    lesson_types = lesson_content_type_ids()
    modules = {}  # path -> (course, module)
    for page in pages:  # in path order, so a module comes before its lessons
        parent = page.path[: -Page.steplen]
        if parent in course_by_path:
            modules[page.path] = (course_by_path[parent], page)
            yield course_by_path[parent], page, None
        elif parent in modules and page.content_type_id in lesson_types:
            course, module = modules[parent]
            yield course, module, page


def lesson_ids_by_course(courses):
    """{course id: [live lesson ids in order]} for many courses in one query (no per-course loop)."""
    courses = list(courses)
    if not courses:
        return {}
    rows = syllabus_pages(courses).values_list("pk", "path", "content_type_id", named=True)
    result = {course.pk: [] for course in courses}
    for course, _, lesson in walk_syllabus(courses, rows):
        if lesson is not None:
            result[course.pk].append(lesson.pk)
    return result


class CourseOutline:
    """Live modules (children of the course) and their live lessons, in explorer order (`walk_syllabus`)."""

    def __init__(self, course):
        self.course = course
        pages = syllabus_pages([course]).specific().defer_streamfields()
        self.modules = []
        self.lessons = []
        module_by_pk = {}
        for _, module_page, lesson_page in walk_syllabus([course], pages):
            if lesson_page is None:
                module = OutlineModule(page=module_page, number=len(self.modules) + 1)
                self.modules.append(module)
                module_by_pk[module_page.pk] = module
                continue
            module = module_by_pk[module_page.pk]
            lesson = OutlineLesson(page=lesson_page, module=module, number=len(self.lessons) + 1)
            module.lessons.append(lesson)
            self.lessons.append(lesson)
        self._lesson_index = {lesson.page.pk: i for i, lesson in enumerate(self.lessons)}

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)

    def module_for(self, page):
        return next((module for module in self.modules if module.page.pk == page.pk), None)

    def entry_for(self, page):
        index = self._lesson_index.get(page.pk)
        return None if index is None else self.lessons[index]

    def neighbours(self, page):
        """(previous, next) lesson entries around `page`, crossing module boundaries."""
        index = self._lesson_index.get(page.pk)
        if index is None:
            return None, None
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following
