"""Lighthouse scores of the demo's pages, as a reviewer's browser would measure them.

Usage (from the project root): `make lighthouse`, which installs Lighthouse 12 from the npm
registry into bench/node_modules and runs

    .venv/bin/python -m bench.lighthouse [--pages catalogue,course,...]

It builds the demo (`load_demo`) in a throw-away SQLite database, serves it with gunicorn and
production settings over plain HTTP on 127.0.0.1 (bench/settings.py), and runs Lighthouse in
Debian's Chromium for every page at the mobile and the desktop preset. It prints one line per
page and preset (performance / accessibility / best practices / SEO) and every audit that cost
points. Exit status 1 when a public page scores below 100 in accessibility, best practices or
SEO, or below 90 in performance (the one score that moves with the machine's load).

The account pages and search are measured too, for what they show, but they are kept out of
search engines on purpose (robots.txt disallows /accounts/; search says noindex), so their SEO
score is not held to 100.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import free_port, start_gunicorn

PROJECT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = PROJECT / "bench" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COURSE = "/mesotherapy-lower-back-pain/"
PAGES = {
    "catalogue": "/",
    "course": COURSE,
    "module": COURSE + "causes/",
    "preview lesson": COURSE + "understanding-lower-back-pain/types-of-lower-back-pain/",
    "locked lesson": COURSE + "causes/muscle-strain-and-acute-injury/",
    "article index": "/articles/",
    "article": "/articles/mesotherapy-for-lower-back-pain/",
    "search": "/search/?q=pain",
    "log in": "/accounts/login/",
    "sign up": "/accounts/signup/",
}
NOT_INDEXED = {"search", "log in", "sign up"}  # noindex or disallowed by robots.txt, on purpose
MIN_PERFORMANCE = 90
# Lighthouse now and then fails to record a page load on a busy machine (NO_NAVSTART): try again.
ATTEMPTS = 3


class LighthouseError(Exception):
    pass


def build_demo(env):
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--allow-demo-passwords", "-v0"]):
        subprocess.run([*manage, *command], cwd=PROJECT, env=env, check=True)  # noqa: S603


def point_site_at(env, port):
    """The demo Site answers at the address Lighthouse opens, so canonical URLs match it."""
    code = (
        "from wagtail.models import Site; "
        f"Site.objects.filter(is_default_site=True).update(hostname='127.0.0.1', port={port})"
    )
    command = [sys.executable, "manage.py", "shell", "-v0", "-c", code]
    subprocess.run(command, cwd=PROJECT, env=env, check=True)  # noqa: S603


def lighthouse(url, preset, output):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={output}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    for _attempt in range(ATTEMPTS):
        run = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
        if run.returncode == 0:
            return json.loads(Path(output).read_text())
    raise LighthouseError(
        run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit {run.returncode}"
    )


def scores_and_losses(report):
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    losses = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                losses.append(f"{name}: {audit['id']} ({audit['title']})")
    return scores, losses


def falls_short(page, scores):
    if scores["performance"] < MIN_PERFORMANCE:
        return True
    held = ("accessibility", "best-practices") if page in NOT_INDEXED else CATEGORIES[1:]
    return any(scores[name] < 100 for name in held)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="comma-separated names from: " + ", ".join(PAGES)
    )
    args = parser.parse_args()
    pages = [name.strip() for name in args.pages.split(",")]
    unknown = [name for name in pages if name not in PAGES]
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse`.")

    with tempfile.TemporaryDirectory(prefix="pinewood-lighthouse-") as folder:
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
        }
        env.pop("REDIS_URL", None)
        build_demo(env)
        point_site_at(env, port)
        server = start_gunicorn(port, env)
        failures = []
        try:
            print(f"{'page':<16} {'preset':<8} perf/a11y/best/seo")
            for page in pages:
                for preset in ("mobile", "desktop"):
                    output = f"{folder}/{page.replace(' ', '-')}-{preset}.json"
                    try:
                        report = lighthouse(f"http://127.0.0.1:{port}{PAGES[page]}", preset, output)
                    except LighthouseError as error:
                        print(f"{page:<16} {preset:<8} no report: {error}", flush=True)
                        failures.append(f"{page} ({preset}): no report")
                        continue
                    scores, losses = scores_and_losses(report)
                    line = "/".join(str(scores[name]) for name in CATEGORIES)
                    print(f"{page:<16} {preset:<8} {line}", flush=True)
                    for loss in losses:
                        print(f"{'':<26}- {loss}")
                    if falls_short(page, scores):
                        failures.append(f"{page} ({preset}): {line}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    if failures:
        print("Below the bar:\n  " + "\n  ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
