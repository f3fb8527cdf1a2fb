"""Migrate a database made by the previous release to this one, and check that nothing was lost.

    .venv/bin/python -m tests.upgrade.check_upgrade [--snapshot tests/upgrade/snapshots/NAME.sql.gz]

A school upgrading Pinewood runs `migrate` on a database full of enrollments, completions, quiz
attempts and certificates. An empty test database cannot show that those survive, so this check
starts from a snapshot: an SQLite dump of the previous release's schema with its demo data and a
graduate, made by tests/upgrade/make_snapshot.py and described in tests/upgrade/snapshots/README.md.

1. loads the newest snapshot (by release) into a new SQLite file and counts the learner records;
2. runs this tree's `migrate`; every migration must apply, and none may be left unapplied;
3. the counts must be unchanged; each certificate must still verify, and its holder still gets
   the PDF and the signed credential;
4. the snapshot's student must still reach the course, its lessons and the dashboard, and a
   not-enrolled user must still be kept out of their gated sections;
5. this tree's `load_demo` must run on the upgraded database (what `make run` does after an
   upgrade) and leave the snapshot's graduate and certificate in place.

Prints each check; exits non-zero on the first failure.
"""

import argparse
import gzip
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"

# The learner records an upgrade must keep, counted with plain SQL before and after.
COUNTED_TABLES = [
    "auth_user",
    "course_enrollment",
    "course_lessoncompletion",
    "course_certificate",
    "lessons_quizattempt",
    "wagtailcore_page",
    "wagtailcore_revision",
]
# The open form of lessons/templates/lessons/blocks/gated_section.html.
GATED_OPEN = b'class="gated gated--open"'


def release_of(snapshot):
    """(0, 1, 0) for `0.1.0.sql.gz` or `0.1.0-note.sql.gz`: snapshots sort by release, not by name."""
    version = snapshot.name.removesuffix(".sql.gz").split("-")[0]
    return tuple(int(part) for part in version.split("."))


def newest_snapshot():
    snapshots = sorted(SNAPSHOTS.glob("*.sql.gz"), key=release_of)
    if not snapshots:
        sys.exit(f"No snapshot in {SNAPSHOTS.name}/: see its README.md")
    return snapshots[-1]


def counts(database):
    with sqlite3.connect(database) as connection:
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
            for table in COUNTED_TABLES
        }


def load(snapshot, database):
    with gzip.open(snapshot, "rt", encoding="utf-8") as dump, sqlite3.connect(database) as connection:
        connection.executescript(dump.read())


def check(condition, message):
    if not condition:
        sys.exit(f"FAIL: {message}")
    print(f"ok: {message}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--snapshot", type=Path, default=None)
    args = parser.parse_args()
    snapshot = args.snapshot or newest_snapshot()

    workdir = Path(tempfile.mkdtemp(prefix="pinewood-upgrade-"))
    database = workdir / "db.sqlite3"
    load(snapshot, database)
    before = counts(database)
    print(f"snapshot {snapshot.name}: {before}")

    # Settings are read once, at django.setup(): point them at the snapshot first.
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms_site.settings.test"
    run_checks(before, database)


def run_checks(before, database):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client

    from course.models import Certificate, Enrollment
    from lessons.models import LessonPage

    call_command("migrate", "--noinput", verbosity=1)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    check(not pending, "every migration applied from the previous release's schema")
    check(counts(database) == before, f"learner records unchanged: {counts(database)}")

    check(Certificate.objects.exists(), "the snapshot holds a certificate")
    for certificate in Certificate.objects.select_related("enrollment__user"):
        response = Client().get(f"/certificates/{certificate.code}/")
        check(response.status_code == 200, f"the snapshot's certificate {certificate.code[:8]}… verifies")
        name = certificate.enrollment.user.get_full_name()
        check(name in response.content.decode(), f"its page names {name}")
        holder = Client()
        holder.force_login(certificate.enrollment.user)
        response = holder.get(f"{certificate.enrollment.course.url}certificate/")
        check(response.content.startswith(b"%PDF"), "its holder downloads the PDF")
        response = holder.get(f"/learn/certificates/{certificate.code}/credential.jwt")
        check(response.status_code == 200, "and the signed credential")

    enrollment = Enrollment.objects.filter(status="active").select_related("user", "course").first()
    check(enrollment is not None, "the snapshot holds an active enrollment")
    student, course = enrollment.user, enrollment.course
    outsider = get_user_model().objects.create_user("upgrade-outsider", "outsider@example.com")
    reader, stranger = Client(), Client()
    reader.force_login(student)
    stranger.force_login(outsider)
    check(reader.get(course.url).status_code == 200, f"{student.email} opens {course.url}")
    check(reader.get("/learn/").status_code == 200, f"{student.email}'s dashboard opens")
    gated = [
        lesson
        for lesson in LessonPage.objects.live().descendant_of(course)
        if any(block.block_type == "gated_section" for block in lesson.body)
    ]
    check(bool(gated), "the course has lessons with a gated section")
    for lesson in gated:
        response = reader.get(lesson.url)
        check(
            response.status_code == 200 and GATED_OPEN in response.content,
            f"{student.email} reads the gated section of {lesson.url}",
        )
        check(GATED_OPEN not in stranger.get(lesson.url).content, "a not-enrolled user does not")

    graduates = set(Enrollment.objects.filter(status="completed").values_list("user__email", flat=True))
    call_command("load_demo", "--allow-demo-passwords", verbosity=0)
    after = set(Enrollment.objects.filter(status="completed").values_list("user__email", flat=True))
    check(graduates <= after, "load_demo runs on the upgraded database and keeps the snapshot's graduates")
    kept = Certificate.objects.filter(enrollment__user__email__in=graduates).count()
    check(kept == len(graduates), "and their certificates")
    print("upgrade check passed")


if __name__ == "__main__":
    main()
