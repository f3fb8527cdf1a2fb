"""Course content for a host test: a catalogue under the site's home page, one course, one module,
a free-preview lesson (open text + a gated section) and a members-only lesson.

Imports only Django, Wagtail and the plugin, so tests/plugin/check_wheel_host.py can run this
file inside a `wagtail start` site that installed the wheel:

    DJANGO_SETTINGS_MODULE=<host>.settings.dev python host_data.py MARKER_PREFIX

There it also creates the users (printed as JSON with the pages) and reports which views answer
the plugin's URLs. tests/plugin/test_minimal_host.py calls `build_course_site` directly.
"""

import json
import secrets
import sys


def markers(prefix):
    """Unique words: one open, three that must stay behind the gate."""
    return {
        "public": f"{prefix}open",
        "gated": f"{prefix}gated",
        "gated_word": f"{prefix}neighbour",
        "body": f"{prefix}body",
    }


def build_course_site(home, words):
    """Build the pages under `home`; returns the fields of `tests.plugin.channels.CourseSite`."""
    from course.models import CourseIndexPage, CoursePage, ModulePage  # noqa: PLC0415 - after setup
    from lessons.models import LessonPage  # noqa: PLC0415 - after setup

    def publish(parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    catalogue = publish(home, CourseIndexPage(title="Courses", slug="courses", intro="Our courses."))
    course = publish(
        catalogue,
        CoursePage(title="Posture basics", slug="posture-basics", summary="A short course on posture."),
    )
    module = publish(course, ModulePage(title="Getting started", slug="getting-started", intro="Begin."))
    preview = publish(
        module,
        LessonPage(
            title="Why posture matters",
            slug="why-posture-matters",
            summary="What good posture does for the lower back.",
            is_preview=True,
            estimated_minutes=5,
            body=[
                ("paragraph", f"<p>Open to everyone: {words['public']} about sitting.</p>"),
                (
                    "gated_section",
                    {
                        "title": "For enrolled students",
                        "teaser": "Enroll to read the exercises.",
                        "content": [("paragraph", f"<p>{words['gated']} {words['gated_word']} drills</p>")],
                    },
                ),
            ],
        ),
    )
    members = publish(
        module,
        LessonPage(
            title="Daily exercises",
            slug="daily-exercises",
            summary="Five exercises for every day.",
            estimated_minutes=10,
            body=[("paragraph", f"<p>Members only: {words['body']} routine.</p>")],
        ),
    )
    return {
        "course_url": course.url,
        "course_title": course.title,
        "preview_url": preview.url,
        "preview_id": preview.pk,
        "preview_title": preview.title,
        "preview_summary": preview.summary,
        "members_url": members.url,
        "members_id": members.pk,
        "members_title": members.title,
        "members_summary": members.summary,
        **words,
    }, course


def main(prefix):
    import django  # noqa: PLC0415 - a script run inside the host

    django.setup()
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.urls import resolve  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from course.models import Enrollment  # noqa: PLC0415

    home = Site.objects.get(is_default_site=True).root_page
    site, course = build_course_site(home, markers(prefix))
    users = {}
    for username in ("outsider", "student"):
        password = secrets.token_urlsafe(16)
        get_user_model().objects.create_user(username, f"{username}@example.com", password)
        users[username] = password
    student = get_user_model().objects.get(username="student")
    Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)
    # Whether the host answers each plugin URL with the plugin's own view: a `search/` or
    # `documents/` route of the host's own, listed first, would shadow the gated ones.
    plugin_views = {
        path: resolve(path).func is resolve(path, urlconf="course.urls").func
        for path in ("/search/", "/documents/1/file.pdf", "/api/v2/pages/", "/learn/", "/certificates/x/")
    }
    import course as plugin  # noqa: PLC0415

    output = {"site": site, "users": users, "plugin_views": plugin_views, "course_module": plugin.__file__}
    print(json.dumps(output))


if __name__ == "__main__":
    main(sys.argv[1])
