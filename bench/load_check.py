"""Load and fault check: many students at once, a server restart in the middle, nothing lost or leaked.

Usage (from the project root; needs the PostgreSQL server of the dev/CI machine):

    .venv/bin/python -m bench.load_check [--duration 20] [--readers 50]

It creates a throw-away PostgreSQL database (LOAD_DATABASE_URL names the server, default
postgres://postgres@127.0.0.1:5432/), builds a course whose lessons carry a canary string,
and serves it with gunicorn (2 workers, production settings) on 127.0.0.1. For DURATION
seconds (at most 120), READERS enrolled students read lessons while not-enrolled visitors
read the same lessons and other students enroll and mark lessons complete. Halfway through,
the server is killed (SIGKILL) and started again. It then checks:

- no response was a 5xx;
- the canary never reached a not-enrolled visitor;
- one enrollment row per student and one completion row per student and lesson;
- every enrollment and completion the server acknowledged is in the database.

Exit status 0 when every check holds. Traffic goes to 127.0.0.1 only.
"""

import argparse
import http.client
import os
import random
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from bench.run import build_course, free_port, start_gunicorn

PROJECT = Path(__file__).resolve().parent.parent
CANARY = "zqloadcanary" + secrets.token_hex(4)


def admin_connection(server_url):
    import psycopg

    return psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True)


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def build_data(readers, visitors, enrollers, lessons):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from course.models import CourseIndexPage, Enrollment

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("load_demo", no_users=True, verbosity=0)
    catalogue = CourseIndexPage.objects.get(slug="pinewood-academy")
    course, pages = build_course(
        catalogue,
        "load-course",
        1,
        lessons,
        title="Load course",
        summary="Under load.",
        body=[("paragraph", f"<p>Members only {CANARY}</p>")],
    )

    User = get_user_model()

    def users(prefix, count):
        made = []
        for n in range(count):
            user = User.objects.create_user(f"{prefix}{n}", f"{prefix}{n}@example.com", "load-pass-1234")
            client = Client()
            client.force_login(user)
            made.append((user, f"sessionid={client.cookies['sessionid'].value}"))
        return made

    reader_sessions = users("reader", readers)
    for user, _ in reader_sessions:
        Enrollment.objects.create(user=user, course=course, status=Enrollment.Status.ACTIVE)
    return {
        "course": course,
        "lessons": pages,
        "readers": reader_sessions,
        "visitors": users("visitor", visitors),
        "enrollers": users("enroller", enrollers),
    }


class Traffic:
    """Shared tallies of what the clients saw."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.server_errors = []
        self.leaks = []
        self.acknowledged_enrollments = set()
        self.acknowledged_completions = set()
        self.refused_connections = 0

    def request(self, method, path, cookie, csrf=None):
        """(status, body) or (None, '') when the server is down (e.g. while it restarts)."""
        headers = {"Cookie": cookie}
        body = None
        if csrf:
            headers["Cookie"] += f"; csrftoken={csrf}"
            headers["X-CSRFToken"] = csrf
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = ""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            status, text = response.status, response.read().decode("utf-8", "replace")
        except OSError:
            with self.lock:
                self.refused_connections += 1
            time.sleep(0.2)
            return None, ""
        finally:
            connection.close()
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{method} {path} -> {status}")
        return status, text


def reader(traffic, cookie, lessons, stop):
    while not stop.is_set():
        traffic.request("GET", random.choice(lessons).url, cookie)  # noqa: S311 - load pattern


def visitor(traffic, cookie, lessons, stop):
    while not stop.is_set():
        lesson = random.choice(lessons)  # noqa: S311 - load pattern
        _, text = traffic.request("GET", lesson.url, cookie)
        if CANARY in text:
            with traffic.lock:
                traffic.leaks.append(lesson.url)


def enroller(traffic, user, cookie, course, lessons, stop):
    csrf = secrets.token_hex(16)
    enroll_path = course.url + "enroll/"
    while not stop.is_set():
        status, _ = traffic.request("POST", enroll_path, cookie, csrf)
        if status == 302:
            with traffic.lock:
                traffic.acknowledged_enrollments.add(user.pk)
            break
    for lesson in lessons:
        while not stop.is_set():
            status, _ = traffic.request("POST", lesson.url + "complete/", cookie, csrf)
            if status == 302:
                with traffic.lock:
                    traffic.acknowledged_completions.add((user.pk, lesson.pk))
                break
        time.sleep(random.uniform(0.05, 0.4))  # noqa: S311 - reading time between lessons


def kill_server(server):
    """Kill the gunicorn master and its workers at once, as a crash would."""
    if server.poll() is None:
        os.killpg(os.getpgid(server.pid), signal.SIGKILL)
    server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--visitors", type=int, default=10)
    parser.add_argument("--enrollers", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=5)
    args = parser.parse_args()
    args.duration = max(4, min(args.duration, 120))

    server_url = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    database = f"pinewood_load_{os.getpid()}"
    with admin_connection(server_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = None
    try:
        setup_django(server_url.rstrip("/") + "/" + database)
        print("Building data ...", flush=True)
        data = build_data(args.readers, args.visitors, args.enrollers, args.lessons)
        from django.db import connections

        connections.close_all()
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        # gunicorn gets its own process group so the restart can kill master and workers together.
        server = start_gunicorn(port, env, new_group=True, threads=8)
        traffic = Traffic(port)
        stop = threading.Event()
        threads = [
            threading.Thread(target=reader, args=(traffic, cookie, data["lessons"], stop))
            for _, cookie in data["readers"]
        ]
        threads += [
            threading.Thread(target=visitor, args=(traffic, cookie, data["lessons"], stop))
            for _, cookie in data["visitors"]
        ]
        threads += [
            threading.Thread(
                target=enroller, args=(traffic, user, cookie, data["course"], data["lessons"], stop)
            )
            for user, cookie in data["enrollers"]
        ]
        print(
            f"{len(threads)} clients for {args.duration}s, server killed and restarted halfway ...",
            flush=True,
        )
        for thread in threads:
            thread.start()
        time.sleep(args.duration / 2)
        kill_server(server)
        server = start_gunicorn(port, env, new_group=True, threads=8)
        time.sleep(args.duration / 2)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        failures = check(traffic, data)
    finally:
        if server is not None:
            kill_server(server)
        from django.db import connections

        connections.close_all()
        with admin_connection(server_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if failures:
        print("FAILED:\n- " + "\n- ".join(failures))
        raise SystemExit(1)
    print("All load and fault checks passed.")


def check(traffic, data):
    from django.db.models import Count

    from course.models import Enrollment, LessonCompletion

    enrollments = Enrollment.objects.filter(course=data["course"])
    completions = LessonCompletion.objects.filter(lesson__in=[lesson.pk for lesson in data["lessons"]])
    enrolled = set(enrollments.values_list("user_id", flat=True))
    completed = set(completions.values_list("user_id", "lesson_id"))
    print(f"responses by status: {dict(sorted(traffic.statuses.items()))}")
    print(f"connection attempts refused while the server was down: {traffic.refused_connections}")
    print(
        f"acknowledged enrollments {len(traffic.acknowledged_enrollments)}, "
        f"completions {len(traffic.acknowledged_completions)}; "
        f"in the database: enrollments {len(enrolled)}, completions {len(completed)}"
    )
    failures = []
    if traffic.server_errors:
        failures.append(f"{len(traffic.server_errors)} server errors, e.g. {traffic.server_errors[:3]}")
    if traffic.leaks:
        failures.append(f"canary served to not-enrolled visitors {len(traffic.leaks)} times")
    if enrollments.values("user_id").annotate(n=Count("id")).filter(n__gt=1).exists():
        failures.append("duplicate enrollment rows")
    if completions.values("user_id", "lesson_id").annotate(n=Count("id")).filter(n__gt=1).exists():
        failures.append("duplicate completion rows")
    if lost := traffic.acknowledged_enrollments - enrolled:
        failures.append(f"{len(lost)} acknowledged enrollments lost")
    if lost := traffic.acknowledged_completions - completed:
        failures.append(f"{len(lost)} acknowledged completions lost")
    if not traffic.acknowledged_completions:
        failures.append("no completion was acknowledged: the run proves nothing")
    return failures


if __name__ == "__main__":
    main()
