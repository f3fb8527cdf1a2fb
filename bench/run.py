"""Page-serving benchmark: how much the course machinery costs on top of Wagtail and Django.

Usage (from the project root, after `make test` or `make run` made the venv):

    .venv/bin/python -m bench.run [--modules 4] [--lessons 5] [--requests 40] [--duration 10]
                                  [--connections 8] [--in-process | --wrk]

It builds a fresh database (SQLite in a temporary folder, or BENCH_DATABASE_URL, an empty
database), loads the demo course, puts a plain home page at the site root with the demo catalogue
under it (as in a school's existing site) and adds: a course of MODULES x LESSONS lessons (20 by
default) whose bodies copy a demo lesson, courses of 5, 200 and 1000 lessons, a plain Wagtail page
with the same body at the top of the site, the same plain page at a lesson's depth (under three
plain pages, as a lesson sits under its catalogue, course and module), catalogues of 1 and of 50
courses, and an enrolled student. Then, by default, both modes run one after the other:

- in-process: the Django test client inside this process (production settings, DEBUG=False, no
  network, the database connection kept open). After a warm-up, pages are requested in rounds,
  each round every page once (the order rotating), REQUESTS rounds; it prints the median and p90
  time per page. Queries per page are counted with CaptureQueriesContext.
- wrk: the same pages served by gunicorn (2 workers, production settings, DEBUG=False) on
  127.0.0.1, each loaded by `wrk` (Debian package) for DURATION seconds: requests/s, p50/p95.

Each mode prints the ratios lesson / fair reference (the plain page at lesson depth, same
student), lesson / anonymous top-level plain page, lesson in the 200-lesson course / lesson in the
20-lesson course (time), and the queries per page for 5, 200 and 1000 lessons, each with PASS or
MISS against its target. A MISS does not fail the run (benchmarks are not tests); an error (a
page not answering 200, a failed request under wrk) exits non-zero. Nothing leaves the machine.
"""

import argparse
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")

# Targets of issue 12. Speed ratios are throughput ratios (the inverse of the time ratio).
TARGET_LESSON_VS_REFERENCE = 0.8  # lesson speed / fair-reference speed, at least
TARGET_LESSON_VS_PLAIN = 0.5  # lesson speed / anonymous top-level plain page speed, at least
TARGET_LARGE_VS_BENCH = 1.15  # time of a lesson in the 200-lesson course / in the 20-lesson one, at most
QUERY_BUDGETS = {"lesson (enrolled)": 8, "course page (enrolled)": 8, "catalogue (anonymous)": 6}


def setup_django(database_url, media_root):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = str(media_root)
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def middle(items):
    return items[len(items) // 2]


def build_course(
    parent, slug, n_modules, n_lessons, template=None, *, body=None, publish_lessons=False, **fields
):
    """A published course of n_modules x n_lessons lessons and its lessons (shared by every bench
    script). Lessons copy `template`'s summary and body, or get `body` and a stock summary;
    `publish_lessons` publishes each through a revision, as an editor would."""
    from course.models import CoursePage, ModulePage
    from lessons.models import LessonPage

    fields.setdefault("title", f"Bench {slug}")
    fields.setdefault("summary", "A benchmark course.")
    page = CoursePage(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    lessons = []
    for m in range(n_modules):
        module = ModulePage(title=f"Module {m + 1}", slug=f"module-{m + 1}")
        page.add_child(instance=module)
        for n in range(n_lessons):
            lesson = LessonPage(
                title=f"Lesson {m + 1}.{n + 1}",
                slug=f"lesson-{m + 1}-{n + 1}",
                summary=template.summary if template is not None else "A public summary.",
                body=template.body.raw_data if template is not None else body,
            )
            module.add_child(instance=lesson)
            if publish_lessons:
                lesson.save_revision().publish()
                lesson = LessonPage.objects.get(pk=lesson.pk)
            lessons.append(lesson)
    return page, lessons


def build_catalogue(parent, slug, courses, demo_course, articles, template):
    """A catalogue of `courses` courses (1 module x 2 lessons each, the demo's hero image and tags)
    with a copy of the demo's article index, under `parent`."""
    from course.models import CourseIndexPage

    catalogue = CourseIndexPage(title=f"Catalogue {slug}", slug=slug, intro="A benchmark catalogue.")
    parent.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    tags = list(demo_course.tags.names())
    for n in range(courses):
        course, _ = build_course(
            catalogue,
            f"course-{n + 1}",
            1,
            2,
            template,
            summary=demo_course.summary,
            hero_image=demo_course.hero_image,
            level=demo_course.level,
            duration=demo_course.duration,
        )
        course.tags.set(tags)
        course.save()
    articles.copy(recursive=True, to=catalogue, keep_live=True)
    return catalogue


def build_data(modules, lessons):
    """Demo content, the courses, plain pages, catalogues and an enrolled student."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from bench.plain.models import PlainPage
    from course.models import ArticleIndexPage, CourseIndexPage, CoursePage, Enrollment
    from lessons.models import LessonPage

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_demo", no_users=True, verbosity=0)
    catalogue = CourseIndexPage.objects.get(slug="pinewood-academy")
    # As in a school's existing site: the host's home page is the site root and the catalogue one
    # of its children. Plain pages sit beside the catalogue, so Wagtail routes them its own way.
    home = Page.get_first_root_node().add_child(instance=PlainPage(title="Home", slug="bench-home"))
    for site in Site.objects.filter(root_page=catalogue):
        site.root_page = home
        site.save()
    catalogue.move(home, pos="last-child")
    catalogue.refresh_from_db()
    demo_course = CoursePage.objects.child_of(catalogue).get(slug="mesotherapy-lower-back-pain")
    articles = ArticleIndexPage.objects.child_of(catalogue).get()
    template = LessonPage.objects.get(slug="chronic-causes")
    student = get_user_model().objects.create_user("bench-student", "bench@example.com", "bench-pass-1234")

    courses = {
        "bench": build_course(catalogue, "bench-course", modules, lessons, template),
        "5": build_course(catalogue, "five-lessons", 1, 5, template),
        "200": build_course(catalogue, "two-hundred-lessons", 10, 20, template),
        "1000": build_course(catalogue, "thousand-lessons", 20, 50, template),
    }
    for course, _ in courses.values():
        Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)

    plain = PlainPage(title=template.title, slug="plain-page", body=template.body.raw_data)
    home.add_child(instance=plain)
    # The fair reference: the same plain page where a lesson sits (home > catalogue > course >
    # module > lesson), routed by Wagtail.
    shelf = home.add_child(instance=PlainPage(title="Plain catalogue", slug="plain-catalogue"))
    outer = shelf.add_child(instance=PlainPage(title="Plain course", slug="plain-course"))
    inner = outer.add_child(instance=PlainPage(title="Plain module", slug="plain-module"))
    reference = inner.add_child(
        instance=PlainPage(title=template.title, slug="plain-lesson", body=template.body.raw_data)
    )
    shelf = home.add_child(instance=PlainPage(title="Catalogues", slug="catalogues"))
    catalogues = {
        size: build_catalogue(shelf, f"{size}-courses", size, demo_course, articles, template)
        for size in (1, 50)
    }
    return student, courses, plain, reference, catalogues


@dataclass
class BenchPage:
    key: str
    label: str
    path: str
    user: object = None  # None: anonymous


def bench_pages(student, courses, plain, reference, catalogues, bench_size):
    bench_course, bench_lessons = courses["bench"]
    return [
        BenchPage("trivial", "trivial Django view", "/bench/trivial/"),
        BenchPage("plain", "plain page, top level, anonymous", plain.url),
        BenchPage("reference", "plain page at lesson depth (student)", reference.url, student),
        BenchPage(
            "lesson", f"lesson, {bench_size}-lesson course (enrolled)", middle(bench_lessons).url, student
        ),
        BenchPage(
            "lesson200", "lesson, 200-lesson course (enrolled)", middle(courses["200"][1]).url, student
        ),
        BenchPage("course", f"course page, {bench_size} lessons (enrolled)", bench_course.url, student),
        BenchPage("catalogue1", "catalogue, 1 course (anonymous)", catalogues[1].url),
        BenchPage("catalogue50", "catalogue, 50 courses (anonymous)", catalogues[50].url),
    ]


def client_for(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def session_cookie(user):
    return f"sessionid={client_for(user).cookies['sessionid'].value}"


def get_ok(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}, not 200")
    return response


def count_queries(path, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(user)
    get_ok(client, path)  # warm caches such as the site root lookup
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, path)
    return len(queries)


def query_table(student, courses, catalogues):
    """{row: {column: queries}} for lessons and course pages by course size, catalogues by course count."""
    table = {"lesson (enrolled)": {}, "course page (enrolled)": {}, "catalogue (anonymous)": {}}
    for size in ("5", "200", "1000"):
        course, lessons = courses[size]
        table["lesson (enrolled)"][f"{size} lessons"] = count_queries(middle(lessons).url, student)
        table["course page (enrolled)"][f"{size} lessons"] = count_queries(course.url, student)
    for size, catalogue in catalogues.items():
        table["catalogue (anonymous)"][f"{size} course{'s' if size > 1 else ''}"] = count_queries(
            catalogue.url, None
        )
    return table


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure_in_process(pages, rounds, warmup):
    """{key: {"median_ms", "p90_ms", "rps"}}: `rounds` timed rounds of every page after `warmup` rounds."""
    clients = {page.key: client_for(page.user) for page in pages}
    times = {page.key: [] for page in pages}
    for number in range(warmup + rounds):
        shift = number % len(pages)  # rotate the order so no page always follows the same one
        for page in pages[shift:] + pages[:shift]:
            start = time.perf_counter()
            get_ok(clients[page.key], page.path)
            elapsed = time.perf_counter() - start
            if number >= warmup:
                times[page.key].append(elapsed * 1000)
    results = {}
    for key, values in times.items():
        median = statistics.median(values)
        results[key] = {"median_ms": median, "p90_ms": percentile(values, 0.9), "rps": 1000 / median}
    return results


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, env, new_group=False, threads=1, workers=2):
    """gunicorn with `workers` workers on 127.0.0.1:`port`, once it answers."""
    server = subprocess.Popen(  # noqa: S603 - our own app server on loopback
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms_site.wsgi:application",
            # The app is measured, not the deployment's settings (bench/gunicorn_bare.conf.py).
            "--config",
            str(Path(__file__).with_name("gunicorn_bare.conf.py")),
            "--workers",
            str(workers),
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


def wrk_command(url, cookie, duration, connections, threads=2):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(WRK_SCRIPT), url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    return command


def wrk_result(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("{"))
    return json.loads(line)


def load(url, cookie, duration, connections):
    command = wrk_command(url, cookie, duration, connections)
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=duration + 60)  # noqa: S603
    return wrk_result(output.stdout)


def measure_wrk(pages, duration, connections):
    """{key: {"rps", "p50_ms", "p95_ms", "errors"}} from gunicorn under wrk, one page after another."""
    cookies = {}
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = start_gunicorn(port, env)
    results = {}
    try:
        for page in pages:
            if page.user is not None and page.user.pk not in cookies:
                cookies[page.user.pk] = session_cookie(page.user)
            cookie = cookies[page.user.pk] if page.user is not None else None
            print(f"  wrk: {page.label} for {duration}s ...", flush=True)
            results[page.key] = load(f"http://127.0.0.1:{port}{page.path}", cookie, duration, connections)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def verdict(ok):
    return "PASS" if ok else "MISS"


def print_ratios(rps, bench_size):
    """Speed ratios from requests/s (in-process: 1 / median time), with PASS/MISS against the targets."""
    large_time = rps["lesson"] / rps["lesson200"]  # time(200-lesson) / time(bench)
    rows = [
        (
            "lesson / fair reference (plain page at lesson depth)",
            rps["lesson"] / rps["reference"],
            ">=",
            TARGET_LESSON_VS_REFERENCE,
        ),
        (
            "lesson / anonymous top-level plain page",
            rps["lesson"] / rps["plain"],
            ">=",
            TARGET_LESSON_VS_PLAIN,
        ),
        (f"lesson time, 200-lesson / {bench_size}-lesson course", large_time, "<=", TARGET_LARGE_VS_BENCH),
        ("lesson / trivial view", rps["lesson"] / rps["trivial"], None, None),
    ]
    for label, value, sign, target in rows:
        line = f"  {label:52} {value:5.2f}"
        if target is not None:
            ok = value >= target if sign == ">=" else value <= target
            line += f"  target {sign} {target}  {verdict(ok)}"
        print(line)


def print_in_process(pages, results, queries, rounds, warmup, bench_size):
    print()
    print(
        f"In-process (Django test client, bench.settings: production, DEBUG=False), "
        f"median and p90 of {rounds} requests per page after {warmup} warm-up rounds, pages interleaved"
    )
    print(f"  {'page':42} {'median ms':>10} {'p90 ms':>8} {'req/s':>8} {'queries':>8}")
    for page in pages:
        row = results[page.key]
        print(
            f"  {page.label:42} {row['median_ms']:10.2f} {row['p90_ms']:8.2f} {row['rps']:8.1f} "
            f"{queries[page.key]:8d}"
        )
    print_ratios({key: row["rps"] for key, row in results.items()}, bench_size)


def print_wrk(pages, results, duration, connections, bench_size):
    print()
    print(f"wrk (gunicorn 2 workers, DEBUG=False, wrk -t2 -c{connections} -d{duration}s, 127.0.0.1)")
    print(f"  {'page':42} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for page in pages:
        row = results[page.key]
        print(
            f"  {page.label:42} {row['rps']:9.1f} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} "
            f"{row['errors']:7d}"
        )
    print_ratios({key: row["rps"] for key, row in results.items()}, bench_size)


def print_queries(table):
    print()
    print("Queries per page (CaptureQueriesContext, after one warm-up request)")
    for row, counts in table.items():
        budget = QUERY_BUDGETS[row]
        values = list(counts.values())
        ok = max(values) <= budget and len(set(values)) == 1
        cells = ", ".join(f"{column}: {count}" for column, count in counts.items())
        print(f"  {row:24} {cells:44} target <= {budget}, equal  {verdict(ok)}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--lessons", type=int, default=5, help="lessons per module")
    parser.add_argument("--requests", type=int, default=40, help="timed in-process requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="in-process warm-up rounds")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per page (max 120)")
    parser.add_argument("--connections", type=int, default=8)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--in-process", action="store_true", help="only the in-process measurement")
    modes.add_argument("--wrk", action="store_true", help="only the wrk measurement")
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 120))
    args.requests = max(1, args.requests)
    run_wrk = not args.in_process
    run_in_process = not args.wrk
    if run_wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk (or run with --in-process)")

    workdir = Path(tempfile.mkdtemp(prefix="pinewood-bench-"))
    try:
        database_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
        setup_django(database_url, workdir / "media")
        from django.db import connection

        bench_size = args.modules * args.lessons
        print(
            f"Building data on {connection.vendor} (courses of {bench_size}, 5, 200 and 1000 lessons, "
            "catalogues of 1 and 50 courses) ...",
            flush=True,
        )
        start = time.perf_counter()
        student, courses, plain, reference, catalogues = build_data(args.modules, args.lessons)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
        pages = bench_pages(student, courses, plain, reference, catalogues, bench_size)

        queries = {page.key: count_queries(page.path, page.user) for page in pages}
        table = query_table(student, courses, catalogues)
        in_process = wrk = None
        if run_in_process:
            print(f"In-process: {args.warmup} + {args.requests} rounds of {len(pages)} pages ...", flush=True)
            in_process = measure_in_process(pages, args.requests, args.warmup)
        if run_wrk:
            from django.db import connections

            connections.close_all()
            print(f"wrk: {len(pages)} pages x {args.duration}s ...", flush=True)
            wrk = measure_wrk(pages, args.duration, args.connections)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if in_process is not None:
        print_in_process(pages, in_process, queries, args.requests, args.warmup, bench_size)
    if wrk is not None:
        print_wrk(pages, wrk, args.duration, args.connections, bench_size)
    print_queries(table)
    if wrk is not None and any(row["errors"] for row in wrk.values()):
        raise SystemExit("some requests failed under wrk")


if __name__ == "__main__":
    main()
