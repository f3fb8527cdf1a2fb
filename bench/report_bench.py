"""Course report benchmark: the admin report for a large course must stay fast.

Usage (from the project root):

    .venv/bin/python -m bench.report_bench [--enrollments 10000] [--modules 5] [--lessons 10] [--repeat 5]
                                           [--postgres]

It builds a fresh database (SQLite in a temporary folder, or BENCH_DATABASE_URL, which it
migrates and fills: use an empty database), then generates one course of MODULES x LESSONS
lessons (a quiz in every fifth lesson), ENROLLMENTS students in a realistic mix of statuses,
their lesson completions (a funnel: each student completed a prefix of the syllabus) and quiz
attempts. It times the report computation alone (`course.admin.reports.course_report` plus the
sections other apps add) and the whole admin report page rendered for a superuser, and prints
the median and worst time and the number of SQL queries of each, and the slowest queries of the
page. Not a test: nothing is asserted. Students are generated and inserted in batches
(bulk_create), so 100,000 enrollments (about 2.6 million completions) fit in little memory.

`--postgres` creates a throw-away PostgreSQL database on BENCH_POSTGRES_URL's server (default
postgres://postgres@127.0.0.1:5432/) and drops it at the end.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms_site.settings.test"
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


QUIZ = {
    "title": "Check your understanding",
    "pass_mark": 70,
    "max_attempts": None,
    "required": False,
    "questions": [
        {
            "prompt": "Pick the right answer",
            "multiple": False,
            "choices": [{"text": "Right", "correct": True}, {"text": "Wrong", "correct": False}],
            "feedback": "",
        }
    ],
}


def build_course(modules, lessons_per_module):
    from wagtail.models import Page

    from course.models import CourseIndexPage, CoursePage, ModulePage
    from lessons.models import LessonPage

    root = Page.get_first_root_node()
    catalogue = root.add_child(instance=CourseIndexPage(title="Bench catalogue", slug="bench"))
    course = catalogue.add_child(
        instance=CoursePage(title="Big course", slug="big-course", summary="A large course.")
    )
    lessons, quiz_ids = [], {}
    for m in range(1, modules + 1):
        module = course.add_child(instance=ModulePage(title=f"Module {m}", slug=f"module-{m}"))
        for n in range(1, lessons_per_module + 1):
            number = len(lessons) + 1
            body = [("paragraph", f"<p>Lesson {number}</p>")]
            if number % 5 == 0:
                body.append(("quiz", QUIZ))
            lesson = module.add_child(
                instance=LessonPage(title=f"Lesson {m}.{n}", slug=f"lesson-{m}-{n}", summary="s", body=body)
            )
            if number % 5 == 0:
                quiz_ids[lesson.pk] = LessonPage.objects.get(pk=lesson.pk).body[1].id
            lessons.append(lesson)
    return course, lessons, quiz_ids


UNUSABLE = "!"  # an unusable password hash: these accounts cannot log in


def build_students(course, lessons, quiz_ids, count, seed=6, batch=2000):
    """`count` students in batches of `batch` (users, enrollments, completions and attempts are
    made and inserted one batch at a time, so memory stays flat at 100,000 students)."""
    from django.contrib.auth import get_user_model

    from course.models import Enrollment, LessonCompletion
    from lessons.models import QuizAttempt

    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not security
    User = get_user_model()
    statuses = ["active"] * 70 + ["completed"] * 15 + ["pending"] * 10 + ["withdrawn"] * 5
    totals = [0, 0, 0]
    for first in range(0, count, batch):
        names = [f"student{i}" for i in range(first, min(first + batch, count))]
        User.objects.bulk_create(
            [User(username=name, email=f"{name}@example.com", password=UNUSABLE) for name in names]
        )
        users = User.objects.filter(username__in=names).order_by("pk").values_list("pk", flat=True)
        enrollments, completions, attempts = [], [], []
        for user_id in users:
            status = rng.choice(statuses)
            enrollments.append(Enrollment(user_id=user_id, course=course, status=status))
            if status == "pending":
                continue
            reached = len(lessons) if status == "completed" else rng.randint(0, len(lessons))
            for lesson in lessons[:reached]:
                completions.append(LessonCompletion(user_id=user_id, lesson_id=lesson.pk))
                if lesson.pk in quiz_ids:
                    for _ in range(rng.randint(1, 2)):
                        score = rng.choice([0, 50, 100])
                        attempts.append(
                            QuizAttempt(
                                user_id=user_id,
                                lesson_id=lesson.pk,
                                block_id=quiz_ids[lesson.pk],
                                score=score,
                                passed=score >= 70,
                            )
                        )
        Enrollment.objects.bulk_create(enrollments, batch_size=5000)
        LessonCompletion.objects.bulk_create(completions, batch_size=5000)
        QuizAttempt.objects.bulk_create(attempts, batch_size=5000)
        totals = [totals[0] + len(enrollments), totals[1] + len(completions), totals[2] + len(attempts)]
        if len(names) == batch and (first + batch) % (10 * batch) == 0:
            print(f"  {first + batch} students ...", flush=True)
    return tuple(totals)


def timed(function, repeat):
    """(median s, worst s, queries of the last run, [(ms, sql)] of the last run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    queries = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
    return statistics.median(times), max(times), len(queries), queries


def admin_connection(server_url):
    import psycopg

    return psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enrollments", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=5)
    parser.add_argument("--lessons", type=int, default=10, help="lessons per module")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a throw-away PostgreSQL database on BENCH_POSTGRES_URL's server "
        "(default postgres://postgres@127.0.0.1:5432/), dropped at the end",
    )
    parser.add_argument("--slowest", type=int, default=5, help="print the N slowest queries of the page")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="pinewood-report-bench-")
    server_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
    database = f"pinewood_bench_report_{os.getpid()}"
    if args.postgres:
        with admin_connection(server_url) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        database_url = f"{server_url}/{database}"
    else:
        database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    try:
        setup_django(database_url)
        run(args)
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            with admin_connection(server_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


def run(args):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from course.admin.reports import course_report, report_sections

    print(f"Migrating a fresh {connection.vendor} database…", flush=True)
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    course, lessons, quiz_ids = build_course(args.modules, args.lessons)
    enrollments, completions, attempts = build_students(course, lessons, quiz_ids, args.enrollments)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # planner statistics, as autovacuum / a live database would have
    print(
        f"Generated {len(lessons)} lessons ({len(quiz_ids)} quizzes), {enrollments} enrollments, "
        f"{completions} lesson completions, {attempts} quiz attempts "
        f"in {time.perf_counter() - start:.1f} s"
    )

    def compute():
        from course.models import CoursePage

        report = course_report(CoursePage.objects.get(pk=course.pk))
        return report, report_sections(report)

    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", None)
    client = Client()
    client.force_login(admin)
    url = f"/admin/reports/courses/{course.pk}/"

    def render():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    compute()  # warm up caches (content types, hooks, templates)
    render()
    report, sections = compute()
    print(f"Students: {report.students}, completion rate {report.completion_rate}%")
    for label, function in (("report computation", compute), ("admin report page", render)):
        median, worst, count, queries = timed(function, args.repeat)
        print(f"{label:>20}: median {median * 1000:7.1f} ms, worst {worst * 1000:7.1f} ms, {count} queries")
    total = sum(ms for ms, _ in queries)
    print(f"SQL time of the last page render: {total:.1f} ms in {count} queries; the slowest:")
    for ms, sql in sorted(queries, reverse=True)[: args.slowest]:
        print(f"  {ms:8.1f} ms  {sql[:150]}")


if __name__ == "__main__":
    main()
