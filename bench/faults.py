"""Fault-injection check: the site under load while its services fail, one at a time.

Usage (from the project root; needs PostgreSQL 15's server binaries and `redis-server`, Debian
packages postgresql-15 and redis-server, and root or the `postgres` user's rights):

    .venv/bin/python -m bench.faults [--short] [--clients 60] [--keep]

`--short` is the form CI runs (24 clients, short phases: about 80 seconds in all, set-up
included, on two CPUs); the default runs 60 clients with longer phases (about 3 minutes). Nothing
touches the machine's own PostgreSQL or Redis: in a temporary folder the check starts its own
PostgreSQL cluster (`initdb` and `pg_ctl`, run as the `postgres` user when started as root, since
they refuse root) on a spare port, its own `redis-server` on another, and a tiny SMTP sink in a
thread that counts the messages it receives. It builds the demo content plus a course whose
lessons carry a canary string (one lesson with a quiz) and a course that needs an enrollment
code, then serves the site with gunicorn and the repository's `gunicorn.conf.py` (2 workers,
gthread) with production settings (bench.settings): the Redis cache
(`course.resilient_cache.ResilientRedisCache`), the database with `CONN_MAX_AGE=60` (kept
connections, checked before reuse) and queued email delivered by SMTP inside the request
(`TASKS_BACKEND=immediate`, the harshest case for the mail fault; `BENCH_SMTP=1` keeps the
production mail settings in bench.settings).

Throughout, clients on 127.0.0.1 run the mix the issue's authors measured: 60% visitors (half of
them anonymous, half logged in but not enrolled: they read the catalogue, course pages, articles
and gated lessons, which must never show them the canary), 35% students (they enroll, read, mark
lessons complete, submit the quiz and now and then post the enrollment code of the code course),
5% sign-ups (allauth's form, a new email each, paced under allauth's 20 a minute per address; an
unanswered sign-up is posted again with the same email, as a person would). After a baseline,
the faults come one at a time:

- smtp-unreachable: the mail sink stops listening (connections refused), then listens again;
- redis-stop: Redis stopped, then started again (empty);
- postgres-stop-10s: `pg_ctl stop -m fast`, 10 seconds down, `pg_ctl start`;
- worker-kill-9: SIGKILL to one gunicorn worker (the master starts another);
- sighup-reload: SIGHUP to the gunicorn master (new workers, the old ones finish gracefully).

Each fault is held, then restored; *recovered-in* is the time from the restore (the signal, for
the last two) to the first 200 from `/readyz` followed by a 200 page, polled every 100 ms. The
phase runs on for a few seconds of normal load. One line per fault (and one for the baseline)
reports, over the requests that ended in its phase (one in flight when a fault came met it):

- 5xx: server errors other than 503 (must be 0);
- 503-in-outage / 503-outside: a 503 (with Retry-After) is allowed only for the database and
  Redis faults, and only for a request in flight between the injection and the recovery; any
  other 503, or a 503 without Retry-After, fails;
- conn-errors: requests refused, reset or timed out. For worker-kill-9 these are the requests the
  killed worker held (reported, not failed); in every other phase gunicorn is untouched and any
  is a failure;
- lost: writes the site acknowledged in this phase (an enrollment, lesson completion, quiz
  attempt or sign-up answered with its success redirect) that are not in the database at the
  end (must be 0);
- duplicates: more than one enrollment per student and course, completion per student and
  lesson, or account (or allauth email address) per email (must be 0);
- for redis-stop also: enrollment-code and log-in POSTs made while Redis was down (the students'
  and a probe's, every half second) that were not refused with 503 (they must fail closed; none
  made fails too), and 503s for anything else while it was down (the rest must fail open);
- slowest (the longest request, as the client waited) and worker-boots (workers gunicorn started
  in the phase: the fault's, or recycled after `max_requests`), which fail nothing but explain a
  slow phase: until a new worker has imported the app, requests wait for it.

A final line sums up; the exit status is 1 if any line fails, a canary leaked, or a kind of write
was never acknowledged (the run would prove nothing). Logs (gunicorn's error and access logs,
PostgreSQL's, Redis's) are in the temporary folder, kept with `--keep`; on a failure the server
errors in gunicorn's log are printed. The folder and every process are removed at the end, also
after Ctrl-C. Traffic goes to 127.0.0.1 only and no email leaves the machine.
"""

import argparse
import contextlib
import csv
import http.client
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.load_check import CANARY, admin_connection, kill_server, setup_django
from bench.run import build_course, free_port

PROJECT = Path(__file__).resolve().parent.parent
ENROLLMENT_CODE = "PINE-7Q4K-2026"
RECOVERY_LIMIT = 30  # seconds from the restore to a ready site, at most
SIGNUPS_PER_MINUTE = 15  # allauth refuses more than 20 sign-ups a minute from one address
# Actions guarded by limits that fail closed: refused with 503 while the cache is unreachable.
FAIL_CLOSED = {"code-enroll", "log-in"}

PROFILES = {
    # clients, baseline, SMTP hold, Redis hold, PostgreSQL hold, settle after recovery (seconds)
    "short": {"clients": 24, "baseline": 6, "smtp": 5, "redis": 5, "postgres": 10, "settle": 3},
    "long": {"clients": 60, "baseline": 20, "smtp": 15, "redis": 15, "postgres": 10, "settle": 10},
}


# --- services of our own ---------------------------------------------------------------------


def as_postgres(command):
    """PostgreSQL's tools refuse to run as root: as root, run them as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def postgres_bindir():
    """The folder of initdb and pg_ctl: pg_config's, else the newest of Debian's versions."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run(  # noqa: S603 - a fixed query to the local pg_config
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        bindir = Path(found.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not versions:
        raise SystemExit(
            "PostgreSQL's server binaries (initdb, pg_ctl) are needed: apt-get install postgresql"
        )
    return versions[-1].parent


class Postgres:
    """A PostgreSQL cluster of our own in `folder`/pg, on 127.0.0.1:`port` (trust, loopback only)."""

    def __init__(self, folder, port):
        self.folder = folder
        self.port = port
        self.bindir = postgres_bindir()
        self.data = folder / "pg"
        self.log = folder / "pg.log"

    def _run(self, *command):
        with open(self.folder / "pg_ctl.log", "ab") as log:
            subprocess.run(  # noqa: S603 - PostgreSQL's own tools on our temporary cluster
                as_postgres([str(self.bindir / command[0]), *command[1:]]),
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=120,
            )

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database=""):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


def answers(port, probe, expect, timeout=20):
    """Whether a TCP service on 127.0.0.1:`port` answers `probe` with `expect` within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(probe)
                if sock.recv(64).startswith(expect):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


class Redis:
    """A redis-server of our own on 127.0.0.1:`port`, nothing saved to disk."""

    def __init__(self, folder, port):
        self.folder = folder
        self.port = port
        self.process = None
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise SystemExit("redis-server is needed: apt-get install redis-server")

    def start(self):
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own Redis on loopback
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no", "--dir", str(self.folder)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if not answers(self.port, b"PING\r\n", b"+PONG"):
            raise SystemExit("redis-server did not start: see redis.log")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib and Django's SMTP backend; counts the messages."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        with contextlib.suppress(OSError):  # a client that goes away (a killed worker) is no error
            self.converse()

    def converse(self):
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline(65536):
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                while (data := self.rfile.readline(65536)) not in (b".\r\n", b".\n", b""):
                    pass
                if not data:
                    return  # the client went away mid-message: nothing was delivered
                self.server.sink.received()
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                self.reply("250 ok")
            else:
                self.reply("502 not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # listen again on the same port at once after `stop()`
    daemon_threads = True


class SmtpSink:
    """A mail server on 127.0.0.1:`port` that keeps nothing; `stop()` closes its listening socket."""

    def __init__(self, port):
        self.port = port
        self.messages = 0
        self.lock = threading.Lock()
        self.server = None

    def received(self):
        with self.lock:
            self.messages += 1

    def start(self):
        server = SmtpServer(("127.0.0.1", self.port), SmtpHandler)
        server.sink = self
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        self.server = server

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def start_gunicorn_production(folder, env):
    """gunicorn with the repository's gunicorn.conf.py (unlike bench.run.start_gunicorn, which
    measures the app without it), in its own process group, once `/healthz` answers."""
    server = subprocess.Popen(  # noqa: S603 - our own app server on loopback
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "lms_site.wsgi:application"],
        cwd=PROJECT,
        env=env,
        stdout=open(folder / "gunicorn-access.log", "ab"),  # noqa: SIM115 - the child keeps it
        stderr=open(folder / "gunicorn.log", "ab"),  # noqa: SIM115 - the child keeps it
        start_new_session=True,
    )
    port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        if fetch(port, "GET", "/healthz", timeout=2)[0] == 200:
            return server
        time.sleep(0.2)
    kill_server(server)
    raise SystemExit("gunicorn did not start: see gunicorn.log (--keep keeps it)")


def worker_pids(master_pid):
    """The gunicorn master's children (its workers), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            pids.append(int(entry.name))
    return pids


# --- data ------------------------------------------------------------------------------------


def sessions(prefix, count):
    """`count` users with a session each: [(user pk, cookie)]. No password (nothing to hash)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    made = []
    for n in range(count):
        user = get_user_model().objects.create_user(f"{prefix}{n}", f"{prefix}{n}@example.com", None)
        client = Client()
        client.force_login(user)
        made.append((user.pk, f"sessionid={client.cookies['sessionid'].value}"))
    return made


def build_data(students, visitors):
    """Demo content, a gated course (canary in every lesson, a quiz in the last), a code course,
    and sessions for `students` students (not enrolled yet) and `visitors` logged-in visitors."""
    from django.core.management import call_command
    from django.urls import reverse

    from course.models import ArticlePage, CourseIndexPage, CoursePage, ModulePage
    from lessons.models import LessonPage
    from tests.factories import ids, quiz_value, right_answers

    call_command("migrate", verbosity=0)
    call_command("load_demo", no_users=True, verbosity=0)
    catalogue = CourseIndexPage.objects.get(slug="pinewood-academy")
    gated = [("paragraph", f"<p>Members only {CANARY}</p>")]
    course, lessons = build_course(
        catalogue, "fault-course", 1, 4, title="Fault course", summary="Under faults.", body=gated
    )
    module = ModulePage.objects.child_of(course).get()
    quiz_lesson = LessonPage(
        title="Quiz lesson",
        slug="quiz-lesson",
        summary="A public summary.",
        body=[*gated, ("quiz", quiz_value(max_attempts=None, required=False))],
    )
    module.add_child(instance=quiz_lesson)
    lessons.append(LessonPage.objects.get(pk=quiz_lesson.pk))
    code_course, code_lessons = build_course(
        catalogue,
        "fault-code-course",
        1,
        2,
        title="Code course",
        summary="Needs a code.",
        body=gated,
        enrollment_mode=CoursePage.EnrollmentMode.CODE,
        enrollment_code=ENROLLMENT_CODE,
    )
    quiz_block = next(child for child in lessons[-1].body if child.block_type == "quiz")
    (q1, q2), choice = ids(lessons[-1])
    gated_paths = {lesson.url for lesson in lessons + code_lessons}
    public_paths = [catalogue.url, "/accounts/login/", "/accounts/signup/"]
    public_paths += [page.url for page in CoursePage.objects.live()]
    public_paths += [page.url for page in ArticlePage.objects.live()[:5]]
    others = LessonPage.objects.live().exclude(pk__in=[page.pk for page in lessons + code_lessons])
    public_paths += [page.url for page in others[:5]]
    return {
        "course": course.url,
        "course_pk": course.pk,
        "code_course": code_course.url,
        "code_course_pk": code_course.pk,
        "lessons": [(lesson.pk, lesson.url) for lesson in lessons],
        "quiz_path": f"{lessons[-1].url}quiz/{quiz_block.id}/",
        "quiz_lesson": lessons[-1].url,
        "right": right_answers(lessons[-1]),
        "wrong": {f"q-{q1}": [choice["Cervical"]], f"q-{q2}": [choice["A fall"]]},
        "gated_paths": gated_paths,
        "visitor_paths": sorted(set(public_paths)) + sorted(gated_paths),
        "signed_up_path": reverse("account_email_verification_sent"),
        "students": sessions("fault-student", students),
        "visitors": sessions("fault-visitor", visitors),
    }


# --- traffic ---------------------------------------------------------------------------------


def fetch(port, method, path, headers=None, body=None, timeout=15):
    """(status, headers, body bytes, error): status None and error 'refused', 'reset', 'timeout'
    (or an exception's name) when no response came."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read(), None
    except ConnectionRefusedError:
        return None, None, b"", "refused"
    except (
        ConnectionResetError,
        BrokenPipeError,
        http.client.RemoteDisconnected,
        http.client.IncompleteRead,
    ):
        return None, None, b"", "reset"
    except TimeoutError:
        return None, None, b"", "timeout"
    except (OSError, http.client.HTTPException) as error:
        return None, None, b"", type(error).__name__
    finally:
        connection.close()


def location(headers):
    return urlsplit(headers.get("Location", "")).path if headers is not None else ""


@dataclass
class Sample:
    start: float
    end: float
    client: str
    method: str
    path: str
    status: int | None
    error: str | None
    retry_after: bool
    action: str


class Load:
    """The clients' requests and the writes the site acknowledged, with their times."""

    def __init__(self, port, think):
        self.port = port
        self.think = think
        self.lock = threading.Lock()
        self.samples = []
        self.acks = []  # (kind, key, time)
        self.leaks = []
        self.signup_form_errors = 0
        self.crashes = []  # clients that died of an exception: a bug in this check
        self.stop = threading.Event()

    def client(self, target, *args):
        """A daemon thread running `target(self, *args)`, its exception recorded."""

        def run():
            try:
                target(self, *args)
            except Exception as error:
                with self.lock:
                    self.crashes.append(f"{target.__name__}: {error!r}")
                raise

        return threading.Thread(target=run, daemon=True)

    def request(self, client, method, path, cookie="", form=None, action="read"):
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if method == "POST":
            csrf = secrets.token_hex(16)
            headers["Cookie"] = "; ".join(filter(None, [cookie, f"csrftoken={csrf}"]))
            headers["X-CSRFToken"] = csrf
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form or {}, doseq=True)
        start = time.time()
        status, response_headers, text, error = fetch(self.port, method, path, headers, body)
        sample = Sample(
            start,
            time.time(),
            client,
            method,
            path,
            status,
            error,
            bool(response_headers and response_headers.get("Retry-After")),
            action,
        )
        with self.lock:
            self.samples.append(sample)
        return status, response_headers, text

    def ack(self, kind, key):
        with self.lock:
            self.acks.append((kind, key, time.time()))

    def pause(self, rng, scale=1.0):
        self.stop.wait(rng.uniform(0.4, 1.6) * self.think * scale)


def visitor(load, cookie, paths, gated):
    """Reads pages; a gated lesson must never show the canary (anonymous or not enrolled)."""
    rng = random.Random()  # noqa: S311 - a load pattern, not a secret
    name = "member-visitor" if cookie else "visitor"
    while not load.stop.is_set():
        path = rng.choice(paths)
        status, _, text = load.request(name, "GET", path, cookie)
        if path in gated and CANARY.encode() in text:
            with load.lock:
                load.leaks.append((name, path, status))
        load.pause(rng)


def student(load, pool, data):
    """Each student of the pool in turn: enrolls, then reads, completes lessons, takes the quiz
    and now and then posts the code course's enrollment code; then the next student."""
    rng = random.Random()  # noqa: S311 - a load pattern, not a secret
    lessons = data["lessons"]
    following = {
        path: (lessons[n + 1][1] if n + 1 < len(lessons) else data["course"])
        for n, (_, path) in enumerate(lessons)
    }
    n = 0
    while not load.stop.is_set():
        user, cookie = pool[n % len(pool)]
        n += 1
        while not load.stop.is_set():
            status, headers, _ = load.request(
                "student", "POST", data["course"] + "enroll/", cookie, action="enroll"
            )
            if status == 302 and location(headers) == data["course"]:
                load.ack("enrollment", (user, data["course_pk"]))
                break
            load.pause(rng)
        done = set()
        for _ in range(rng.randint(10, 20)):
            if load.stop.is_set():
                break
            roll = rng.random()
            if roll < 0.40:
                load.request("student", "GET", rng.choice(lessons)[1], cookie)
            elif roll < 0.50:
                load.request("student", "GET", rng.choice([data["course"], "/learn/"]), cookie)
            elif roll < 0.70:
                todo = [lesson for lesson in lessons if lesson[0] not in done] or lessons
                lesson, path = todo[0] if rng.random() < 0.8 else rng.choice(lessons)
                status, headers, _ = load.request(
                    "student", "POST", path + "complete/", cookie, action="complete"
                )
                if status == 302 and location(headers) == urlsplit(following[path]).path:
                    load.ack("completion", (user, lesson))
                    done.add(lesson)
            elif roll < 0.85:
                form = data["right"] if rng.random() < 0.7 else data["wrong"]
                status, headers, _ = load.request(
                    "student", "POST", data["quiz_path"], cookie, form, action="quiz"
                )
                redirect = headers.get("Location", "") if headers is not None else ""
                if status == 302 and redirect.startswith(data["quiz_lesson"] + "?attempt="):
                    load.ack("quiz attempt", int(redirect.split("attempt=")[1].split("#")[0]))
            else:
                form = {"code": ENROLLMENT_CODE}
                status, headers, _ = load.request(
                    "student", "POST", data["code_course"] + "enroll/", cookie, form, action="code-enroll"
                )
                if status == 302 and location(headers) == data["code_course"]:
                    load.ack("enrollment", (user, data["code_course_pk"]))
            load.pause(rng)


def signer(load, data, interval):
    """Signs up with a new email every `interval` seconds or so; posts the same email again after
    an answer that acknowledged nothing (no response, 429 or 5xx), at most three times."""
    rng = random.Random()  # noqa: S311 - a load pattern, not a secret
    email, tries = None, 0
    while not load.stop.is_set():
        if email is None:
            email, tries = f"signup-{secrets.token_hex(6)}@example.com", 0
        load.request("signup", "GET", "/accounts/signup/")
        load.pause(rng)
        password = "Pw-" + secrets.token_urlsafe(12)
        form = {
            "email": email,
            "password1": password,
            "password2": password,
            "first_name": "Sign",
            "last_name": "Up",
        }
        status, headers, _ = load.request("signup", "POST", "/accounts/signup/", form=form, action="signup")
        tries += 1
        if status == 302 and location(headers) == data["signed_up_path"]:
            load.ack("sign-up", email)
            email = None
        elif status is not None and status < 500 and status != 429:
            with load.lock:
                load.signup_form_errors += 1  # the form refused it: the check's fields are wrong
            email = None
        elif tries >= 3:
            email = None
        load.stop.wait(rng.uniform(0.7, 1.3) * interval)


# --- faults ----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    start: float
    outage_allows_503: bool = False  # a 503 in the outage window is the site's right answer
    touches_server: bool = False  # gunicorn's own processes are hit: connection errors expected
    injected: float = 0.0  # the fault is in place (e.g. Redis has stopped)
    restored: float = 0.0
    recovered: float | None = None
    end: float = 0.0

    @property
    def outage_end(self):
        return self.recovered if self.recovered is not None else self.restored + RECOVERY_LIMIT


def wait_recovered(port, since, page):
    """When the site is ready again: /readyz 200, then a page 200; None after RECOVERY_LIMIT."""
    while time.time() < since + RECOVERY_LIMIT:
        if (
            fetch(port, "GET", "/readyz", timeout=2)[0] == 200
            and fetch(port, "GET", page, timeout=5)[0] == 200
        ):
            return time.time()
        time.sleep(0.1)
    return None


class Faults:
    def __init__(self, profile, services, server, load, data):
        self.profile = profile
        self.postgres, self.redis, self.sink = services
        self.server = server
        self.load = load
        self.data = data

    def kill_worker(self):
        """SIGKILL to one of gunicorn's workers, as the kernel's OOM killer would."""
        for _ in range(10):
            try:
                os.kill(random.choice(worker_pids(self.server.pid)), signal.SIGKILL)  # noqa: S311 - any
                return
            except (IndexError, ProcessLookupError):  # none yet, or recycled (max_requests) meanwhile
                time.sleep(0.1)
        raise SystemExit("found no gunicorn worker to kill")

    def probe_fail_closed(self, until):
        """While Redis is down: an enrollment-code POST and a log-in POST every half second, which
        must be refused (503), so the check never rests on the load's chance timing."""
        _, cookie = self.data["students"][0]
        code = {"code": ENROLLMENT_CODE}
        login = {"login": "nobody@example.com", "password": "not-the-password"}
        while time.time() < until - 1:
            self.load.request(
                "probe", "POST", self.data["code_course"] + "enroll/", cookie, code, "code-enroll"
            )
            self.load.request("probe", "POST", "/accounts/login/", form=login, action="log-in")
            time.sleep(0.5)

    def run(self, name, inject, hold, restore, during=None, **flags):
        phase = Phase(name, time.time(), **flags)
        inject()
        phase.injected = time.time()
        if during is not None:
            threading.Thread(target=during, args=(phase.injected + hold,), daemon=True).start()
        time.sleep(hold)
        phase.restored = time.time()
        restore()
        phase.recovered = wait_recovered(self.load.port, phase.restored, self.data["course"])
        time.sleep(self.profile["settle"])
        return phase

    def all(self):
        profile = self.profile
        yield self.run("smtp-unreachable", self.sink.stop, profile["smtp"], self.sink.start)
        yield self.run(
            "redis-stop",
            self.redis.stop,
            profile["redis"],
            self.redis.start,
            during=self.probe_fail_closed,
            outage_allows_503=True,
        )
        yield self.run(
            f"postgres-stop-{profile['postgres']}s",
            self.postgres.stop,
            profile["postgres"],
            self.postgres.start,
            outage_allows_503=True,
        )
        yield self.run("worker-kill-9", self.kill_worker, 0, lambda: None, touches_server=True)
        yield self.run(
            "sighup-reload",
            lambda: os.kill(self.server.pid, signal.SIGHUP),
            0,
            lambda: None,
            touches_server=True,
        )


# --- the verdict -----------------------------------------------------------------------------


def database_state():
    """What the database holds at the end: the keys of acknowledged writes, and duplicates as
    [(kind, key, time of the newest row)]."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.db.models import Count, Max
    from django.db.models.functions import Lower

    from course.models import Enrollment, LessonCompletion
    from lessons.models import QuizAttempt

    connections.close_all()  # the one from before the faults is long gone
    User = get_user_model()
    present = {
        "enrollment": set(Enrollment.objects.values_list("user_id", "course_id")),
        "completion": set(LessonCompletion.objects.values_list("user_id", "lesson_id")),
        "quiz attempt": set(QuizAttempt.objects.values_list("pk", flat=True)),
        "sign-up": {email.lower() for email in User.objects.values_list("email", flat=True)},
    }
    duplicates = []
    for row in (
        Enrollment.objects.values("user_id", "course_id")
        .annotate(n=Count("id"), last=Max("enrolled_at"))
        .filter(n__gt=1)
    ):
        duplicates.append(("enrollment", (row["user_id"], row["course_id"]), row["last"].timestamp()))
    for row in (
        LessonCompletion.objects.values("user_id", "lesson_id")
        .annotate(n=Count("id"), last=Max("completed_at"))
        .filter(n__gt=1)
    ):
        duplicates.append(("completion", (row["user_id"], row["lesson_id"]), row["last"].timestamp()))
    for row in (
        User.objects.annotate(address=Lower("email"))
        .values("address")
        .annotate(n=Count("id"), last=Max("date_joined"))
        .filter(n__gt=1)
    ):
        duplicates.append(("sign-up", row["address"], row["last"].timestamp()))
    for row in (
        EmailAddress.objects.annotate(address=Lower("email"))
        .values("address")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ):
        duplicates.append(("sign-up email address", row["address"], None))
    connections.close_all()
    return present, duplicates


def phase_of(phases, moment):
    """The phase running at `moment` (a wall-clock time), or None for no time."""
    if moment is None:
        return None
    return next((phase for phase in reversed(phases) if moment >= phase.start), phases[0])


def clock(moment):
    return time.strftime("%H:%M:%S", time.localtime(moment)) + f".{int(moment % 1 * 1000):03d}"


def describe(sample, phase):
    answer = sample.status or sample.error
    if sample.status == 503 and not sample.retry_after:
        answer = "503 without Retry-After"
    return (
        f"    {sample.method} {sample.path} ({sample.client}, {sample.action}) at {clock(sample.start)} "
        f"(+{sample.start - phase.start:.2f}s, {sample.end - sample.start:.2f}s) -> {answer}"
    )


def worker_boots(folder):
    """When gunicorn started a worker (kill -9, SIGHUP, max_requests recycling), from its log."""
    boots = []
    for line in (folder / "gunicorn.log").read_text(errors="replace").splitlines():
        if "Booting worker with pid" in line:
            stamp = line[1 : line.index("]")]  # "2026-01-31 12:00:00 +0000"
            boots.append(datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S %z").timestamp())
    return boots


def judge(phases, load, present, duplicates, boots):
    """Prints one line per phase (failing requests, lost and duplicate writes under it); returns
    whether every phase passed and the duplicates no phase can be blamed for."""
    first_ack = {}
    for kind, key, moment in load.acks:
        first_ack.setdefault((kind, key), moment)
    lost = {phase.name: [] for phase in phases}
    for (kind, key), moment in first_ack.items():
        if (key.lower() if kind == "sign-up" else key) not in present[kind]:
            lost[phase_of(phases, moment).name].append((kind, key))
    doubled = {phase.name: [] for phase in phases}
    unattributed = []
    for kind, key, newest in duplicates:
        phase = phase_of(phases, first_ack.get((kind.replace(" email address", ""), key), newest))
        (doubled[phase.name] if phase is not None else unattributed).append((kind, key))

    # A 503 (with Retry-After) is the right answer for a request in flight during a database or
    # Redis outage, from the injection to the recovery, whichever phase it started in.
    outages = [(phase.start, phase.outage_end) for phase in phases if phase.outage_allows_503]

    def allowed_503(sample):
        return (
            sample.status == 503
            and sample.retry_after
            and any(sample.end >= start and sample.start <= end for start, end in outages)
        )

    passed = True
    for phase in phases:
        # A request belongs to the phase it ended in: one in flight when a fault came met that fault.
        samples = [s for s in load.samples if phase.start <= s.end < phase.end]
        errors = [s for s in samples if s.status is not None and s.status >= 500 and s.status != 503]
        allowed = [s for s in samples if allowed_503(s)]
        outside = [s for s in samples if s.status == 503 and not allowed_503(s)]
        refused = [s for s in samples if s.status is None]
        failures = errors + outside
        extra = ""
        unproven = False
        if phase.name == "redis-stop":
            # Requests wholly inside the outage: Redis was down from `injected` to `restored`.
            down = [s for s in samples if s.start >= phase.injected and s.end <= phase.restored]
            guarded = [s for s in down if s.action in FAIL_CLOSED and s.status is not None]
            not_refused = [s for s in guarded if s.status != 503]
            closed = [s for s in down if s.action not in FAIL_CLOSED and s.status == 503]
            failures += not_refused + closed
            unproven = not guarded
            extra = (
                f" fail-closed-posts-down={len(guarded)} not-refused={len(not_refused)}"
                f" 503-fail-open={len(closed)}"
            )
        if refused and not phase.touches_server:
            failures += refused
        kinds = "(" + ",".join(sorted({s.error for s in refused})) + ")" if refused else ""
        slowest = max((s.end - s.start for s in samples), default=0)
        # Workers that started in the phase (whole seconds in the log): a slow phase may owe to them.
        booted = sum(1 for moment in boots if int(phase.start) <= moment < phase.end)
        if phase.recovered is not None:
            recovered = f"{phase.recovered - phase.restored:.1f}s"
        else:
            recovered = f"never(>{RECOVERY_LIMIT}s)"
        bad = lost[phase.name] + doubled[phase.name]
        ok = not failures and not bad and phase.recovered is not None and not unproven
        passed = passed and ok
        print(
            f"fault={phase.name} requests={len(samples)} 5xx={len(errors)} 503-in-outage={len(allowed)} "
            f"503-outside={len(outside)} conn-errors={len(refused)}{kinds}{extra} "
            f"lost={len(lost[phase.name])} duplicates={len(doubled[phase.name])} "
            f"recovered-in={recovered} slowest={slowest:.1f}s worker-boots={booted} {'ok' if ok else 'FAIL'}",
            flush=True,
        )
        for sample in failures[:10]:
            print(describe(sample, phase))
        if len(failures) > 10:
            print(f"    ... and {len(failures) - 10} more")
        for kind, key in bad[:10]:
            print(f"    {'lost' if (kind, key) in lost[phase.name] else 'duplicate'} {kind} {key}")
    return passed, unattributed


def server_errors(folder, kinds_shown=10, traceback_lines=60):
    """A digest of gunicorn's error log for a failed run: each kind of error (the exception's last
    line) with its count and a few paths, then the first traceback."""
    blocks, block, ended = [], None, True
    for line in (folder / "gunicorn.log").read_text(errors="replace").splitlines():
        chained = line.startswith(("Traceback", "During handling", "The above exception"))
        if block is not None and (line.startswith((" ", "\t")) or chained or not line.strip()):
            block.append(line)
            ended = ended and not chained
            continue
        if block is not None and not ended:  # the exception's own line closes its traceback
            block.append(line)
            ended = True
            continue
        if line.startswith("Internal Server Error") or (line.startswith("[") and "[ERROR]" in line):
            block, ended = [line], line.startswith("[")  # gunicorn's errors take one line
            blocks.append(block)
        else:
            block = None
    kinds = {}
    for block in blocks:
        last = next((line for line in reversed(block) if line and not line.startswith((" ", "\t"))), "")
        kinds.setdefault(last[:200], []).append(block[0].removeprefix("Internal Server Error: "))
    ranked = sorted(kinds.items(), key=lambda item: -len(item[1]))
    digest = []
    for last, heads in ranked[:kinds_shown]:
        paths = sorted({head for head in heads if head.startswith("/")})
        digest.append(f"{len(heads)} x {last}" + (f" (e.g. {', '.join(paths[:3])})" if paths else ""))
    if blocks:
        shown = [line for line in blocks[0] if line.strip() and set(line.strip()) != {"^"}]
        digest += ["first one:", *shown[:traceback_lines]]
    return digest


def summary(load, unattributed, emails, began, phases_passed):
    """Prints what fails the run besides the phases, then the final line; whether all passed."""
    written = {kind: set() for kind in ("enrollment", "completion", "quiz attempt", "sign-up")}
    for kind, key, _ in load.acks:
        written[kind].add(key)
    silent = [kind for kind, keys in written.items() if not keys]
    problems = []
    if load.crashes:
        problems.append(f"clients crashed (a bug in this check): {load.crashes[:3]}")
    if load.leaks:
        problems.append(f"canary shown to visitors not enrolled {len(load.leaks)} times: {load.leaks[:3]}")
    if unattributed:
        problems.append(f"duplicates written at no known time: {unattributed[:5]}")
    if silent:
        problems.append(f"no {', '.join(silent)} was acknowledged: the run proves nothing about them")
    if load.signup_form_errors:
        problems.append(f"{load.signup_form_errors} sign-ups refused by the form (not 429, not 5xx)")
    for problem in problems:
        print(problem)
    rate_limited = sum(1 for s in load.samples if s.action == "signup" and s.status == 429)
    print(
        f"faults: {'all passed' if phases_passed and not problems else 'FAILED'}; "
        f"{len(load.samples)} requests; acknowledged "
        + ", ".join(f"{kind}s {len(keys)}" for kind, keys in written.items())
        + f"; sign-ups refused by allauth's rate limit {rate_limited}; emails received {emails}"
        + f"; canary leaks {len(load.leaks)}; {time.time() - began:.0f}s in all",
        flush=True,
    )
    return phases_passed and not problems


def write_samples(folder, samples, phases):
    """Every request and phase of the run, for a closer look (`--keep`)."""
    with open(folder / "phases.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["phase", "start", "injected", "restored", "recovered", "end"])
        for phase in phases:
            times = (phase.start, phase.injected, phase.restored, phase.recovered, phase.end)
            writer.writerow([phase.name, *(f"{t:.3f}" if t else "" for t in times)])
    with open(folder / "requests.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["start", "end", "client", "action", "method", "path", "status", "error", "retry_after"]
        )
        for s in samples:
            writer.writerow(
                [
                    f"{s.start:.3f}",
                    f"{s.end:.3f}",
                    s.client,
                    s.action,
                    s.method,
                    s.path,
                    s.status,
                    s.error,
                    s.retry_after,
                ]
            )


# --- main ------------------------------------------------------------------------------------


def interrupted(signum, frame):
    """SIGTERM (a CI timeout) cleans up as Ctrl-C does."""
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--short", action="store_true", help="the CI form: fewer clients, short phases")
    parser.add_argument("--clients", type=int, help="clients in all (default 24 short, 60 long)")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between a client's requests")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) afterwards")
    args = parser.parse_args()
    profile = dict(PROFILES["short" if args.short else "long"])
    clients = max(6, args.clients or profile["clients"])
    signers = max(1, round(clients * 0.05))
    visitors = max(2, round(clients * 0.60))
    students = clients - signers - visitors

    began = time.time()
    folder = Path(tempfile.mkdtemp(prefix="pinewood-faults-"))
    if os.geteuid() == 0:
        postgres_user = pwd.getpwnam("postgres")
        os.chown(folder, postgres_user.pw_uid, postgres_user.pw_gid)
    signal.signal(signal.SIGTERM, interrupted)
    postgres = Postgres(folder, free_port())
    redis = Redis(folder, free_port())
    sink = SmtpSink(free_port())
    server = None
    load = None
    pg_started = False
    passed = False
    phases = []
    try:
        print(f"Starting PostgreSQL, Redis and an SMTP sink of our own in {folder} ...", flush=True)
        postgres.init()
        postgres.start()
        pg_started = True
        redis.start()
        sink.start()
        with admin_connection(postgres.url()) as admin:
            admin.execute('CREATE DATABASE "pinewood"')
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": postgres.url("pinewood"),
            "CONN_MAX_AGE": "60",
            "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "BENCH_SMTP": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "TASKS_BACKEND": "immediate",
            "MEDIA_ROOT": str(folder / "media"),
            "WEB_CONCURRENCY": "2",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": "-",
        }
        os.environ.update({name: value for name, value in env.items() if name != "DATABASE_URL"})
        setup_django(env["DATABASE_URL"])
        print("Building data ...", flush=True)
        data = build_data(students * 8, visitors // 2)
        from django.db import connections

        connections.close_all()
        server = start_gunicorn_production(folder, env)
        # Not measured: each page once per worker thread or so, so the baseline is not a cold start.
        for path in data["visitor_paths"] * 2 + ["/readyz"] * 8:
            fetch(port, "GET", path, {"Cookie": data["students"][0][1]})
        load = Load(port, args.think)
        cookies = [cookie for _, cookie in data["visitors"]]
        cookies += [""] * (visitors - len(cookies))  # anonymous
        threads = [
            load.client(visitor, cookie, data["visitor_paths"], data["gated_paths"]) for cookie in cookies
        ]
        threads += [load.client(student, data["students"][n::students], data) for n in range(students)]
        interval = 60 * signers / SIGNUPS_PER_MINUTE
        threads += [load.client(signer, data, interval) for _ in range(signers)]
        print(
            f"{len(threads)} clients ({visitors} visitors, {students} students, {signers} sign-ups) after "
            f"{time.time() - began:.0f}s of set-up; baseline {profile['baseline']}s, then the faults ...",
            flush=True,
        )
        for thread in threads:
            thread.start()
        phases.append(Phase("none-baseline", time.time()))
        time.sleep(profile["baseline"])
        phases[0].restored = phases[0].recovered = time.time()
        faults = Faults(profile, (postgres, redis, sink), server, load, data)
        for phase in faults.all():
            phases[-1].end = phase.start
            phases.append(phase)
        phases[-1].end = time.time()
        load.stop.set()
        for thread in threads:
            thread.join(timeout=20)
        phases[-1].end = time.time()
        present, duplicates = database_state()
        passed, unattributed = judge(phases, load, present, duplicates, worker_boots(folder))
        passed = summary(load, unattributed, sink.messages, began, passed)
        if not passed:
            print("gunicorn's log, errors:\n  " + "\n  ".join(server_errors(folder)))
    finally:
        if load is not None:
            load.stop.set()
        if server is not None:
            kill_server(server)
        redis.stop()
        sink.stop()
        if pg_started:
            with contextlib.suppress(Exception):
                postgres.stop("immediate")
        if args.keep:
            if load is not None:
                write_samples(folder, load.samples, phases)
            print(f"Kept {folder} (logs, requests.csv, phases.csv)")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
