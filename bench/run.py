"""Page-serving benchmark: how much the course machinery costs on top of Wagtail and Django.

Usage (from the project root, after `make test` or `make run` made the venv):

    .venv/bin/python -m bench.run [--modules 4] [--lessons 5] [--duration 10] [--connections 8]

It builds a fresh database (SQLite in a temporary folder, or BENCH_DATABASE_URL), loads the demo
course, adds a course of MODULES x LESSONS lessons whose bodies copy a demo lesson, and serves
it with gunicorn (2 workers, production settings, DEBUG off) on 127.0.0.1. `wrk` (Debian package)
then loads each page for DURATION seconds. It prints requests/s and p50/p95 latency per page,
the ratios lesson/plain page and lesson/trivial view, and the queries each page makes for a
5-lesson and a 200-lesson course. Nothing leaves the machine.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")


def setup_django(database_url, media_root):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(media_root)
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def build_data(modules, lessons):
    """Demo content, the benchmark course, a 5- and a 200-lesson course, a plain page, a student."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from bench.plain.models import PlainPage
    from course.models import CourseIndexPage, CoursePage, Enrollment, ModulePage
    from lessons.models import LessonPage

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_demo", no_users=True, verbosity=0)
    catalogue = CourseIndexPage.objects.get(slug="pinewood-academy")
    template = LessonPage.objects.get(slug="chronic-causes")
    student = get_user_model().objects.create_user("bench-student", "bench@example.com", "bench-pass-1234")

    def course(slug, n_modules, n_lessons):
        page = CoursePage(title=f"Bench {slug}", slug=slug, summary="A benchmark course.")
        catalogue.add_child(instance=page)
        page.save_revision().publish()
        first = None
        for m in range(n_modules):
            module = ModulePage(title=f"Module {m + 1}", slug=f"module-{m + 1}")
            page.add_child(instance=module)
            for n in range(n_lessons):
                lesson = LessonPage(
                    title=f"Lesson {m + 1}.{n + 1}",
                    slug=f"lesson-{m + 1}-{n + 1}",
                    summary=template.summary,
                    body=template.body.raw_data,
                )
                module.add_child(instance=lesson)
                first = first or lesson
        Enrollment.objects.create(user=student, course=page, status=Enrollment.Status.ACTIVE)
        return page, first

    courses = {
        "bench": course("bench-course", modules, lessons),
        "small": course("five-lessons", 1, 5),
        "large": course("two-hundred-lessons", 10, 20),
    }
    plain = PlainPage(title=template.title, slug="plain-page", body=template.body.raw_data)
    catalogue.add_child(instance=plain)
    return student, courses, plain


def session_cookie(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def count_queries(path, cookie):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie) if cookie else Client()
    client.get(path)  # warm caches such as the site root lookup
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, env, new_group=False, threads=1):
    """gunicorn with 2 workers on 127.0.0.1:`port`, once it answers."""
    server = subprocess.Popen(  # noqa: S603 - our own app server on loopback
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms_site.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=new_group,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not start")


def load(url, cookie, duration, connections):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(WRK_SCRIPT), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60)  # noqa: S603
    line = next(line for line in output.stdout.splitlines() if line.startswith("{"))
    return json.loads(line)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--lessons", type=int, default=5, help="lessons per module")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (max 120)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 120))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="pinewood-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    setup_django(database_url, workdir / "media")
    print(f"Building data ({args.modules} x {args.lessons} lessons) ...", flush=True)
    student, courses, plain = build_data(args.modules, args.lessons)
    cookie = session_cookie(student)
    bench_course, bench_lesson = courses["bench"]

    queries = {}
    for size in ("small", "large"):
        course, lesson = courses[size]
        queries[size] = {
            "lesson (enrolled)": count_queries(lesson.url, cookie),
            "course page": count_queries(course.url, cookie),
            "catalogue": count_queries("/", None),
        }

    pages = [
        ("trivial Django view", "/bench/trivial/", None),
        ("plain Wagtail page", plain.url, None),
        ("lesson (enrolled student)", bench_lesson.url, cookie),
        ("course page (enrolled)", bench_course.url, cookie),
        ("catalogue (anonymous)", "/", None),
    ]
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = start_gunicorn(port, env)
    results = {}
    try:
        for label, path, page_cookie in pages:
            print(f"Loading {label} for {args.duration}s ...", flush=True)
            results[label] = load(
                f"http://127.0.0.1:{port}{path}", page_cookie, args.duration, args.connections
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"gunicorn 2 workers, DEBUG=False, wrk -t2 -c{args.connections} -d{args.duration}s, 127.0.0.1")
    print(f"{'page':28} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for label, row in results.items():
        print(f"{label:28} {row['rps']:9.1f} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} {row['errors']:7d}")
    lesson = results["lesson (enrolled student)"]["rps"]
    print()
    print(f"lesson / plain Wagtail page: {lesson / results['plain Wagtail page']['rps']:.2f}")
    print(f"lesson / trivial view:       {lesson / results['trivial Django view']['rps']:.2f}")
    print()
    print(f"{'queries per page':28} {'5 lessons':>10} {'200 lessons':>12}")
    for label in queries["small"]:
        print(f"{label:28} {queries['small'][label]:10d} {queries['large'][label]:12d}")
    if any(row["errors"] for row in results.values()):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
