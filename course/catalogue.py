"""The course catalogue: cards for live courses, filters and the latest articles.

Everything a card shows (hero rendition, tags, lesson count, the visitor's
enrollment state) is fetched for the whole page of cards at once, so the number
of queries does not grow with the number of courses. Filtering and paging work on a
light index of every listed course (id, level, tags), read in one query.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils.translation import gettext, pgettext
from taggit.models import Tag

from course.models import ArticleIndexPage, ArticlePage, CoursePage, Enrollment
from course.outline import lesson_ids_by_course
from course.reachability import without_view_restrictions
from course.renditions import prefetch_card_renditions

COURSES_PER_PAGE = 24
LATEST_ARTICLES = 3


@dataclass
class CourseCard:
    course: CoursePage
    lesson_count: int
    enrollment_state: str | None  # a short label for the visitor, or None
    tags: list  # taggit `Tag`s, by name


@dataclass
class ListedCourse:
    """A row of the catalogue's index: what filtering, counting and the topic list need."""

    pk: int
    level: str
    tags: list = field(default_factory=list)


def catalogue_index(courses):
    """[ListedCourse] for every course of `courses` in tree order, with their tags, in one query
    (a row per course and tag): filters, the page count and the topic list all come from it."""
    rows = courses.order_by("path", "tagged_items__tag__name").values_list(
        "pk", "level", "tagged_items__tag_id", "tagged_items__tag__name", "tagged_items__tag__slug"
    )
    index = {}
    for pk, level, tag_id, name, slug in rows:
        listed = index.setdefault(pk, ListedCourse(pk, level))
        if tag_id is not None:
            listed.tags.append(Tag(pk=tag_id, name=name, slug=slug))
    return list(index.values())


def enrollment_label(enrollment):
    """How a card describes the visitor's enrollment; None when there is nothing to say."""
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        return None
    if enrollment.status == Enrollment.Status.PENDING:
        # Translators: the visitor's enrollment, on a course card of the catalogue.
        return gettext("Awaiting approval")
    if not enrollment.grants_access():
        return gettext("Access ended")
    if enrollment.status == Enrollment.Status.COMPLETED:
        return pgettext("enrollment status", "Completed")
    return pgettext("enrollment status", "Enrolled")


def enrollment_labels(user, courses):
    if not user.is_authenticated or not courses:
        return {}
    # Keyed by translation: the enrollment in a course is the enrollment in each of its translations.
    by_key = {course.translation_key: course.pk for course in courses}
    enrollments = Enrollment.objects.filter(user=user, course__translation_key__in=by_key).annotate(
        course_key=F("course__translation_key")
    )
    return {by_key[enrollment.course_key]: enrollment_label(enrollment) for enrollment in enrollments}


def public_article_indexes(catalogue):
    return without_view_restrictions(ArticleIndexPage.objects.child_of(catalogue).live())


def latest_articles(indexes, limit=LATEST_ARTICLES):
    """The newest live, public articles under `indexes` (the catalogue's live article indexes),
    with their hero images joined (their renditions are left to `prefetch_card_renditions`)."""
    if not indexes:
        return []
    under_live_index = reduce(or_, (Q(path__startswith=index.path) for index in indexes))
    articles = ArticlePage.objects.filter(under_live_index).live()
    articles = without_view_restrictions(articles).defer_streamfields().select_related("hero_image")
    return list(articles.order_by("-date", "-first_published_at", "-pk")[:limit])


def catalogue_context(request, catalogue):
    """Cards for one page of live courses, filtered by `?level=` and `?tag=` (unknown values are
    ignored). The same few queries however many courses: the index, the page's courses, the
    articles and one query for every card's image renditions; lesson counts come from the cache."""
    listed = catalogue_index(without_view_restrictions(CoursePage.objects.child_of(catalogue).live()))
    tags = {tag.pk: tag for course in listed for tag in course.tags}
    tags = sorted(tags.values(), key=lambda tag: tag.name)
    levels = CoursePage.Level.choices

    level = request.GET.get("level", "")
    if level not in dict(levels):
        level = ""
    tag_slug = request.GET.get("tag", "")
    tag = next((candidate for candidate in tags if candidate.slug == tag_slug), None)

    if level:
        listed = [course for course in listed if course.level == level]
    if tag is not None:
        listed = [course for course in listed if tag in course.tags]
    page_obj = Paginator(listed, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    on_page = {course.pk: course for course in page_obj.object_list}
    loaded = CoursePage.objects.filter(pk__in=on_page).defer_streamfields().select_related("hero_image")
    shown = sorted(loaded, key=lambda course: course.path)
    indexes = list(public_article_indexes(catalogue))
    articles = latest_articles(indexes)
    prefetch_card_renditions(shown, articles)

    counts = {pk: len(ids) for pk, ids in lesson_ids_by_course(shown).items()}
    labels = enrollment_labels(request.user, shown)
    cards = [
        CourseCard(course, counts.get(course.pk, 0), labels.get(course.pk), on_page[course.pk].tags)
        for course in shown
    ]

    return {
        "courses": cards,
        "listed_pages": shown,  # the catalogue's JSON-LD `ItemList` (course/templatetags/seo_tags.py)
        "page_obj": page_obj,
        "levels": levels,
        "tags": tags,
        "selected_level": level,
        "selected_tag": tag,
        "is_filtered": bool(level or tag),
        "latest_articles": articles,
        "article_index": indexes[0] if indexes else None,
    }
