"""Site-wide search: courses, articles and lessons, with highlighted snippets.

The shared index holds public text only (a lesson indexes `public_body_text()`), so
what anyone can find there is public by construction. Enrolled students also
find lessons of their own courses by words in the lesson body: those matches
come from the lessons they can open, checked one by one against the access
policy, and are never indexed anywhere.

Snippets are cut from the same text the result was allowed to match on: public
text for public results, and for a student's own lessons only what the access
policy lets them read. They never come from the raw page.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from wagtail.models import Locale, Page

from course.access import allows, lesson_access
from course.cache_headers import private_response
from course.models import AbstractLessonPage, ArticlePage, CoursePage, Enrollment
from course.templating import layout_context
from course.text import join_sentences

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 36
WORD = re.compile(r"\w+", re.UNICODE)


def _words(text):
    return [word.lower() for word in WORD.findall(text)]


@dataclass
class SearchResult:
    page: Page
    readable_text: str | None = None  # what this user may read of a private match
    snippet: str = ""  # safe HTML: escaped text with <mark> around matched words


def _stream_text(stream):
    return join_sentences(stream.stream_block.get_searchable_content(stream))


def public_text(page):
    """The text a result may quote to anyone: only fields that are public for its type."""
    if isinstance(page, AbstractLessonPage):
        return join_sentences([page.summary, page.public_body_text()])
    if isinstance(page, ArticlePage):
        return join_sentences([page.subtitle, page.intro, _stream_text(page.body)])
    if isinstance(page, CoursePage):
        outcomes = join_sentences(block.value for block in page.learning_outcomes)
        return join_sentences([page.summary, _stream_text(page.description), outcomes])
    return page.search_description or getattr(page, "intro", "") or ""


def highlight(text, query, length=SNIPPET_WORDS):
    """About `length` words of `text` around the first match, escaped, matches in <mark>."""
    words = sorted(set(_words(query)), key=len, reverse=True)
    tokens = strip_tags(text).split()
    if not tokens:
        return ""
    if not words:
        return escape(" ".join(tokens[:length]))
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(word) for word in words) + r")", re.IGNORECASE)
    first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    start = max(0, first - length // 4)
    window = tokens[start : start + length]
    parts = pattern.split(" ".join(window))
    # re.split with one group alternates: text, match, text, match, ...
    html = "".join(f"<mark>{escape(part)}</mark>" if i % 2 else escape(part) for i, part in enumerate(parts))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + length < len(tokens) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 - every part is escaped above


def private_lesson_matches(request, query):
    """(lesson, readable text) for lessons the user can open whose readable text has every word."""
    user = request.user
    if not user.is_authenticated:
        return []
    words = set(_words(query))
    if not words:
        return []
    # An enrollment opens the course in every language it is translated into.
    course_keys = (
        Enrollment.objects.filter(user=user, status__in=Enrollment.GRANTING)
        .exclude(expires_at__lte=timezone.now())
        .values_list("course__translation_key", flat=True)
    )
    courses = list(in_language(CoursePage.objects.filter(translation_key__in=course_keys).live()))
    if not courses:
        return []
    under_courses = Page.objects.none()
    for course in courses:
        under_courses = under_courses | Page.objects.live().descendant_of(course)
    matches = []
    for lesson in under_courses.order_by("path").specific():
        if not isinstance(lesson, AbstractLessonPage):
            continue
        if not words <= set(_words(lesson.full_text())):
            continue  # cheap pre-filter; what the user may read is checked next
        access = lesson_access(request, lesson)
        if not allows(access):
            continue  # a locked or unreachable lesson is found, if at all, by its public text only
        text = lesson.readable_text(access)
        if words <= set(_words(text)):
            matches.append((lesson, text))
    return matches


def in_language(pages):
    """`pages` in the language the search is made in (/fr/search/ finds French pages), with
    Wagtail's localisation on; all of them without it."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return pages
    return pages.filter(locale=Locale.get_active())


def reachable(pages):
    """Drop pages below an unpublished ancestor: their URLs answer 404 and their titles are not public."""
    hidden = list(Page.objects.filter(live=False, depth__gt=1).values_list("path", flat=True))
    return [page for page in pages if not any(page.path.startswith(path) for path in hidden)]


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = []
    if query:
        public = reachable(in_language(Page.objects.live().public()).specific().search(query))
        private = private_lesson_matches(request, query)
        private_ids = {lesson.pk for lesson, _ in private}
        results = [SearchResult(lesson, text) for lesson, text in private] + [
            SearchResult(page) for page in public if page.pk not in private_ids
        ]
    page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for result in page_obj:  # snippets only for the results shown
        text = result.readable_text if result.readable_text is not None else public_text(result.page)
        result.snippet = highlight(text, query)
    context = {"query": query, "page_obj": page_obj, "result_count": len(results)}
    response = TemplateResponse(request, "course/search.html", context | layout_context(request))
    return private_response(response)
