"""The one access policy for gated course content.

Every channel that can show lesson content (page serving, gated blocks, search,
API, sitemap, document downloads, emails) asks this module and nothing else.

It fails closed: no user, a page outside any course, an unpublished ancestor or
anything unexpected all give a locked `Access`. Decisions are made fresh on each
call from the database; they are never stored in the session or a cache.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from wagtail.models import Page

# Reasons, as named in the design.
PREVIEW = "preview"
ENROLLED = "enrolled"
STAFF = "staff"
ANONYMOUS = "anonymous"
NOT_ENROLLED = "not_enrolled"
PENDING = "pending"
EXPIRED = "expired"
NOT_RELEASED = "not_released"
LOCKED_BY = "locked_by"
UNPUBLISHED = "unpublished"
NO_COURSE = "no_course"


@dataclass(frozen=True)
class Access:
    """What one user may see of one page.

    `can_view` covers the lesson body; `can_view_gated` covers gated sections,
    which stay closed in free-preview lessons for people who are not enrolled.
    `detail` is the release date for `not_released` and the blocking lesson for
    `locked_by`.
    """

    can_view: bool
    reason: str
    can_view_gated: bool = False
    detail: object = None
    course: object = None
    enrollment: object = None  # the enrollment the decision was based on, if any

    def __bool__(self):
        return self.can_view

    @property
    def is_not_found(self):
        return self.reason == UNPUBLISHED


def allows(access):
    """True only for a real `Access` that opens the body; None or any other object is a 'no'."""
    return isinstance(access, Access) and access.can_view is True


def allows_gated(access):
    """True only for a real `Access` that opens gated sections."""
    return isinstance(access, Access) and access.can_view_gated is True and access.can_view is True


def _user_of(request_or_user):
    if request_or_user is None:
        return AnonymousUser()
    user = getattr(request_or_user, "user", request_or_user)
    return user if hasattr(user, "is_authenticated") else AnonymousUser()


def course_of(page):
    """The live-or-not CoursePage above `page` (or `page` itself), or None."""
    from course.models import CoursePage

    if isinstance(page, CoursePage):
        return page
    if not getattr(page, "path", None):
        return None
    return CoursePage.objects.ancestor_of(page).first()


def can_edit_course(user, course):
    """Editors with edit permission on the course see everything in it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return "change" in course.permissions_for_user(user).permissions


def active_enrollment(user, course, now=None):
    """The user's enrollment in `course` if it currently grants access, else None."""
    enrollment = enrollment_for(user, course)
    return enrollment if enrollment is not None and enrollment.grants_access(now) else None


def enrollment_for(user, course):
    from course.models import Enrollment

    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).select_related("certificate").first()


def ancestors_live(page):
    """Every ancestor below the tree root, and the page itself, is published."""
    if not page.live:
        return False
    return not Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def release_date(module, enrollment):
    """The date the module opens for this enrollment, or None when it is already open."""
    dates = []
    release_on = getattr(module, "release_on", None)
    if release_on:
        dates.append(release_on)
    days = getattr(module, "release_after_days", None)
    if days:
        dates.append(timezone.localdate(enrollment.enrolled_at) + datetime.timedelta(days=days))
    opens = max(dates) if dates else None
    return opens if opens and opens > timezone.localdate() else None


def _blocking_lesson(user, course, page):
    """In a sequential course, the previous lesson if the user has not completed it."""
    from course.models import LessonCompletion

    previous, _ = course.outline.neighbours(page)
    if previous is None:
        return None
    done = LessonCompletion.objects.filter(user=user, lesson_id=previous.page.pk).exists()
    return None if done else previous.page


def lesson_access(request_or_user, page, *, now=None):
    """Decide what the user behind `request_or_user` may see of `page` (a lesson or any course page)."""
    user = _user_of(request_or_user)
    if page is None or not getattr(page, "pk", None):
        return Access(False, NO_COURSE)
    course = course_of(page)
    if course is None:
        return Access(False, NO_COURSE)
    if not ancestors_live(page):
        return Access(False, UNPUBLISHED, course=course)
    if can_edit_course(user, course):
        return Access(True, STAFF, can_view_gated=True, course=course)

    is_preview = bool(getattr(page, "is_preview", False))
    preview = Access(True, PREVIEW, course=course)
    if not user.is_authenticated:
        return preview if is_preview else Access(False, ANONYMOUS, course=course)

    enrollment = enrollment_for(user, course)
    if enrollment is None or enrollment.status == enrollment.Status.WITHDRAWN:
        denied = Access(False, NOT_ENROLLED, course=course)
    elif enrollment.status == enrollment.Status.PENDING:
        denied = Access(False, PENDING, course=course)
    elif not enrollment.grants_access(now):
        denied = Access(False, EXPIRED, detail=enrollment.expires_at, course=course)
    else:
        denied = None
    if denied is not None:
        return preview if is_preview else denied

    if page.depth == course.depth + 2:
        entry = course.outline.entry_for(page)
        if entry is None:  # not a lesson of a live module of this course
            return Access(False, NO_COURSE, course=course)
        opens = release_date(entry.module.page, enrollment)
        if opens is not None:
            return preview if is_preview else Access(False, NOT_RELEASED, detail=opens, course=course)
        if course.sequential and not is_preview:
            blocker = _blocking_lesson(user, course, page)
            if blocker is not None:
                return Access(False, LOCKED_BY, detail=blocker, course=course)
    return Access(True, ENROLLED, can_view_gated=True, course=course, enrollment=enrollment)


# Personas an editor can preview a lesson as (Wagtail preview modes on LessonPage).
PERSONAS = (NOT_ENROLLED, ENROLLED)


def persona_access(page, persona):
    """What `persona` would see of `page`, for an editor's preview; decided here like every access.

    `not_enrolled`: a logged-in visitor without an enrollment (free-preview lessons
    open their body, never gated sections). `enrolled`: a student with an active
    enrollment who has reached the lesson. No real user or enrollment is involved,
    and the page may be a draft, so live-ness is not checked (Wagtail only lets
    editors preview). Any other persona, or a page outside a course, is locked.
    """
    course = course_of(page) if page is not None else None
    if course is None:
        return Access(False, NO_COURSE)
    if persona == ENROLLED:
        return Access(True, ENROLLED, can_view_gated=True, course=course)
    if persona == NOT_ENROLLED and getattr(page, "is_preview", False) is True:
        return Access(True, PREVIEW, course=course)
    return Access(False, NOT_ENROLLED, course=course)


def document_access(request_or_user, document):
    """Whether the user may download `document`.

    A document is as open as the most open place that uses it: any live page
    outside a course, a course or module page, or the non-gated part of a lesson
    the user can read. A document used nowhere is only for people who can
    manage that document, i.e. its collection (fail closed).
    """
    from wagtail.documents import get_document_model
    from wagtail.models import ReferenceIndex
    from wagtail.permissions import policy_registry

    user = _user_of(request_or_user)
    documents_policy = policy_registry.get_by_type(get_document_model())
    if user.is_authenticated and documents_policy.user_has_any_permission_for_instance(
        user, ["change", "choose"], document
    ):
        return True
    page_type = ReferenceIndex._get_base_content_type(Page)
    references = ReferenceIndex.get_references_to(document).filter(base_content_type=page_type)
    paths_by_page = {}
    for page_id, content_path in references.values_list("object_id", "content_path"):
        paths_by_page.setdefault(int(page_id), []).append(content_path)
    for page in Page.objects.filter(pk__in=paths_by_page).live().public().specific():
        if course_of(page) is None:
            if ancestors_live(page):
                return True
            continue
        access = lesson_access(user, page)
        for content_path in paths_by_page[page.pk]:
            is_gated = getattr(page, "is_gated_content_path", None)
            if allows_gated(access) or (allows(access) and not (is_gated and is_gated(content_path))):
                return True
    return False


def with_live_ancestors(pages):
    """Narrow a page queryset to pages no unpublished ancestor hides (they answer 404).

    The queryset form of `ancestors_live` for listings (the API): one correlated
    subquery, so the cost does not grow with the number of unpublished pages.
    """
    from django.db.models import Exists, F, OuterRef
    from django.db.models.functions import Substr

    hidden_ancestor = Page.objects.filter(
        live=False,
        depth__gt=1,
        depth__lt=OuterRef("depth"),
        path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen),
    )
    reachable = Page.objects.filter(live=True).exclude(Exists(hidden_ancestor))
    return pages.filter(pk__in=reachable.values("pk"))  # a plain lookup, which search backends accept
