"""Take the README's Tour screenshots (docs/tour/NN-<name>.jpg) from a running demo site.

The README's Tour walks a newcomer through the demo one role at a time; this script
opens the same pages as the same demo users, in the same order, so the pictures can be retaken
whenever the pages change. It drives Debian's Chromium through Playwright (never a downloaded
browser) and changes nothing but what a visitor does on the Tour: following one article's call
to action, which the marketer's dashboard then counts.

    make run    # in another terminal: migrate, load_demo, serve http://127.0.0.1:8000
    .venv/bin/python docs/tour/take_screenshots.py --base-url http://127.0.0.1:8000

`--width 390 --out SOMEWHERE` takes the same pictures at a phone's width, to look at them.
"""

import argparse
import os
import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
JPEG_QUALITY = 70

# The demo users `load_demo` creates (README, "Quick start"): local development only.
STUDENT = ("student@example.com", "pinewood-student")  # noqa: S105
COURSE_ADMIN = ("courseadmin", "pinewood-courseadmin")  # noqa: S105
MARKETER = ("marketer", "pinewood-marketer")  # noqa: S105

COURSE = "/mesotherapy-lower-back-pain/"
PREVIEW_LESSON = COURSE + "understanding-lower-back-pain/types-of-lower-back-pain/"
QUIZ_LESSON = COURSE + "understanding-lower-back-pain/symptoms-and-radiation/"
ARTICLE = "/articles/mesotherapy-for-lower-back-pain/"
# A cohort student part-way through the course, with quiz attempts (lms_site/demo/cohort.py).
LEARNER = "Petra"

# Lazy images below the fold would be blank in the picture: load them all first.
LOAD_ALL_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach((image) => { image.loading = "eager"; });
    await Promise.all(images.filter((image) => !image.complete).map((image) => new Promise((done) => {
        image.addEventListener("load", done);
        image.addEventListener("error", done);
    })));
}"""


class Tour:
    def __init__(self, browser, base_url, out, viewport):
        self.browser, self.base_url, self.out, self.viewport = browser, base_url, out, viewport
        self.number = 0
        self.saved = []
        self.context = self.page = None

    def as_user(self, log_in=None, credentials=None):
        """A fresh browser session, logged in with `log_in(page, *credentials)` if given."""
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(base_url=self.base_url, viewport=self.viewport)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        if log_in is not None:
            log_in(self.page, *credentials)
        return self.page

    def open(self, path):
        response = self.page.goto(path)
        if response is None or response.status != 200:
            raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
        return self.page

    def shoot(self, name, path=None, scroll_to=None, down_to=None):
        """Save the current page (or `path`) as the next NN-<name>.jpg: the window, scrolled to
        show `scroll_to` if given, or the page from its top down to the end of `down_to`."""
        page = self.open(path) if path else self.page
        expect(page.locator("h1").first).to_be_attached()
        page.evaluate(LOAD_ALL_IMAGES)
        options = {}
        if scroll_to is not None:
            scroll_to.scroll_into_view_if_needed()
        if down_to is not None:
            page.evaluate("window.scrollTo(0, 0)")
            box = down_to.bounding_box()
            height = box["y"] + box["height"] + 32
            options = {
                "full_page": True,
                "clip": {"x": 0, "y": 0, "width": self.viewport["width"], "height": height},
            }
        self.number += 1
        target = self.out / f"{self.number:02d}-{name}.jpg"
        page.screenshot(path=str(target), type="jpeg", quality=JPEG_QUALITY, **options)
        self.saved.append(target)
        print(f"{target.name}  {target.stat().st_size // 1024} KB  {page.url}")

    def close(self):
        if self.context is not None:
            self.context.close()


def site_log_in(page, email, password):
    """The site's own log-in page (django-allauth) takes the email address."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_be_attached()


def admin_log_in(page, username, password):
    """Wagtail's admin log-in form takes the username (the part of the email before the @)."""
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/admin/login/"))


def visitor(tour):
    tour.as_user()
    tour.shoot("catalogue", "/")
    tour.shoot("course", COURSE)
    tour.shoot("preview-lesson", PREVIEW_LESSON)
    page = tour.open(ARTICLE)
    tour.shoot("article", down_to=page.locator(".teaser").first)
    # Follow the article's closing call to action, as a reader would: the click is counted on
    # the marketer's dashboard (README, "Marketer role").
    page.locator(".cta--closing").get_by_role("link", name="View the syllabus").click()
    page.wait_for_load_state()


def student(tour):
    tour.as_user(site_log_in, STUDENT)
    tour.shoot("my-learning", "/learn/")
    page = tour.open(QUIZ_LESSON)
    tour.shoot("quiz-lesson", scroll_to=page.locator(".quiz").first)


def course_admin(tour):
    page = tour.as_user(admin_log_in, COURSE_ADMIN)
    tour.shoot("admin-dashboard", "/admin/")
    # Enrollments, filtered to one course: the gradebook downloads appear above the list.
    page = tour.open("/admin/enrollments/")
    course_option = page.locator("select[name=course] option", has_text="Mesotherapy").first
    course_id = course_option.get_attribute("value")
    tour.shoot("enrollments-gradebook", f"/admin/enrollments/?course={course_id}")
    page = tour.open("/admin/reports/courses/")
    page.get_by_role("link", name="Mesotherapy for the Treatment of Lower Back Pain").click()
    tour.shoot("course-report")
    page = tour.open(f"/admin/enrollments/?course={course_id}&q={LEARNER}")
    # The row's Progress ("7/10 · <date>") opens the enrollment's inspect view.
    page.locator("table.listing tbody tr").first.locator("a[href*='/inspect/']").click()
    page.get_by_role("link", name="Learner record").first.click()
    tour.shoot("learner-record")
    tour.shoot("invitations", "/admin/invitations/")


def marketer(tour):
    tour.as_user(admin_log_in, MARKETER)
    tour.shoot("marketer-dashboard", "/admin/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the running demo site")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the pictures (default: docs/tour)")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("[0-9][0-9]-*.jpg"):
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tour = Tour(browser, args.base_url, args.out, {"width": args.width, "height": args.height})
        try:
            for role in (visitor, student, course_admin, marketer):
                role(tour)
        finally:
            tour.close()
            browser.close()
    total = sum(path.stat().st_size for path in tour.saved)
    print(f"{len(tour.saved)} pictures, {total // 1024} KB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
