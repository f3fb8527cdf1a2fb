"""What a course teaches, read from the page tree in a fixed number of queries.

`walk_syllabus` is the one rule for "live lessons under live modules". On it sit
`CourseOutline` (one course: syllabus, lesson sidebar, previous/next, progress, the
access policy's lesson lookup) and `lesson_ids_by_course` (many courses, ids only:
catalogue counts, dashboard and report progress). Query cost does not grow with the
number of modules or lessons.

Every lesson request needs the outline, so its structure is kept in Django's cache,
one entry per course (with the ids of its lessons beside it, for lists of courses):
ids, titles, URL paths, public summaries, flags, minutes and release rules of live
modules and lessons, never a lesson body and never anything about a user (access is
decided fresh per request, in course/access.py).
`course/outline_freshness.py` drops an entry on every change that can alter it.

A course and its translations (Wagtail's `translation_key`) are one course to its students, whose
records are kept against the course of record: the course's first translation (the lowest id),
and the translations of the modules and lessons in it. Each outline page says which page its
records are under (`record_pk`), and the outline which course (`record`), so a French lesson
request finds the student's progress without another query.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page, get_page_models

from course import conf
from course.cache_versions import move_on
from course.models.lesson_contract import AbstractLessonPage


@dataclass(frozen=True)
class OutlinePage:
    """What the outline keeps of a module or lesson page: public structure, never a body."""

    pk: int
    title: str
    url: str | None  # the page's path on its site, as `{% pageurl %}` gives it there
    intro: str = ""  # a module's intro
    summary: str = ""  # a lesson's public summary
    is_preview: bool = False
    estimated_minutes: int = 0
    release_on: datetime.date | None = None
    release_after_days: int | None = None
    record_pk: int | None = None  # the page the student's records are under (this one when None)

    @property
    def record_id(self):
        return self.pk if self.record_pk is None else self.record_pk


@dataclass(frozen=True)
class CourseRecord:
    """The course of record of a course and its translations: where enrollments, completions and
    quiz attempts of all of them are kept."""

    pk: int
    path: str


@dataclass
class OutlineLesson:
    page: OutlinePage
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
    page: OutlinePage
    number: int
    lessons: list = field(default_factory=list)

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)


def lesson_models():
    """Every concrete lesson model (subclasses of the lesson contract)."""
    return [model for model in get_page_models() if issubclass(model, AbstractLessonPage)]


def lesson_content_type_ids():
    """Content types of every concrete lesson model."""
    return {content_type.pk for content_type in ContentType.objects.get_for_models(*lesson_models()).values()}


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


def read_lesson_ids(courses):
    """{course id: [live lesson ids in order]} read from the tree in one query."""
    rows = syllabus_pages(courses).values_list("pk", "path", "content_type_id", named=True)
    result = {course.pk: [] for course in courses}
    for course, _, lesson in walk_syllabus(courses, rows):
        if lesson is not None:
            result[course.pk].append(lesson.pk)
    return result


def lesson_ids_by_course(courses):
    """{course id: [live lesson ids in order]} for many courses: from the cache, kept beside each
    course's structure (and dropped with it), then one query for the courses it does not hold."""
    courses = list(courses)
    if not courses:
        return {}
    keys = {pk: f"{key}:lesson-ids" for pk, key in structure_keys([course.pk for course in courses]).items()}
    found = cache.get_many(list(keys.values()))
    result = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in result]
    if missing:
        read = read_lesson_ids(missing)
        cache.set_many({keys[pk]: ids for pk, ids in read.items()}, structure_timeout())
        result.update(read)
    return result


# Each course's structure is cached under a key naming its version: a change moves the version
# on (`forget_structures`), so an entry written by a request that read the tree before the change
# lands under an old key that nobody reads again. The version moves again once the change commits,
# for requests that read the tree between the change and its commit. A generation number, moved
# on by a change to sites (URLs), covers every course at once.
GENERATION_KEY = "pinewood:outline:generation"
FORMAT = 2  # in every key: a structure cached in an earlier shape is never read


def structure_timeout():
    """`PINEWOOD_OUTLINE_CACHE_TIMEOUT`, but at most a few seconds with a process-local cache."""
    return conf.shared_cache_timeout(conf.outline_cache_timeout())


def _version_key(course_pk):
    return f"pinewood:outline:version:{course_pk}"


def structure_keys(course_pks):
    """{course id: the cache key of its structure as it is now}, in one cache round trip."""
    found = cache.get_many([GENERATION_KEY, *map(_version_key, course_pks)])
    generation = found.get(GENERATION_KEY, 0)
    return {
        pk: f"pinewood:outline:{FORMAT}:{generation}:{pk}:{found.get(_version_key(pk), 0)}"
        for pk in course_pks
    }


def structure_key(course_pk):
    """The cache key of the course's structure as it is now (one cache round trip)."""
    return structure_keys([course_pk])[course_pk]


def forget_structures(course_pks):
    """Make the cached structure of these courses stale, now and once the change commits."""
    move_on(_version_key(pk) for pk in course_pks)


def forget_all_structures():
    """Make every cached structure stale (a site's hostname, port or root page changed)."""
    move_on([GENERATION_KEY])


def _outline_page(page, record_pk=None):
    url = page.get_url()  # relative while the course and the request share a site
    if isinstance(page, AbstractLessonPage):
        return OutlinePage(
            pk=page.pk,
            title=page.title,
            url=url,
            summary=page.summary,
            is_preview=page.is_preview is True,
            estimated_minutes=page.estimated_minutes or 0,
            record_pk=record_pk,
        )
    return OutlinePage(
        pk=page.pk,
        title=page.title,
        url=url,
        intro=getattr(page, "intro", ""),
        release_on=getattr(page, "release_on", None),
        release_after_days=getattr(page, "release_after_days", None),
        record_pk=record_pk,
    )


def translations_in_use():
    return getattr(settings, "WAGTAIL_I18N_ENABLED", False)


def records_of(course, pages):
    """(`CourseRecord` of `course`, {page id: id of its translation in the course of record}) in
    one query: the course of record is the course's first translation (the lowest id; `course`
    itself without localisation), and `pages` in it, or translated from pages in it, are mapped
    (a page that is its own record, or has no translation there, is left out)."""
    if not translations_in_use():
        return CourseRecord(course.pk, course.path), {}
    keys = {course.translation_key} | {page.translation_key for page in pages}
    rows = (
        Page.objects.filter(translation_key__in=keys)
        .order_by("pk")
        .values_list("translation_key", "pk", "path")
    )
    record = next(
        (CourseRecord(pk, path) for key, pk, path in rows if key == course.translation_key),
        CourseRecord(course.pk, course.path),
    )
    under_record = {key: pk for key, pk, path in rows if path.startswith(record.path)}
    mapped = {page.pk: under_record.get(page.translation_key, page.pk) for page in pages}
    return record, {pk: record_pk for pk, record_pk in mapped.items() if record_pk != pk}


def read_structure(course):
    """(`CourseRecord`, [(module, [lessons])] of `OutlinePage`s), from the tree (`walk_syllabus`),
    in tree order."""
    pages = list(syllabus_pages([course]).specific().defer_streamfields())
    record, record_of = records_of(course, pages)
    modules = []
    for _, module_page, lesson_page in walk_syllabus([course], pages):
        if lesson_page is None:
            modules.append((_outline_page(module_page, record_of.get(module_page.pk)), []))
        else:
            modules[-1][1].append(_outline_page(lesson_page, record_of.get(lesson_page.pk)))
    return record, modules


def _build(structure):
    """(record, modules, lessons, {lesson id: index}) of `OutlineModule`/`OutlineLesson` from a
    structure."""
    record, structure = structure
    modules, lessons = [], []
    for module_page, lesson_pages in structure:
        if not lesson_pages:
            continue
        module = OutlineModule(page=module_page, number=len(modules) + 1)
        modules.append(module)
        for lesson_page in lesson_pages:
            lesson = OutlineLesson(page=lesson_page, module=module, number=len(lessons) + 1)
            module.lessons.append(lesson)
            lessons.append(lesson)
    return record, modules, lessons, {lesson.page.pk: i for i, lesson in enumerate(lessons)}


# Outlines built in this process, by the versioned key of their structure, with the token the
# cache holds beside that structure: a lesson request then neither unpickles nor rebuilds a long
# course's outline. A change moves the key on; an entry the cache has dropped or replaced (a new
# token, also after the cache was flushed) is built again. Read-only once built.
_built_outlines = {}
BUILT_OUTLINES_KEPT = 256


def built_outline(course):
    """(record, modules, lessons, {lesson id: index}) of the course as it is now (see
    `_built_outlines`)."""
    key = structure_key(course.pk)
    token_key = f"{key}:token"
    token = cache.get(token_key)
    found = _built_outlines.get(key)
    if token is not None and found is not None and found[0] == token:
        return found[1]
    structure = cache.get(key) if token is not None else None
    if structure is None:
        structure = read_structure(course)
        token = uuid.uuid4().hex
        cache.set_many({key: structure, token_key: token}, structure_timeout())
    built = _build(structure)
    if len(_built_outlines) >= BUILT_OUTLINES_KEPT:
        _built_outlines.clear()
    _built_outlines[key] = (token, built)
    return built


class CourseOutline:
    """Live modules (children of the course) that hold live lessons, and those lessons, in
    explorer order (`walk_syllabus`). A module with no live lesson yet is not part of the
    course as students see it: no syllabus entry, no number."""

    def __init__(self, course):
        self.course = course
        self.record, self.modules, self.lessons, self._lesson_index = built_outline(course)

    @property
    def minutes(self):
        return sum(lesson.minutes for lesson in self.lessons)

    def module_for(self, page):
        return next((module for module in self.modules if module.page.pk == page.pk), None)

    def entry_for(self, page):
        index = self._lesson_index.get(page.pk)
        return None if index is None else self.lessons[index]

    def record_id_of(self, page):
        """The id the student's records of lesson `page` are kept under (`page`'s own when it is not
        a lesson of this outline)."""
        entry = self.entry_for(page)
        return page.pk if entry is None else entry.page.record_id

    def neighbours(self, page):
        """(previous, next) lesson entries around `page`, crossing module boundaries."""
        index = self._lesson_index.get(page.pk)
        if index is None:
            return None, None
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following
