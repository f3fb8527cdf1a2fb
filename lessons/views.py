"""Student actions on a lesson: mark complete and submit a quiz (POST + CSRF only)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from course.access import ENROLLED, STAFF, active_enrollment, allows, course_of
from course.cache_headers import private_response
from course.models import Enrollment
from course.progress import Progress, complete_course_if_done, lesson_record_id, mark_complete, progress_for
from course.templating import layout_context
from lessons.media import (
    PositionRefused,
    media_entries,
    parse_position,
    positions_for,
    record_position,
    unwatched,
    visible_entries,
)
from lessons.models import QuizAttempt
from lessons.quiz import (
    MAX_SUBMISSION_BYTES,
    QuizSubmissionError,
    find_quiz,
    grade,
    parse_answers,
    quizzes,
    reveals_answers,
)


def _refusal(request, status, message):
    context = {"message": message, **layout_context(request)}
    response = TemplateResponse(request, "lessons/action_refused.html", context, status=status)
    return private_response(response.render())


def _studies(access):
    """Whether the access lets its holder work on the lesson as a student: not just read it
    as a free preview (e.g. a preview lesson in a module that is not released to them yet)."""
    return allows(access) and access.reason in (ENROLLED, STAFF)


def _student_enrollment(request, lesson):
    """The enrollment that lets this request act as a student of the lesson, or a refusal response."""
    if request.method != "POST":  # a bookmarked or reloaded action URL: back to the lesson
        return None, private_response(redirect(lesson.url))
    if not request.user.is_authenticated:
        return None, redirect_to_login(lesson.url)
    access = lesson.access_for(request)
    if access.is_not_found:
        return None, _refusal(request, 404, gettext("This lesson is not available."))
    course = access.course
    enrollment = active_enrollment(request.user, course) if course else None
    if enrollment is None or not _studies(access):
        return None, _refusal(request, 403, gettext("Only students enrolled in this course can do that."))
    return enrollment, None


def required_quizzes_pending(user, lesson):
    """Ids of the lesson's required quizzes that `user` has not passed yet."""
    required = {child.id for child in quizzes(lesson) if child.value["required"]}
    if not required:
        return set()
    passed = QuizAttempt.objects.filter(
        user=user, lesson_id=lesson_record_id(lesson), block_id__in=required, passed=True
    )
    return required - set(passed.values_list("block_id", flat=True))


def _complete(request, lesson, enrollment):
    _, created = mark_complete(request.user, lesson)
    certificate = complete_course_if_done(enrollment)
    if certificate is not None and created:
        messages.success(request, gettext("You completed the course. Your certificate is ready!"))
    return created


def complete_view(request, lesson):
    enrollment, refusal = _student_enrollment(request, lesson)
    if refusal:
        return refusal
    if required_quizzes_pending(request.user, lesson):
        messages.error(request, gettext("Pass this lesson's quiz to complete it."))
        return redirect(lesson.url)
    missing = unwatched(lesson, lesson.access_for(request), positions_for(request.user, lesson))
    if missing:
        messages.error(
            request,
            gettext("Watch at least %(percent)s%% of “%(title)s” to complete this lesson.")
            % {"percent": lesson.watch_percent_required, "title": missing[0].value["title"]},
        )
        return redirect(lesson.url)
    if _complete(request, lesson, enrollment):
        messages.success(request, gettext("Lesson complete: %(title)s.") % {"title": lesson.title})
    course = course_of(
        lesson
    )  # the lesson's own, in its language: the enrollment's may be another translation
    _, following = course.outline.neighbours(lesson)
    return redirect(following.page.url if following else course.url)


def quiz_view(request, lesson, block_id):
    """Grade a submission and record it as an attempt, within the quiz's attempt limit.

    Counting the attempts and recording a new one happen under a lock on the student's
    enrollment row, so simultaneous submissions cannot both pass the limit check.
    """
    enrollment, refusal = _student_enrollment(request, lesson)
    if refusal:
        return refusal
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_SUBMISSION_BYTES:
        return _refusal(request, 400, gettext("That submission is too large."))
    quiz = find_quiz(lesson, block_id)
    if quiz is None:
        return _refusal(request, 400, gettext("This quiz does not exist in this lesson."))
    data = request.POST  # read the body before taking the lock
    max_attempts = quiz.value["max_attempts"]
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        if locked is None or not locked.grants_access():  # withdrawn while we waited
            return _refusal(request, 403, gettext("Only students enrolled in this course can do that."))
        record_id = lesson_record_id(lesson)
        attempts = QuizAttempt.objects.filter(user=request.user, lesson_id=record_id, block_id=block_id)
        if max_attempts and attempts.count() >= max_attempts:
            return _refusal(request, 403, gettext("You have used all your attempts at this quiz."))
        try:
            answers = parse_answers(quiz.value, data)
        except QuizSubmissionError as error:
            return _refusal(request, 400, error.message)
        score, passed, _ = grade(quiz.value, answers)
        attempt = QuizAttempt.objects.create(
            user=request.user,
            lesson_id=record_id,
            block_id=block_id,
            answers=answers,
            score=score,
            passed=passed,
        )
    if passed and not required_quizzes_pending(request.user, lesson):
        _complete(request, lesson, enrollment)
    return redirect(f"{lesson.url}?attempt={attempt.pk}#quiz-{block_id}")


def media_position_view(request, lesson, block_id):
    """Record where the student is in an audio or video block (the player's reports): 204, or a
    plain-text 4xx saying what was wrong. Only for a block the student's access shows."""
    if request.method != "POST":
        return _plain(405, "Report a position with POST.")
    if not request.user.is_authenticated:
        return _plain(403, "Log in to save your place.")
    access = lesson.access_for(request)
    studies = access.course is not None and _studies(access)
    if access.is_not_found or not studies or active_enrollment(request.user, access.course) is None:
        return _plain(403, "Only students enrolled in this course can save their place.")
    entry = next((entry for entry in visible_entries(lesson, access) if entry.block_id == block_id), None)
    if entry is None:
        return _plain(404, "This lesson has no such audio or video.")
    try:
        record_position(request.user, lesson, entry, parse_position(request.POST.get("position"), entry))
    except PositionRefused as refused:
        return _plain(refused.status, refused.message)
    return private_response(HttpResponse(status=204))


def _plain(status, message):
    return private_response(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def persona_learner_context(request, course):
    """In an editor's preview: the student box as the previewed persona sees it (no real records).

    An enrolled student sees it as on first reaching the lesson; other personas see none.
    """
    if request.preview_mode != ENROLLED or course is None:
        return {"is_student": False, "completed_ids": set(), "quiz_states": {}}
    return {
        "is_student": True,
        "progress": Progress(total=len(course.outline.lessons), completed_ids=set()),
        "completed_ids": set(),
        "is_complete": False,
        "quiz_pending": False,
        "quiz_states": {},
    }


def learner_context(request, lesson, course, access):
    """Progress, completion state and quiz state of the current student for the lesson page."""
    if getattr(request, "is_preview", False) is True:
        return persona_learner_context(request, course)
    user = request.user
    if not _studies(access) or course is None or not user.is_authenticated:
        enrollment = None
    elif access.enrollment is not None:
        enrollment = access.enrollment
    else:
        enrollment = active_enrollment(user, course)
    if enrollment is None:
        # A student on a lesson not open to them yet (drip, sequence) still sees their ticks.
        locked_student = access.enrollment is not None and course is not None and user.is_authenticated
        completed = progress_for(user, course).completed_ids if locked_student else set()
        return {"is_student": False, "completed_ids": completed, "quiz_states": {}}
    progress = progress_for(user, course)
    lesson_quizzes = quizzes(lesson)
    attempts = (
        list(QuizAttempt.objects.filter(user=user, lesson_id=lesson_record_id(lesson, course)))
        if lesson_quizzes
        else []
    )
    shown = request.GET.get("attempt")
    states = {}
    for child in lesson_quizzes:
        mine = [attempt for attempt in attempts if attempt.block_id == child.id]
        latest = next((attempt for attempt in mine if str(attempt.pk) == shown), None)
        results = grade(child.value, latest.answers)[2] if latest else None
        max_attempts = child.value["max_attempts"]
        passed = any(attempt.passed for attempt in mine)
        remaining = None if not max_attempts else max(0, max_attempts - len(mine))
        last = mine[0] if mine else None  # attempts come newest first
        states[child.id] = {
            "attempts": len(mine),
            "passed": passed,
            "best": max((attempt.score for attempt in mine), default=None),
            "remaining": remaining,
            "shown": latest,
            "results": results,
            "reveal": reveals_answers(passed, remaining),
            # The last failed attempt's answers fill the form again, so a retry changes only what was wrong.
            "kept": {
                choice
                for chosen in (last.answers.values() if last and not last.passed else [])
                for choice in chosen
            },
        }
    pending = {block_id for block_id, state in states.items() if not state["passed"]} & {
        child.id for child in lesson_quizzes if child.value["required"]
    }
    has_media = bool(media_entries(lesson))
    positions = positions_for(user, lesson) if has_media else {}
    return {
        "is_student": True,
        "has_media": has_media,
        "media_positions": {block_id: row.position for block_id, row in positions.items()},
        "unwatched": unwatched(lesson, access, positions),
        "progress": progress,
        "completed_ids": progress.completed_ids,
        "is_complete": lesson.pk in progress.completed_ids,
        "quiz_pending": bool(pending),
        "quiz_states": states,
    }
