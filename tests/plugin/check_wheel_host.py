"""The wheel in a brand-new Wagtail site, set up by the README's steps alone, checked over HTTP.

    .venv/bin/python -m tests.plugin.check_wheel_host [--keep]

1. builds the sdist and wheel (tests/plugin/dist.py) and installs the wheel into a new virtual
   environment in a temporary folder (its dependencies come from the package index);
2. runs `wagtail start`, then applies the README blocks marked `<!-- host-install: ... -->`
   exactly: `settings` appended to the generated settings/base.py, `urls` appended to urls.py,
   `commands` run line by line (migrate, setup_roles);
3. adds what the README leaves to the host, marked as such: a log-in page (Django's
   `django.contrib.auth.urls` at LOGIN_URL, with a `registration/login.html`). Logging in through
   /admin/login/ would not do: Wagtail's admin log-in refuses users without admin access;
4. `manage.py check` must report no issues at all;
5. tests/plugin/host_data.py builds a catalogue, course, module and two lessons under the
   generated home page (one free preview with a gated section) plus a not-enrolled and an
   enrolled user;
6. serves the site with `manage.py runserver --noreload` on a free loopback port and runs the
   canary battery of tests/plugin/channels.py over HTTP for anonymous, not-enrolled and
   enrolled visitors, plus stylesheet, cache-header and control-character checks.

Prints each check; exits non-zero on the first failure (the temporary folder is then kept).
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.plugin import channels
from tests.plugin.dist import REPO, build

PROJECT = "pwhost"
README_BLOCK = re.compile(r"<!-- host-install: ([\w-]+) -->\s*```(\w+)\n(.*?)```", re.DOTALL)
DEMO_ONLY_MODULES = ("allauth", "csp", "whitenoise", "django_tasks_db", "storages", "lms_site")
LOGIN_TEMPLATE = """{% extends "base.html" %}
{% block content %}
<form method="post">{% csrf_token %}{{ form.as_p }}<button type="submit">Log in</button></form>
{% endblock %}
"""
HOST_LOGIN_URLS = """

# The host's own log-in page (not a Pinewood step: the README leaves LOGIN_URL to the host).
urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))] + urlpatterns
"""


class Report:
    def __init__(self):
        self.started = time.monotonic()
        self.passed = 0

    def ok(self, what):
        self.passed += 1
        print(f"  ok  {what}", flush=True)

    def step(self, what):
        print(f"[{time.monotonic() - self.started:5.1f}s] {what}", flush=True)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def readme_blocks():
    blocks = {}
    for name, language, code in README_BLOCK.findall((REPO / "README.md").read_text()):
        assert name not in blocks, f"README: two blocks marked host-install: {name}"
        blocks[name] = (language, code)
    assert set(blocks) == {"settings", "urls", "commands"}, f"README host-install blocks: {sorted(blocks)}"
    assert blocks["settings"][0] == blocks["urls"][0] == "python" and blocks["commands"][0] == "sh"
    return blocks


def clean_env():
    """This process's environment without anything that points Python or Django at the repository."""
    return {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A visitor with cookies; `get` returns a channels.Response and never follows redirects."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - our loopback server
        try:
            with self.opener.open(request, timeout=60) as response:
                status, headers, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, content = error.code, error.headers, error.read()
        return channels.Response(
            status, {k.lower(): v for k, v in headers.items()}, content.decode("utf-8", "replace")
        )

    def get(self, path):
        return self.request(path)

    def log_in(self, username, password):
        form = self.get("/accounts/login/")
        assert form.status == 200, f"GET /accounts/login/ answered {form.status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        response = self.request("/accounts/login/", data)
        assert response.status == 302, f"log-in as {username} answered {response.status}"
        assert any(cookie.name == "sessionid" for cookie in self.cookies), "no session cookie after log-in"


def wait_until_serving(base, server, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"runserver exited {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5):  # noqa: S310 - our loopback server
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"runserver did not answer within {seconds} s:\n{log.read_text()}")


def check(work, report):
    report.step("build the sdist and the wheel")
    _, wheel = build(work)
    report.ok(f"built {wheel.name}")

    report.step("install the wheel into a new virtual environment")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
    versions = json.loads(run([str(python), "-m", "pip", "list", "--format=json"]).stdout)
    versions = {item["name"].lower(): item["version"] for item in versions}
    names = ("pinewood-lms", "wagtail", "django", "pillow", "reportlab", "django-tasks")
    report.ok("installed " + ", ".join(f"{name} {versions[name]}" for name in names))
    find_demo = f"import importlib.util as u; print([m for m in {DEMO_ONLY_MODULES!r} if u.find_spec(m)])"
    # Run outside the repository, whose lms_site/ would be found.
    present = run([str(python), "-c", find_demo], cwd=work, env=clean_env()).stdout.strip()
    assert present == "[]", f"the demo's libraries are in the host environment: {present}"
    report.ok(f"none of the demo's libraries is installed ({', '.join(DEMO_ONLY_MODULES)})")

    report.step("wagtail start, then the README's host-install steps")
    host = work / "host"
    host.mkdir()
    run([str(venv / "bin" / "wagtail"), "start", PROJECT, str(host)])
    blocks = readme_blocks()
    settings_file = host / PROJECT / "settings" / "base.py"
    settings_file.write_text(settings_file.read_text() + "\n\n" + blocks["settings"][1])
    urls_file = host / PROJECT / "urls.py"
    urls_file.write_text(urls_file.read_text() + "\n\n" + blocks["urls"][1] + HOST_LOGIN_URLS)
    login_template = host / PROJECT / "templates" / "registration" / "login.html"
    login_template.parent.mkdir(parents=True)
    login_template.write_text(LOGIN_TEMPLATE)
    report.ok("README settings appended to settings/base.py, README urls appended to urls.py")
    report.ok("host's own log-in added: django.contrib.auth.urls at /accounts/login/ (not a README step)")

    env = clean_env() | {"DJANGO_SETTINGS_MODULE": f"{PROJECT}.settings.dev", "PYTHONPATH": str(host)}
    for line in blocks["commands"][1].splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        assert words[:2] == ["python", "manage.py"], f"README command not run by this check: {line}"
        run([str(python), "manage.py", *words[2:]], cwd=host, env=env)
        report.ok(f"ran `{line}`")

    result = run([str(python), "manage.py", "check"], cwd=host, env=env)
    output = (result.stdout + result.stderr).strip()
    assert output == "System check identified no issues (0 silenced).", output
    report.ok("manage.py check: no errors, no warnings")

    report.step("build a course under the generated home page")
    shutil.copy(Path(__file__).with_name("host_data.py"), work / "host_data.py")
    prefix = f"zqwheel{os.getpid()}x"
    result = run([str(python), str(work / "host_data.py"), prefix], cwd=host, env=env)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    course_module = Path(data["course_module"])
    assert course_module.is_relative_to(venv), f"the host imports the plugin from {course_module}"
    report.ok("the host imports the plugin from the wheel installed in its virtual environment")
    assert all(data["plugin_views"].values()), f"host views shadow the plugin's: {data['plugin_views']}"
    report.ok(f"the plugin's views answer {', '.join(data['plugin_views'])}")
    site = channels.CourseSite(**data["site"])
    users = data["users"]

    report.step("serve it: manage.py runserver --noreload")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = work / "runserver.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(  # noqa: S603
            [str(python), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=host,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(base, server, log)
        report.ok(f"serving on {base}")
        http_checks(base, site, users, report)
    except BaseException:
        print(f"--- runserver log (last lines) ---\n{log.read_text()[-4000:]}", file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=30)


def http_checks(base, site, users, report):
    anonymous = Browser(base)
    for line in channels.check_login_redirect(anonymous.get, "/accounts/login/"):
        report.ok(f"anonymous: {line}")
    for line in channels.check_without_access(anonymous.get, site, "anonymous"):
        report.ok(f"anonymous: {line}")

    href = channels.STYLESHEET_HREF.search(anonymous.get(site.course_url).text).group(1)
    stylesheet = anonymous.get(href)
    assert stylesheet.status == 200 and stylesheet.headers.get("content-type", "").startswith("text/css")
    assert len(stylesheet.text) > 100, "the stylesheet is empty"
    report.ok(f"the course stylesheet {href} is served (text/css, {len(stylesheet.text)} characters)")

    refused = anonymous.get("/search/?q=%00")
    assert refused.status == 400, f"a NUL in the query answered {refused.status}"
    report.ok("a control character in the query string gets 400 (RejectControlCharactersMiddleware)")

    outsider = Browser(base)
    outsider.log_in("outsider", users["outsider"])
    report.ok("outsider logged in through the host's /accounts/login/")
    for line in channels.check_without_access(outsider.get, site, "outsider"):
        report.ok(f"not enrolled: {line}")
    cache_control = outsider.get(site.course_url).headers.get("cache-control", "")
    assert "private" in cache_control and "no-store" in cache_control, cache_control
    report.ok(f"pages for a logged-in user carry Cache-Control: {cache_control}")

    student = Browser(base)
    student.log_in("student", users["student"])
    for line in channels.check_with_access(student.get, site, "enrolled"):
        report.ok(f"enrolled: {line}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="pinewood-wheel-host-"))
    failed = True
    try:
        check(work, report)
        failed = False
    except AssertionError as error:
        print(f"FAIL {error}", file=sys.stderr)
    finally:
        elapsed = time.monotonic() - report.started
        print(f"wheel host: {report.passed} passed, {int(failed)} failed in {elapsed:.0f} s")
        if failed or args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
