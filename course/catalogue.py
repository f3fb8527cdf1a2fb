"""The course catalogue: cards for live courses, filters and the latest articles.

Everything a card shows (hero rendition, tags, lesson count, the visitor's
enrollment state) is fetched for the whole page of cards at once, so the number
of queries does not grow with the number of courses.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from taggit.models import Tag

from course.models import ArticleIndexPage, ArticlePage, CoursePage, CoursePageTag, Enrollment
from course.outline import lesson_ids_by_course
from course.reachability import without_view_restrictions
from course.renditions import with_hero_images

COURSES_PER_PAGE = 24
LATEST_ARTICLES = 3


@dataclass
class CourseCard:
    course: CoursePage
    lesson_count: int
    enrollment_state: str | None  # a short label for the visitor, or None


def enrollment_label(enrollment):
    """How a card describes the visitor's enrollment; None when there is nothing to say."""
    if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
        return None
    if enrollment.status == Enrollment.Status.PENDING:
        return "Awaiting approval"
    if not enrollment.grants_access():
        return "Access ended"
    if enrollment.status == Enrollment.Status.COMPLETED:
        return "Completed"
    return "Enrolled"


def enrollment_labels(user, courses):
    if not user.is_authenticated or not courses:
        return {}
    enrollments = Enrollment.objects.filter(user=user, course__in=[course.pk for course in courses])
    return {enrollment.course_id: enrollment_label(enrollment) for enrollment in enrollments}


def public_article_indexes(catalogue):
    return without_view_restrictions(ArticleIndexPage.objects.child_of(catalogue).live())


def latest_articles(indexes, limit=LATEST_ARTICLES):
    """The newest live, public articles under `indexes` (the catalogue's live article indexes)."""
    if not indexes:
        return []
    under_live_index = reduce(or_, (Q(path__startswith=index.path) for index in indexes))
    articles = ArticlePage.objects.filter(under_live_index).live()
    articles = without_view_restrictions(articles).defer_streamfields()
    return list(with_hero_images(articles).order_by("-date", "-first_published_at", "-pk")[:limit])


def catalogue_context(request, catalogue):
    """Cards for one page of live courses, filtered by `?level=` and `?tag=` (unknown values are ignored)."""
    courses = without_view_restrictions(CoursePage.objects.child_of(catalogue).live())
    tags = list(
        Tag.objects.filter(
            pk__in=CoursePageTag.objects.filter(content_object__in=courses).values("tag_id")
        ).order_by("name")
    )
    levels = CoursePage.Level.choices

    level = request.GET.get("level", "")
    if level not in dict(levels):
        level = ""
    tag_slug = request.GET.get("tag", "")
    tag = next((candidate for candidate in tags if candidate.slug == tag_slug), None)

    if level:
        courses = courses.filter(level=level)
    if tag is not None:
        courses = courses.filter(tagged_items__tag=tag)
    tagged = CoursePageTag.objects.select_related("tag")
    courses = with_hero_images(
        courses.order_by("path")
        .defer_streamfields()
        .prefetch_related(Prefetch("tagged_items", queryset=tagged))
    ).distinct()
    page_obj = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page_obj.object_list)
    counts = {pk: len(ids) for pk, ids in lesson_ids_by_course(shown).items()}
    labels = enrollment_labels(request.user, shown)
    cards = [CourseCard(course, counts.get(course.pk, 0), labels.get(course.pk)) for course in shown]
    indexes = list(public_article_indexes(catalogue))

    return {
        "courses": cards,
        "listed_pages": shown,  # the catalogue's JSON-LD `ItemList` (course/templatetags/seo_tags.py)
        "page_obj": page_obj,
        "levels": levels,
        "tags": tags,
        "selected_level": level,
        "selected_tag": tag,
        "is_filtered": bool(level or tag),
        "latest_articles": latest_articles(indexes),
        "article_index": indexes[0] if indexes else None,
    }
