"""A learner's record in one course: each lesson's completion date, quiz attempts, place in its
audio and video, and the last activity; for the student's "My progress" page.

The lessons' own activity comes through the lesson contract (`AbstractLessonPage.activity_of`),
one call per lesson model, so `course` needs nothing from the lesson app. The cost is a fixed
number of queries whatever the number of lessons: completions, the lesson pages, and what each
lesson model's `activity_of` reads.
"""

from dataclasses import dataclass

from wagtail.models import Page

from course.models import LessonActivity, LessonCompletion


@dataclass
class LessonRecord:
    lesson: object  # the outline's lesson (title, URL, number)
    completed_at: object  # datetime or None
    activity: LessonActivity

    @property
    def last_activity(self):
        moments = [moment for moment in (self.completed_at, self.activity.last_activity) if moment]
        return max(moments, default=None)


@dataclass
class LearnerRecord:
    modules: list  # [(outline module, [LessonRecord])]
    done: int
    total: int

    @property
    def last_activity(self):
        return max(
            (row.last_activity for _, rows in self.modules for row in rows if row.last_activity), default=None
        )

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0


def learner_record(user, course):
    outline = course.outline
    lessons = [lesson for module in outline.modules for lesson in module.lessons]
    ids = [lesson.page.pk for lesson in lessons]
    completed = dict(
        LessonCompletion.objects.filter(user=user, lesson_id__in=ids).values_list("lesson_id", "completed_at")
    )
    by_model = {}
    for page in Page.objects.filter(pk__in=ids).specific():
        by_model.setdefault(type(page), []).append(page)
    activity = {}
    for model, pages in by_model.items():
        activity.update(model.activity_of(user, pages))

    def record(lesson):
        pk = lesson.page.pk
        return LessonRecord(lesson, completed.get(pk), activity.get(pk, LessonActivity()))

    modules = [(module, [record(lesson) for lesson in module.lessons]) for module in outline.modules]
    return LearnerRecord(modules=modules, done=len(completed), total=len(ids))
