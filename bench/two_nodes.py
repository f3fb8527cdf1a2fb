"""Two app servers, one database and one cache: what a second node adds, and what must hold across both.

Usage (from the project root; needs the local PostgreSQL and Redis servers and `wrk`):

    .venv/bin/python -m bench.two_nodes [--duration 10] [--connections 8]

It creates a throw-away PostgreSQL database (BENCH_POSTGRES_URL names the server, default
postgres://postgres@127.0.0.1:5432/) and uses Redis (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/0) under a key prefix of its own, which it deletes at the end, as the
settings read them (DATABASE_URL, REDIS_URL; bench/settings.py adds BENCH_CACHE_KEY_PREFIX).
It serves the site with two gunicorn servers (nodes A and B, 2 workers each, production
settings, DEBUG=False) on two loopback ports, sharing that database and cache, and:

1. loads an enrolled lesson and the anonymous catalogue with wrk against node A alone, then
   against both nodes at once (two wrk processes, the connections split between them);
2. an editor publishes a lesson's new title through the Wagtail admin on node A (the page's
   edit form, posted with "Publish"); node B must show it on its next requests, in the course
   page's syllabus and on the lesson page, to a student who read both before;
3. a student enrolls on node A (POST to the course page's `enroll/` with the form's CSRF token);
   node B must open the lesson to them on their next requests;
4. a student posts wrong enrollment codes alternately to A and B: with
   PINEWOOD_ENROLLMENT_CODE_ATTEMPTS (5 by default) per user and course, attempts 1 to 5 must be
   refused as wrong codes (400) and the 6th and 7th as too many (429), whichever node gets them.

Checks 2 to 4 print PASS or FAIL; the exit status is 1 if any fails. The throughput figures are
informational: both nodes run on the same machine, so a second node adds no CPU.
"""

import argparse
import concurrent.futures
import http.client
import os
import secrets
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from bench.run import (
    build_course,
    free_port,
    session_cookie,
    setup_django,
    start_gunicorn,
    wrk_command,
    wrk_result,
)

CANARY = "zqnodecanary" + secrets.token_hex(4)
CODE = "PINE-7Q4K-2026"
REQUESTS_AFTER = 4  # "the next request" is checked on this many requests, to reach both workers of B


class Node:
    """A tiny HTTP client for one node: no redirects followed, cookies passed by hand."""

    def __init__(self, name, port):
        self.name = name
        self.port = port

    def request(self, method, path, cookies, fields=None):
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            set_cookies = {}
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                set_cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text, set_cookies
        finally:
            connection.close()

    def get(self, path, cookies):
        status, text, _ = self.request("GET", path, cookies)
        return status, text


class FormParser(HTMLParser):
    """The fields a browser would submit from the form with id `form_id` (without clicking a button)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.textarea = None
        self.select = None
        self.select_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select, self.select_value = name, None
        elif tag == "option" and self.select and (self.select_value is None or "selected" in attrs):
            self.select_value = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            value = self.textarea[1]
            self.fields.append((self.textarea[0], value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select" and self.select:
            if self.select_value is not None:
                self.fields.append((self.select, self.select_value))
            self.select = None


def paragraph_stream_fields(page, field_name):
    """The POST fields Wagtail's StreamField widget sends for a body made of paragraphs only
    (the browser builds them with JavaScript; here they come from the blocks' form state)."""
    stream = getattr(page, field_name)
    fields = {f"{field_name}-count": str(len(stream))}
    for index, child in enumerate(stream):
        if child.block_type != "paragraph":
            raise SystemExit(f"the publish check needs a body of paragraphs only, not {child.block_type}")
        prefix = f"{field_name}-{index}"
        fields.update(
            {
                f"{prefix}-type": "paragraph",
                f"{prefix}-value": child.block.get_form_state(child.value),
                f"{prefix}-id": child.id,
                f"{prefix}-deleted": "",
                f"{prefix}-order": str(index),
            }
        )
    return fields


def admin_publish(node, cookies, page, new_title):
    """Edit `page`'s title in the Wagtail admin on `node` and press Publish; (ok, detail)."""
    edit = f"/admin/pages/{page.pk}/edit/"
    status, html, set_cookies = node.request("GET", edit, cookies)
    if status != 200:
        return False, f"GET {edit} on {node.name}: {status}"
    cookies = {**cookies, **set_cookies}
    parser = FormParser("page-edit-form")
    parser.feed(html)
    fields = [(name, value) for name, value in parser.fields if name != "title"]
    fields += [("title", new_title), ("action-publish", "action-publish")]
    fields += list(paragraph_stream_fields(page, "body").items())
    status, html, _ = node.request("POST", edit, cookies, fields)
    if status != 302:
        errors = [line.strip() for line in html.splitlines() if "error" in line.lower()][:5]
        return False, f"POST {edit} on {node.name}: {status} {errors}"
    return True, f"POST {edit} on {node.name}: 302"


def csrf_form(node, path, cookies):
    """GET `path` on `node`: the cookies with the CSRF cookie, and the form's csrfmiddlewaretoken."""
    status, html, set_cookies = node.request("GET", path, cookies)
    if status != 200:
        raise SystemExit(f"GET {path} on {node.name}: {status}")
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return {**cookies, **set_cookies}, html[start : html.index('"', start)]


def build_data():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from course.models import CourseIndexPage, CoursePage, Enrollment
    from lessons.models import LessonPage

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_demo", no_users=True, verbosity=0)
    catalogue = CourseIndexPage.objects.get(slug="pinewood-academy")
    template = LessonPage.objects.get(slug="chronic-causes")

    canary_body = [("paragraph", f"<p>Members only: {CANARY}</p>")]
    shared = {"summary": "Served by two nodes.", "body": canary_body, "publish_lessons": True}
    nodes_course, nodes_lessons = build_course(catalogue, "two-nodes", 1, 3, title="Two nodes", **shared)
    code_course, _ = build_course(
        catalogue,
        "code-course",
        1,
        1,
        title="Code course",
        enrollment_mode=CoursePage.EnrollmentMode.CODE,
        enrollment_code=CODE,
        **shared,
    )
    bench_course, bench_lessons = build_course(
        catalogue, "bench-course", 1, 20, template, title="Bench course", summary="Under load."
    )

    User = get_user_model()
    editor = User.objects.create_superuser("bench-editor", "editor@example.com", None)
    reader = User.objects.create_user("bench-reader", "reader@example.com", None)
    newcomer = User.objects.create_user("bench-newcomer", "newcomer@example.com", None)
    guesser = User.objects.create_user("bench-guesser", "guesser@example.com", None)
    for course_page in (nodes_course, bench_course):
        Enrollment.objects.create(user=reader, course=course_page, status=Enrollment.Status.ACTIVE)
    return {
        "catalogue": catalogue,
        "course": nodes_course,
        "lessons": nodes_lessons,
        "code_course": code_course,
        "bench_lesson": bench_lessons[len(bench_lessons) // 2],
        "editor": editor,
        "reader": reader,
        "newcomer": newcomer,
        "guesser": guesser,
    }


def throughput(nodes, path, cookie, duration, connections):
    """wrk on node A alone, then on A and B at once (connections split): [(label, rps, errors)]."""
    one = subprocess.run(  # noqa: S603 - wrk on loopback
        wrk_command(f"http://127.0.0.1:{nodes[0].port}{path}", cookie, duration, connections),
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    single = wrk_result(one.stdout)
    half = max(1, connections // 2)
    commands = [
        wrk_command(f"http://127.0.0.1:{node.port}{path}", cookie, duration, half, threads=1)
        for node in nodes
    ]
    with concurrent.futures.ThreadPoolExecutor(len(commands)) as pool:
        outputs = list(
            pool.map(
                lambda command: subprocess.run(  # noqa: S603 - wrk on loopback
                    command, capture_output=True, text=True, check=True, timeout=duration + 60
                ),
                commands,
            )
        )
    both = [wrk_result(output.stdout) for output in outputs]
    return single, both


def check_publish(a, b, data):
    from lessons.models import LessonPage

    lesson = data["lessons"][1]
    reader = {"sessionid": session_cookie(data["reader"]).split("=", 1)[1]}
    editor = {"sessionid": session_cookie(data["editor"]).split("=", 1)[1]}
    old_title = lesson.title
    new_title = f"Renamed on node A {secrets.token_hex(3)}"
    before = [
        b.get(path, reader)[1] for path in (data["course"].url, lesson.url) for _ in range(REQUESTS_AFTER)
    ]
    if not all(old_title in text for text in before):
        return False, "node B did not show the old title before the publish"
    ok, detail = admin_publish(a, editor, LessonPage.objects.get(pk=lesson.pk), new_title)
    if not ok:
        return False, detail
    pages = {"course page syllabus": data["course"].url, "lesson page": lesson.url}
    texts = {label: [b.get(path, reader)[1] for _ in range(REQUESTS_AFTER)] for label, path in pages.items()}
    seen = {label: [new_title in text for text in batch] for label, batch in texts.items()}
    shown = ", ".join(f"{label} {sum(hits)}/{len(hits)}" for label, hits in seen.items())
    body_kept = all(CANARY in text for text in texts["lesson page"])  # the edit kept the lesson's body
    ok = body_kept and all(all(hits) for hits in seen.values())
    return ok, f"{detail}; new title on node B: {shown}; body kept: {body_kept}"


def check_enrollment(a, b, data):
    lesson = data["lessons"][0]
    student = {"sessionid": session_cookie(data["newcomer"]).split("=", 1)[1]}
    before = [CANARY in b.get(lesson.url, student)[1] for _ in range(REQUESTS_AFTER)]
    if any(before):
        return False, "the lesson was open on node B before enrolling"
    cookies, token = csrf_form(a, data["course"].url, student)
    status, _, _ = a.request("POST", data["course"].url + "enroll/", cookies, {"csrfmiddlewaretoken": token})
    if status != 302:
        return False, f"POST enroll/ on node A answered {status}, not 302"
    after = [CANARY in b.get(lesson.url, cookies)[1] for _ in range(REQUESTS_AFTER)]
    return all(after), f"POST enroll/ on A: 302; lesson open on node B: {sum(after)}/{len(after)} requests"


def check_code_limit(a, b, data):
    from course import conf

    limit = conf.enrollment_code_limits()["code-course"]
    student = {"sessionid": session_cookie(data["guesser"]).split("=", 1)[1]}
    path = data["code_course"].url
    statuses = []
    for attempt in range(limit + 2):
        node = (a, b)[attempt % 2]
        cookies, token = csrf_form(node, path, student)
        status, _, _ = node.request(
            "POST",
            path + "enroll/",
            cookies,
            {"csrfmiddlewaretoken": token, "code": f"WRONG-{attempt:04d}-X"},
        )
        statuses.append(f"{node.name}:{status}")
    expected = [f"{('A', 'B')[n % 2]}:{400 if n < limit else 429}" for n in range(limit + 2)]
    return statuses == expected, f"limit {limit}; {' '.join(statuses)} (expected {' '.join(expected)})"


def drop_cache_keys(redis_url, prefix):
    if not redis_url:
        return 0
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
    return len(keys)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of wrk load per measurement (max 120)"
    )
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 120))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    import psycopg

    server_url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    database = f"pinewood_bench_nodes_{os.getpid()}"
    prefix = f"pinewood-bench-nodes-{os.getpid()}"
    # BENCH_REDIS_URL="" gives each process its own memory cache: the rate limit check then fails.
    os.environ["REDIS_URL"] = redis_url
    os.environ["BENCH_CACHE_KEY_PREFIX"] = prefix
    workdir = Path(tempfile.mkdtemp(prefix="pinewood-nodes-"))
    with psycopg.connect(server_url + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    servers = []
    results = {}
    try:
        setup_django(f"{server_url}/{database}", workdir / "media")
        print("Building data ...", flush=True)
        data = build_data()
        from django.db import connections

        connections.close_all()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        nodes = []
        for name in ("A", "B"):
            port = free_port()
            servers.append(start_gunicorn(port, env))
            nodes.append(Node(name, port))
        a, b = nodes
        print(f"Nodes A (port {a.port}) and B (port {b.port}): 2 gunicorn workers each", flush=True)

        reader_cookie = session_cookie(data["reader"])
        loads = {
            "lesson, enrolled student": (data["bench_lesson"].url, reader_cookie),
            "catalogue, anonymous": (data["catalogue"].url, None),
        }
        rates = {}
        for label, (path, cookie) in loads.items():
            print(f"wrk: {label}, node A alone then A + B, {args.duration}s each ...", flush=True)
            rates[label] = throughput(nodes, path, cookie, args.duration, args.connections)

        checks = {
            "publish on A, seen on B": check_publish,
            "enroll on A, lesson open on B": check_enrollment,
            "wrong codes on A and B, one limit": check_code_limit,
        }
        for label, check in checks.items():
            results[label] = check(a, b, data)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server_url + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        dropped = drop_cache_keys(redis_url, prefix)
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"Dropped database {database} and {dropped} Redis keys (prefix {prefix})")

    print()
    print(
        f"Throughput (wrk, {args.duration}s; one node: -t2 -c{args.connections}; "
        f"both: two wrk -t1 -c{max(1, args.connections // 2)} at once)"
    )
    print(f"  {'page':28} {'node A req/s':>13} {'A + B req/s':>12} {'(A, B)':>16} {'errors':>7}")
    errors = 0
    for label, (single, both) in rates.items():
        total = sum(row["rps"] for row in both)
        split = ", ".join(f"{row['rps']:.1f}" for row in both)
        page_errors = single["errors"] + sum(row["errors"] for row in both)
        errors += page_errors
        print(f"  {label:28} {single['rps']:13.1f} {total:12.1f} {'(' + split + ')':>16} {page_errors:7d}")
    print()
    failed = False
    for label, (ok, detail) in results.items():
        failed = failed or not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {label}: {detail}")
    if errors:
        print(f"  FAIL  {errors} failed requests under wrk")
    if failed or errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
