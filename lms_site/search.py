"""Site-wide search.

The shared index holds public text only (see `LessonPage.search_fields`), so
what anyone can find there is public by construction. Enrolled students also
find lessons of their own courses by words in the lesson body: those matches
come from the lessons they can open, checked one by one against the access
policy, and are never indexed anywhere.
"""

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.models import Page

from course.access import lesson_access
from course.cache import private_response
from course.models import CoursePage, Enrollment
from lessons.models import LessonPage

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)


def _words(text):
    return [word.lower() for word in WORD.findall(text)]


def private_lesson_matches(request, query):
    """Lessons the user can open whose full body contains every word of `query`."""
    user = request.user
    if not user.is_authenticated:
        return []
    words = set(_words(query))
    if not words:
        return []
    course_ids = (
        Enrollment.objects.filter(user=user, status__in=Enrollment.GRANTING)
        .exclude(expires_at__lte=timezone.now())
        .values_list("course_id", flat=True)
    )
    courses = list(CoursePage.objects.filter(pk__in=course_ids).live())
    if not courses:
        return []
    lessons = LessonPage.objects.none()
    for course in courses:
        lessons = lessons | LessonPage.objects.live().descendant_of(course)
    matches = []
    for lesson in lessons.order_by("path"):
        if not words <= set(_words(lesson.full_body_text())):
            continue  # cheap pre-filter; what the user may read is checked next
        text = lesson.readable_text(lesson_access(request, lesson))
        if words <= set(_words(text)):
            matches.append(lesson)
    return matches


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = []
    if query:
        public = list(Page.objects.live().public().specific().search(query))
        seen = {page.pk for page in public}
        private = [lesson for lesson in private_lesson_matches(request, query) if lesson.pk not in seen]
        results = private + public
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    context = {"query": query, "page_obj": page_obj, "result_count": paginator.count}
    return private_response(TemplateResponse(request, "search.html", context))
