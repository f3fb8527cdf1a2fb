"""The demo's cohort: about forty made-up students, so reports, lists and progress have data.

Every name is invented and every address is at example.com. The students never log in
(their passwords are unusable). Everything is drawn from a seeded `random.Random`, so the
cohort is the same on every run, and created with get-or-create, so running `load_demo`
again adds nothing. Dates are relative to the first run and always in the past.

In the mesotherapy course: a few students finished every lesson and hold a certificate
(issued through the plugin's `issue_certificate`), most are part-way with completions
spread over the last weeks, some have not started; one enrollment has expired and one was
withdrawn. Quiz attempts are graded with the plugin's own `grade`, some passed, some failed.
In the ultrasound course (approval mode): two requests wait for approval, and recent
enrollees see the drip module still locked.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from course.models import Enrollment, LessonCompletion
from course.progress import issue_certificate
from lessons.models import LessonPage, QuizAttempt
from lessons.quiz import grade, quizzes

SEED = 16
FIRST_NAMES = [
    "Ada", "Bram", "Cleo", "Dorian", "Elsie", "Fintan", "Greta", "Hollis", "Ines", "Jory",
    "Kestrel", "Linnea", "Marek", "Nell", "Orrin", "Petra", "Quill", "Rosalind", "Soren", "Tamsin",
    "Ulla", "Veda", "Wren", "Xavi", "Yara", "Zeno", "Aurelie", "Bastian", "Calla", "Dario",
    "Eira", "Florin", "Gwen", "Hester", "Ivo", "Juno", "Kasimir", "Lorna", "Milo", "Noor",
]  # fmt: skip
LAST_NAMES = [
    "Fenwick", "Oakhurst", "Merriwether", "Quarrington", "Thistlewood", "Brackenby", "Dunmore",
    "Ellingham", "Farrowdale", "Gallowglass", "Hawksmere", "Ivybridge", "Juniperhill", "Kettlewell",
    "Larkspur", "Moorcroft", "Nettlefold", "Orchardson", "Pembury", "Quenby",
]  # fmt: skip
COHORT_SIZE = 40
COMPLETE = range(0, 4)  # every lesson done, certificate issued
EXPIRED, WITHDRAWN = 4, 5
NOT_STARTED = range(6, 12)
PENDING = (30, 31)  # ultrasound requests awaiting approval
ULTRASOUND_RECENT = {32: 3, 33: 7, 34: 10}  # days since enrolling: the drip module is still locked
ULTRASOUND_EARLIER = {35: 20, 36: 30, 37: 41}


def cohort_people():
    """[(username, email, first name, last name)]: forty distinct made-up people, the same every run."""
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    last_names = [rng.choice(LAST_NAMES) for _ in FIRST_NAMES]
    people = []
    for first, last in zip(FIRST_NAMES, last_names, strict=True):
        username = f"{first}.{last}".lower()
        people.append((username, f"{username}@example.com", first, last))
    return people[:COHORT_SIZE]


def days_ago(now, days, rng=None):
    """A time `days` days before `now`, at a working-hours minute drawn from `rng`."""
    minutes = rng.randint(8 * 60, 19 * 60) if rng else 10 * 60
    day = (now - datetime.timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + datetime.timedelta(minutes=minutes)


def spread(rng, start, end, count):
    """`count` sorted times between `start` and `end`."""
    span = (end - start).total_seconds()
    return sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def answers_for(rng, quiz_value, passing):
    """{question id: [choice ids]} that `grade` scores as passing (or failing) this quiz."""
    questions = list(quiz_value["questions"].bound_blocks)
    count, pass_mark = len(questions), quiz_value["pass_mark"]
    wrong_counts = [
        wrong for wrong in range(count + 1) if (round(100 * (count - wrong) / count) >= pass_mark) == passing
    ]
    wrong = set(rng.sample(range(count), rng.choice(wrong_counts)))
    answers = {}
    for index, question in enumerate(questions):
        choices = list(question.value["choices"].bound_blocks)
        right = [choice.id for choice in choices if choice.value["correct"]]
        mistakes = [choice.id for choice in choices if not choice.value["correct"]]
        answers[question.id] = [rng.choice(mistakes)] if index in wrong and mistakes else right
    return answers


class Cohort:
    def __init__(self, course, second_course, students_group=None, now=None):
        self.course, self.second_course = course, second_course
        self.group = students_group
        self.now = now or timezone.now()
        self.rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret

    def lessons(self, course):
        return list(LessonPage.objects.live().descendant_of(course).order_by("path"))

    def load(self):
        User = get_user_model()
        lessons, second_lessons = self.lessons(self.course), self.lessons(self.second_course)
        for index, (username, email, first, last) in enumerate(cohort_people()):
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, email=email, first_name=first, last_name=last)
                user.set_unusable_password()
                user.save()
            if self.group is not None:
                user.groups.add(self.group)
            self.load_main(index, user, lessons)
            self.load_second(index, user, second_lessons)

    def load_main(self, index, user, lessons):
        rng = self.rng
        if index in COMPLETE:
            done, enrolled_days = len(lessons), rng.randint(35, 56)
        elif index in NOT_STARTED:
            done, enrolled_days = 0, rng.randint(1, 20)
        else:
            done, enrolled_days = rng.randint(1, len(lessons) - 1), rng.randint(10, 50)
        enrolled_at = days_ago(self.now, enrolled_days, rng)
        status = Enrollment.Status.WITHDRAWN if index == WITHDRAWN else Enrollment.Status.ACTIVE
        expires_at = days_ago(self.now, 3) if index == EXPIRED else None
        enrollment, _ = Enrollment.objects.get_or_create(
            user=user,
            course=self.course,
            defaults={
                "status": status,
                "source": Enrollment.Source.SELF,
                "enrolled_at": enrolled_at,
                "expires_at": expires_at,
            },
        )
        times = spread(
            rng, enrolled_at + datetime.timedelta(hours=1), self.now - datetime.timedelta(days=1), done
        )
        for lesson, completed_at in zip(lessons, times, strict=False):
            self.attempts(user, lesson, completed_at, passed=True)
            LessonCompletion.objects.get_or_create(
                user=user, lesson=lesson, defaults={"completed_at": completed_at}
            )
        if done < len(lessons) and done > 0:  # stuck at the next lesson's quiz: a failed try
            after = times[-1] + datetime.timedelta(hours=2)
            self.attempts(
                user, lessons[done], min(after, self.now - datetime.timedelta(hours=1)), passed=False
            )
        if index in COMPLETE:
            if enrollment.status != Enrollment.Status.COMPLETED:
                enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, times[-1]
                enrollment.save(update_fields=["status", "completed_at", "updated_at"])
            issue_certificate(enrollment)  # the plugin's own: one certificate per enrollment

    def attempts(self, user, lesson, before, passed):
        """Graded attempts at each quiz of `lesson` up to `before`: a pass (sometimes after a
        failed try), or one failed try."""
        for quiz in quizzes(lesson):
            tries = [False, True] if passed and self.rng.random() < 0.35 else [passed]
            stamps = [before - datetime.timedelta(minutes=20 * (len(tries) - n)) for n in range(len(tries))]
            planned = []
            for passing, created_at in zip(tries, stamps, strict=True):
                answers = answers_for(self.rng, quiz.value, passing)
                score, ok, _ = grade(quiz.value, answers)
                if ok != passing:
                    raise ValueError(f"Planned answers to {lesson.slug!r} graded {score}%, not as planned.")
                planned.append(QuizAttempt(
                    user=user, lesson=lesson, block_id=quiz.id, answers=answers,
                    score=score, passed=ok, created_at=created_at,
                ))  # fmt: skip
            if not QuizAttempt.objects.filter(user=user, lesson=lesson, block_id=quiz.id).exists():
                QuizAttempt.objects.bulk_create(planned)

    def load_second(self, index, user, lessons):
        if index in PENDING:
            Enrollment.objects.get_or_create(
                user=user,
                course=self.second_course,
                defaults={"status": Enrollment.Status.PENDING, "enrolled_at": days_ago(self.now, index - 28)},
            )
            return
        days = ULTRASOUND_RECENT.get(index) or ULTRASOUND_EARLIER.get(index)
        if days is None:
            return
        enrolled_at = days_ago(self.now, days)
        Enrollment.objects.get_or_create(
            user=user,
            course=self.second_course,
            defaults={
                "status": Enrollment.Status.ACTIVE,
                "source": Enrollment.Source.ADMIN,
                "enrolled_at": enrolled_at,
            },
        )
        # The first module is open to everyone; the drip module only after its days have passed.
        done = 1 if index in ULTRASOUND_RECENT else (2 if days < 40 else 3)
        for position, lesson in enumerate(lessons[:done]):
            completed_at = enrolled_at + datetime.timedelta(days=position + 1 if position < 2 else days - 2)
            LessonCompletion.objects.get_or_create(
                user=user, lesson=lesson, defaults={"completed_at": completed_at}
            )


def load_cohort(course, second_course, students_group=None):
    Cohort(course, second_course, students_group).load()
