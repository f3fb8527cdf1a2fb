"""Learner records added to the 0.0.0-630d7f7 snapshot after its `load_demo`, whose demo had none.

Run by tests/upgrade/make_snapshot.py with `manage.py shell` in that commit's tree, so it uses
that commit's models and `issue_certificate`: a graduate with every lesson completed, a quiz
attempt and a certificate, and a pending enrollment request.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from course.models import CoursePage, Enrollment, LessonCompletion
from course.progress import issue_certificate
from lessons.models import LessonPage, QuizAttempt

User = get_user_model()
course = CoursePage.objects.get()
now = timezone.now()
graduate = User.objects.create_user(
    "graduate", "graduate@example.com", None, first_name="Grace", last_name="Ample"
)
enrollment = Enrollment.objects.create(
    user=graduate, course=course, status="active", enrolled_at=now - timedelta(days=30)
)
for lesson in LessonPage.objects.descendant_of(course):
    LessonCompletion.objects.create(user=graduate, lesson=lesson, completed_at=now - timedelta(days=5))
enrollment.status = "completed"
enrollment.completed_at = now - timedelta(days=5)
enrollment.save()
issue_certificate(enrollment)
requester = User.objects.create_user(
    "pending", "pending@example.com", None, first_name="Pat", last_name="Ending"
)
Enrollment.objects.create(user=requester, course=course, status="pending")
quiz_lesson = LessonPage.objects.descendant_of(course).get(slug="symptoms-and-radiation")
block_id = next(block.id for block in quiz_lesson.body if block.block_type == "quiz")
QuizAttempt.objects.create(
    user=graduate, lesson=quiz_lesson, block_id=block_id, answers={}, score=100, passed=True
)
