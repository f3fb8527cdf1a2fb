"""The one access policy for gated course content.

Every channel that can show lesson content (page serving, gated blocks, search,
API, sitemap, document downloads, images, emails) asks this module and nothing else.

It fails closed: no user, a page outside any course, an unpublished ancestor or
anything unexpected all give a locked `Access`. Decisions are made fresh from the
database for each request (`access_for_request` keeps one per page for the rest
of that request); they are never stored in the session or a cache.

It sits on the page-reachability layer (course/reachability.py) and knows lessons
only through the lesson contract (`course.models.AbstractLessonPage`).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, ReferenceIndex
from wagtail.permissions import policy_registry

from course.models import (
    AbstractLessonPage,
    BrandSettings,
    CoursePage,
    Enrollment,
    LessonCompletion,
    ModulePage,
)
from course.reachability import Lineage, ancestors_live, without_view_restrictions

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
    if isinstance(page, CoursePage):
        return page
    if not getattr(page, "path", None):
        return None
    lineage = Lineage.of(page)
    if lineage is not None:
        # Pages below a course show its title and links, not its long text: leave that unread,
        # and take the rest from the cache beside the course's outline.
        course_pks = lineage.pks_of(CoursePage)
        return CoursePage.from_cache(course_pks[-1]) if course_pks else None
    return CoursePage.objects.ancestor_of(page).first()


def course_and_reachability(page):
    """(the course above `page` or None, whether `page` and its ancestors are all live), in one
    query: `course_of` and `ancestors_live` together, for the decision every lesson request makes."""
    if isinstance(page, CoursePage):
        return page, ancestors_live(page)
    if not getattr(page, "path", None):
        return None, False
    if Lineage.of(page) is not None:  # read while routing this request: only the course to load
        course = course_of(page)
        return course, course is not None and ancestors_live(page)
    above = [page.path[:end] for end in range(Page.steplen, len(page.path), Page.steplen)]
    hidden = Page.objects.filter(path__in=above, depth__gt=1, live=False)
    course = CoursePage.objects.ancestor_of(page).annotate(hidden_above=Exists(hidden)).first()
    if course is None:
        return None, False
    return course, page.live and not course.hidden_above


def can_edit_course(user, course):
    """Editors with edit permission on the course see everything in it.

    Editing needs the Wagtail admin, so whoever may not enter it is no editor: students are
    answered from the permissions Django has already loaded for the request (the userbar
    asks the same), without reading page permissions."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    return "change" in course.permissions_for_user(user).permissions


def administered_courses(user):
    """The courses whose students `user` may manage in the admin (enrollments, reports, imports).

    They follow page permissions: a course is administered by whoever holds the
    "change" page permission on it or on an ancestor (the "Course administrators"
    role holds it on every catalogue, so it administers every course). Superusers
    administer all courses; anyone else, none (fail closed). A course translated into other
    languages is one course here: its course of record (`courses_of_record`). Which actions are
    allowed there is the enrollment model permissions' business (course/admin/permissions.py).
    """
    if not user.is_authenticated or not user.is_active:
        return CoursePage.objects.none()
    if user.is_superuser:
        return courses_of_record(CoursePage.objects.all())
    subtrees = GroupPagePermission.objects.filter(
        group__user=user,
        permission__codename="change_page",
        permission__content_type__app_label="wagtailcore",
    ).values_list("page__path", flat=True)
    within = Q()
    for path in subtrees:
        within |= Q(path__startswith=path)
    if not within:
        return CoursePage.objects.none()
    # Administering one translation of a course is administering its students, who are the
    # course of record's (course/outline.py).
    keys = CoursePage.objects.filter(within).values("translation_key")
    return courses_of_record(CoursePage.objects.filter(translation_key__in=keys))


def courses_of_record(courses):
    """`courses` without translations of another course: a course and its translations share one
    set of enrollments, kept under the first translation (the lowest id; course/outline.py)."""
    earlier = Page.objects.filter(translation_key=OuterRef("translation_key"), pk__lt=OuterRef("pk"))
    return courses.filter(~Exists(earlier))


def active_enrollment(user, course, now=None):
    """The user's enrollment in `course` if it currently grants access, else None."""
    enrollment = enrollment_for(user, course)
    return enrollment if enrollment is not None and enrollment.grants_access(now) else None


def enrollment_for(user, course):
    """The user's enrollment in `course` or in any of its translations (which share one: it is
    kept under the course of record, `CourseOutline.record`), or None."""
    if not user.is_authenticated:
        return None
    return (
        Enrollment.objects.filter(user=user, course__translation_key=course.translation_key)
        .select_related("certificate")
        .first()
    )


def opening_date(module, enrollment):
    """The date the module opens for this enrollment (the later of its drip rules), or None when
    it has no rule; `release_date` and the "a new module is open" reminder both read it."""
    dates = []
    if module.release_on:
        dates.append(module.release_on)
    if module.release_after_days:
        dates.append(
            timezone.localdate(enrollment.enrolled_at) + datetime.timedelta(days=module.release_after_days)
        )
    return max(dates) if dates else None


def release_date(module, enrollment):
    """The date the module opens for this enrollment, or None when it is already open."""
    opens = opening_date(module, enrollment)
    return opens if opens and opens > timezone.localdate() else None


def _blocking_lesson(user, course, page):
    """In a sequential course, the previous lesson if the user has not completed it."""
    previous, _ = course.outline.neighbours(page)
    if previous is None:
        return None
    done = LessonCompletion.objects.filter(user=user, lesson_id=previous.page.record_id).exists()
    return None if done else previous.page


def lesson_access(request_or_user, page, *, now=None):
    """Decide what the user behind `request_or_user` may see of `page` (a lesson or any course page)."""
    user = _user_of(request_or_user)
    if page is None or not getattr(page, "pk", None):
        return Access(False, NO_COURSE)
    course, reachable = course_and_reachability(page)
    if course is None:
        return Access(False, NO_COURSE)
    if not reachable:
        return Access(False, UNPUBLISHED, course=course)
    if can_edit_course(user, course):
        return Access(True, STAFF, can_view_gated=True, course=course)

    is_lesson = isinstance(page, AbstractLessonPage)
    is_preview = is_lesson and page.is_preview is True
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

    if is_lesson:
        entry = course.outline.entry_for(page)
        if entry is None:  # not a lesson of a live module of this course
            return Access(False, NO_COURSE, course=course)
        opens = release_date(entry.module.page, enrollment)
        if opens is not None:
            if is_preview:
                return Access(True, PREVIEW, course=course, enrollment=enrollment)
            return Access(False, NOT_RELEASED, detail=opens, course=course, enrollment=enrollment)
        if course.sequential and not is_preview:
            blocker = _blocking_lesson(user, course, page)
            if blocker is not None:
                return Access(False, LOCKED_BY, detail=blocker, course=course, enrollment=enrollment)
    return Access(True, ENROLLED, can_view_gated=True, course=course, enrollment=enrollment)


@dataclass(frozen=True)
class Lock:
    """Why a lesson in the syllabus or outline is closed to someone: `NOT_ENROLLED` (enroll to
    open it), `NOT_RELEASED` (`detail`: the date it opens) or `LOCKED_BY` (`detail`: the
    outline entry to complete first). For display only: every request for the lesson is still
    decided by `lesson_access`."""

    reason: str
    detail: object = None


def outline_locks(course, enrollment, completed_ids, *, sees_everything=False):
    """{lesson id: Lock} for the lessons of `course`'s outline that are closed to a user whose
    enrollment is `enrollment` (None, or one that grants no access: not enrolled) and who
    completed `completed_ids`. The rules of `lesson_access`, for the whole outline at once and
    without a query: free previews are open to all, drip dates and sequence apply to students.
    """
    if sees_everything:
        return {}
    studying = enrollment is not None and enrollment.grants_access()
    # Each module's opening date once, not once per lesson: this runs on every lesson request.
    opening = (
        {module.page.pk: release_date(module.page, enrollment) for module in course.outline.modules}
        if studying
        else {}
    )
    locks, previous = {}, None
    for lesson in course.outline.lessons:
        if not lesson.is_preview:
            if not studying:
                locks[lesson.page.pk] = Lock(NOT_ENROLLED)
            elif (opens := opening[lesson.module.page.pk]) is not None:
                locks[lesson.page.pk] = Lock(NOT_RELEASED, opens)
            elif course.sequential and previous is not None and previous.page.pk not in completed_ids:
                locks[lesson.page.pk] = Lock(LOCKED_BY, previous)
        previous = lesson
    return locks


# Personas an editor can preview a lesson as (Wagtail preview modes on a lesson page);
# EDITOR, Wagtail's default preview mode, shows everything, as editors see the live page.
EDITOR = ""
PERSONAS = (NOT_ENROLLED, ENROLLED)


def access_for_request(request, page):
    """What the user of `request` may see of `page`, decided once per request and page.

    In Wagtail's preview (`request.is_preview`, which only Wagtail sets, after checking
    the editor's permission) the decision is the chosen preview mode's persona instead.
    """
    decided = request.__dict__.setdefault("_course_access", {})
    if page.pk not in decided:
        if getattr(request, "is_preview", False) is True:
            decided[page.pk] = persona_access(page, getattr(request, "preview_mode", None))
        else:
            decided[page.pk] = lesson_access(request, page)
    return decided[page.pk]


def persona_access(page, persona):
    """What `persona` would see of `page`, for an editor's preview; decided here like every access.

    `not_enrolled`: a logged-in visitor without an enrollment (free-preview lessons
    open their body, never gated sections). `enrolled`: a student with an active
    enrollment who has reached the lesson. No real user or enrollment is involved,
    and the page may be a draft, so live-ness is not checked (Wagtail only lets
    editors preview). `EDITOR` sees everything. Any other persona, or a page outside
    a course, is locked.
    """
    course = course_of(page) if page is not None else None
    if course is None:
        return Access(False, NO_COURSE)
    if persona == EDITOR:
        return Access(True, STAFF, can_view_gated=True, course=course)
    if persona == ENROLLED:
        return Access(True, ENROLLED, can_view_gated=True, course=course)
    if persona == NOT_ENROLLED and isinstance(page, AbstractLessonPage) and page.is_preview is True:
        return Access(True, PREVIEW, course=course)
    return Access(False, NOT_ENROLLED, course=course)


def manages_in_collection(request_or_user, obj):
    """Whether the user may choose or change `obj` (an image, document or media file) in its collection."""
    user = _user_of(request_or_user)
    if not user.is_authenticated or not user.is_active:
        return False
    policy = policy_registry.get_by_type(type(obj))
    return policy.user_has_any_permission_for_instance(user, ["change", "choose"], obj)


def _opened_by_use(user, references):
    """Which objects, among those `references` (page -> object, from the reference index)
    point at, some live, public page shows to `user`: their ids, as strings like the index.

    The most open use wins. Pages outside a course and course or module pages
    (their fields and hero images) are public; in a lesson (`AbstractLessonPage`),
    a use outside gated content is open to whoever can read the lesson, and a use
    inside it to whoever can read gated sections (`is_gated_content_path`).
    Any other page inside a course opens nothing (fail closed). The cost is a fixed
    number of queries plus the policy's for each page in `references`.
    """
    uses = {}  # page id -> object id -> content paths
    rows = references.values_list("object_id", "to_object_id", "content_path")
    for page_id, object_id, content_path in rows:
        uses.setdefault(int(page_id), {}).setdefault(object_id, []).append(content_path)
    opened = set()
    for page in without_view_restrictions(Page.objects.filter(pk__in=uses).live()).specific():
        waiting = {object_id: paths for object_id, paths in uses[page.pk].items() if object_id not in opened}
        if not waiting:
            continue
        if isinstance(page, AbstractLessonPage):
            access = lesson_access(user, page)
            for object_id, paths in waiting.items():
                if allows_gated(access) or (
                    allows(access) and not all(page.is_gated_content_path(path) for path in paths)
                ):
                    opened.add(object_id)
        elif (isinstance(page, (CoursePage, ModulePage)) or course_of(page) is None) and ancestors_live(page):
            opened.update(waiting)
    return opened


def _opened_for(user, obj):
    page_type = ReferenceIndex._get_base_content_type(Page)
    references = ReferenceIndex.get_references_to(obj).filter(base_content_type=page_type)
    return str(obj.pk) in _opened_by_use(user, references)


def document_access(request_or_user, document):
    """Whether the user may download `document`.

    A document is as open as the most open place that uses it: any live page
    outside a course, a course or module page, or the non-gated part of a lesson
    the user can read. A document used nowhere is only for people who can
    manage that document, i.e. its collection (fail closed).
    """
    user = _user_of(request_or_user)
    return manages_in_collection(user, document) or _opened_for(user, document)


def image_access(request_or_user, image):
    """Whether the user may see `image` (any rendition of it), on the same rule as documents.

    An image in a gated section, or in the body of a lesson that is not a free
    preview, is only for people who can read that part; one used nowhere is only
    for people who can choose or change it in its collection (fail closed).
    """
    user = _user_of(request_or_user)
    return is_brand_logo(image) or manages_in_collection(user, image) or _opened_for(user, image)


def media_access(request_or_user, media):
    """Whether the user may play `media` (a wagtailmedia audio or video file, or its thumbnail),
    on the same rule as documents; one used nowhere is only for people who manage it."""
    user = _user_of(request_or_user)
    return manages_in_collection(user, media) or _opened_for(user, media)


def is_brand_logo(image):
    """The organisation's logo (course branding, a site setting) is public: host pages show it."""
    return BrandSettings.objects.filter(logo=image).exists()


def image_is_public(image):
    """Whether anyone, logged in or not, may see `image`: then a static, cacheable URL is fine."""
    return is_brand_logo(image) or _opened_for(AnonymousUser(), image)


def public_images_of(page):
    """The ids of the images `page` shows to anyone, i.e. in its public parts.

    Those images are public (the most open use wins), so their static URLs are
    fine. One decision for all of a page's images, whose cost does not grow with
    their number or with the other pages that use them.
    """
    model = get_image_model()
    references = ReferenceIndex.get_references_for_object(page).filter(
        to_content_type=ReferenceIndex._get_base_content_type(model)
    )
    return {model._meta.pk.to_python(pk) for pk in _opened_by_use(AnonymousUser(), references)}
