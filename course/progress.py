"""Progress through a course: lesson completion, course completion and certificates.

Counts come from the database in a fixed number of queries per page, whatever
the number of lessons. Completing a lesson twice, or completing the last lesson
from two requests at once, still leaves one completion row and one certificate.
"""

from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from course.access import course_of, release_date
from course.certificate_records import new_certificate
from course.models import Certificate, CoursePage, Enrollment, LessonCompletion
from course.outline import lesson_ids_by_course
from course.tasks import send_completion_email


@dataclass
class Progress:
    total: int
    completed_ids: set
    last_activity: object = None

    @property
    def done(self):
        return len(self.completed_ids)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


def lesson_ids(outline):
    return [entry.page.pk for entry in outline.lessons]


def progress_for(user, course):
    """Progress of `user` in `course`, from the course outline and one completion query.

    The query asks for the student's completions under the course's tree path rather than for
    each lesson by id: its cost follows the student's completions, not the course's size (this
    runs on every lesson request); the outline's live lessons then keep the ones that count.
    In a translation of a course the completions are the course of record's (`outline.record`),
    shown against this translation's lessons: completing a lesson in either language counts once."""
    outline = course.outline
    ids = lesson_ids(outline)
    if not user.is_authenticated or not ids:
        return Progress(total=len(ids), completed_ids=set())
    shown_as = {entry.page.record_id: entry.page.pk for entry in outline.lessons}
    under = Q(lesson__path__startswith=outline.record.path)
    if outline.record.path != course.path:  # a lesson written in this translation only
        under |= Q(lesson__path__startswith=course.path)
    rows = LessonCompletion.objects.filter(under, user=user).values_list("lesson_id", "completed_at")
    completed = {shown_as[pk]: at for pk, at in rows if pk in shown_as}
    return Progress(
        total=len(ids), completed_ids=set(completed), last_activity=max(completed.values(), default=None)
    )


def progress_by_course(user, courses):
    """{course id: Progress} for the dashboard, in two queries however many lessons there are."""
    ids_by_course = lesson_ids_by_course(courses)
    all_ids = [pk for ids in ids_by_course.values() for pk in ids]
    completed = dict(
        LessonCompletion.objects.filter(user=user, lesson_id__in=all_ids).values_list(
            "lesson_id", "completed_at"
        )
    )
    result = {}
    for course_id, ids in ids_by_course.items():
        done = {pk for pk in ids if pk in completed}
        last = max((completed[pk] for pk in done), default=None)
        result[course_id] = Progress(total=len(ids), completed_ids=done, last_activity=last)
    return result


def progress_by_enrollment(enrollments):
    """{enrollment id: Progress} for a page of enrollments (many students, many courses), for the
    administrators' list: two queries however many rows, courses or lessons."""
    enrollments = list(enrollments)
    if not enrollments:
        return {}
    ids_by_course = lesson_ids_by_course({enrollment.course for enrollment in enrollments})
    all_ids = {pk for ids in ids_by_course.values() for pk in ids}
    completed = {}  # user id -> {lesson id: completed at}
    rows = LessonCompletion.objects.filter(
        user_id__in={enrollment.user_id for enrollment in enrollments}, lesson_id__in=all_ids
    ).values_list("user_id", "lesson_id", "completed_at")
    for user_id, lesson_id, completed_at in rows:
        completed.setdefault(user_id, {})[lesson_id] = completed_at
    result = {}
    for enrollment in enrollments:
        ids = ids_by_course.get(enrollment.course_id, [])
        mine = completed.get(enrollment.user_id, {})
        done = {pk for pk in ids if pk in mine}
        last = max((mine[pk] for pk in done), default=None)
        result[enrollment.pk] = Progress(total=len(ids), completed_ids=done, last_activity=last)
    return result


def next_lesson(outline, progress, enrollment=None):
    """Where to continue: the first incomplete lesson (skipping modules not yet released)."""
    for entry in outline.lessons:
        if entry.page.pk in progress.completed_ids:
            continue
        if enrollment is not None and release_date(entry.module.page, enrollment) is not None:
            continue
        return entry
    return None


def lesson_record_id(lesson, course=None):
    """The id a student's records of `lesson` (in `course`, found when not given) are kept under:
    the course of record's lesson, so that what a student does in any translation of a lesson
    (completion, quiz attempts, media positions) is one record (`CourseOutline.record_id_of`)."""
    course = course if course is not None else course_of(lesson)
    return course.outline.record_id_of(lesson) if course is not None else lesson.pk


def mark_complete(user, lesson, course=None):
    """Record that `user` completed `lesson` (in `course`, found when not given); returns
    (completion, created). Safe to call twice, and from two translations of the lesson: the
    completion is kept under `lesson_record_id`."""
    lesson_id = lesson_record_id(lesson, course)
    completion = LessonCompletion.objects.filter(user=user, lesson_id=lesson_id).first()
    if completion is not None:
        return completion, False
    try:
        with transaction.atomic():
            return LessonCompletion.objects.create(user=user, lesson_id=lesson_id), True
    except IntegrityError:
        return LessonCompletion.objects.get(user=user, lesson_id=lesson_id), False


def complete_course_if_done(enrollment):
    """Mark the enrollment completed and issue its certificate once every lesson is complete.

    Returns the certificate (existing or new), or None while lessons remain.
    """
    course = CoursePage.objects.get(pk=enrollment.course_id)
    ids = lesson_ids(course.outline)
    if not ids:
        return None
    done = LessonCompletion.objects.filter(user_id=enrollment.user_id, lesson_id__in=ids).count()
    if done < len(ids):
        return None
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status not in Enrollment.GRANTING:
            return None
        newly_completed = enrollment.status != Enrollment.Status.COMPLETED
        if newly_completed:
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.completed_at = timezone.now()
            enrollment.save(update_fields=["status", "completed_at", "updated_at"])
        certificate, created = issue_certificate(enrollment)
    if created:
        transaction.on_commit(partial(send_completion_email.enqueue, enrollment.pk))
    return certificate


def issue_certificate(enrollment):
    """One certificate per enrollment, even when two requests race to issue it."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            # The course's terms (hours, signatory, expiry) as they are today: see certificate_records.
            certificate = new_certificate(enrollment)
            certificate.save(force_insert=True)
            return certificate, True
    except IntegrityError:
        return Certificate.objects.get(enrollment=enrollment), False


def complete_on_behalf(enrollment, lesson):
    """Complete `lesson` for the enrollment's student, as an administrator overriding the lesson's
    own requirements (quizzes, watching): the student's "Mark complete" path without its checks,
    so course completion, the certificate and its email follow as they would for the student.
    Returns (completion created, certificate or None)."""
    _, created = mark_complete(enrollment.user, lesson)
    return created, complete_course_if_done(enrollment)


def reset_lesson(user, lesson):
    """Let `user` start `lesson` (an `AbstractLessonPage`) afresh: their completion goes, and what
    they did in it through the lesson contract (`reset_activity`), in one transaction. A completed
    course stays completed and its certificate valid, as a certificate stays its holder's.
    Returns (completion removed, lesson records removed)."""
    with transaction.atomic():
        removed, _ = LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
        records = type(lesson).reset_activity(user, [lesson])
    return bool(removed), records
