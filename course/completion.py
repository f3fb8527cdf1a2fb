"""Keeping course progress consistent when an administrator removes a lesson.

Completions of a deleted lesson go with it (the foreign key cascades) and the
outline no longer lists it, so progress counts stay right by themselves. What
does not happen by itself is course completion: a student who had finished
every other lesson has now finished the course. `complete_finished_enrollments`
finds those students with one aggregate query and completes their enrollments
(certificate and email included) through the usual progress service.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from course.access import course_of
from course.models import AbstractLessonPage, CoursePage, Enrollment, LessonCompletion
from course.progress import complete_course_if_done, lesson_ids


def complete_finished_enrollments(course):
    """Complete the active enrollments of `course` whose students have done every current lesson."""
    course = CoursePage.objects.get(pk=course.pk)  # a fresh outline, without the removed lesson
    ids = lesson_ids(course.outline)
    if not ids:
        return 0
    done = (
        LessonCompletion.objects.filter(user_id=OuterRef("user_id"), lesson_id__in=ids)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    finished = (
        Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE)
        .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), 0))
        .filter(done__gte=len(ids))
    )
    completed = 0
    for enrollment in finished:
        if complete_course_if_done(enrollment) is not None:
            completed += 1
    return completed


def lesson_removed(page):
    """Called after a page is deleted: if it was a lesson of a course, settle course completion."""
    if not isinstance(page, AbstractLessonPage):
        return 0
    course = course_of(page)
    if course is None:
        return 0
    return complete_finished_enrollments(course)


def after_page_deleted(request, page):
    """`after_delete_page` hook (registered in course/wagtail_hooks.py)."""
    lesson_removed(page)
