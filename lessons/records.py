"""What students did in lessons beyond completing them: quiz attempts and places in audio and
video. The lesson contract's side of the learner's record (`activity_of`, shown by
course/records.py), of the course gradebook (`gradebook_of`, course/admin/gradebook.py) and of an
administrator's "Reset this lesson" (`reset_activity`, course/progress.py)."""

from django.db.models import Count, Max, Q

from course.models import Grades, LessonActivity, MediaRecord, QuizColumn, QuizRecord
from lessons.media import media_entries
from lessons.models import MediaPosition, QuizAttempt
from lessons.quiz import quizzes


def activity_of(user, lessons):
    """{lesson id: LessonActivity} for `lessons`: two queries, whatever their number."""
    lessons = list(lessons)
    ids = [lesson.pk for lesson in lessons]
    attempts = {
        (row["lesson_id"], row["block_id"]): row
        for row in QuizAttempt.objects.filter(user=user, lesson_id__in=ids)
        .values("lesson_id", "block_id")
        .annotate(
            attempts=Count("pk"),
            best=Max("score"),
            passes=Count("pk", filter=Q(passed=True)),  # PostgreSQL has no MAX of booleans
            last_at=Max("created_at"),
        )
    }
    rows = MediaPosition.objects.filter(user=user, lesson_id__in=ids)
    positions = {(row.lesson_id, row.block_id): row for row in rows}
    result = {}
    for lesson in lessons:
        activity = LessonActivity()
        for child in quizzes(lesson):
            row = attempts.get((lesson.pk, child.id))
            activity.quizzes.append(
                QuizRecord(
                    title=child.value["title"],
                    attempts=row["attempts"] if row else 0,
                    best=row["best"] if row else None,
                    passed=bool(row and row["passes"]),
                    last_at=row["last_at"] if row else None,
                )
            )
        for entry in media_entries(lesson):
            row = positions.get((lesson.pk, entry.block_id))
            activity.media.append(
                MediaRecord(
                    entry.value["title"],
                    row.position if row else None,
                    entry.duration,
                    row.updated_at if row else None,
                )
            )
        result[lesson.pk] = activity
    return result


def gradebook_of(user_ids, lessons):
    """`Grades` of `user_ids` in `lessons`: one aggregate query (none without quizzes), whatever the
    number of students or lessons."""
    lessons = list(lessons)
    columns = [
        QuizColumn(lesson.pk, child.id, child.value["title"])
        for lesson in lessons
        for child in quizzes(lesson)
    ]
    if not columns:
        return Grades()
    rows = (
        QuizAttempt.objects.filter(
            user_id__in=user_ids, lesson_id__in={column.lesson_id for column in columns}
        )
        .order_by()
        .values_list("user_id", "lesson_id", "block_id")
        .annotate(best=Max("score"))
    )
    return Grades(quizzes=columns, best={(user, lesson, block): best for user, lesson, block, best in rows})


def reset_activity(user, lessons):
    """Remove `user`'s quiz attempts and places in audio and video in `lessons`: two queries.
    Returns how many records went."""
    ids = [lesson.pk for lesson in lessons]
    attempts, _ = QuizAttempt.objects.filter(user=user, lesson_id__in=ids).delete()
    positions, _ = MediaPosition.objects.filter(user=user, lesson_id__in=ids).delete()
    return attempts + positions


def latest_activity_of(user_ids, lesson_ids):
    """{(user id, lesson id): the latest quiz attempt or place saved in audio or video}: two
    aggregate queries, whatever the number of students or lessons."""
    latest = {}
    for model, moment in ((QuizAttempt, "created_at"), (MediaPosition, "updated_at")):
        rows = (
            model.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
            .order_by()
            .values_list("user_id", "lesson_id")
            .annotate(last=Max(moment))
        )
        for user_id, lesson_id, last in rows:
            key = (user_id, lesson_id)
            latest[key] = max(latest[key], last) if key in latest else last
    return latest
