"""The plugin in the minimal host (tests/plugin/minimal_settings.py): pages served in the host's
bare layout and styled, gated text kept from anonymous and not-enrolled visitors through every
channel (tests/plugin/channels.py), open to the enrolled student, `check` clean."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import run_checks
from django.test import Client
from django.urls import resolve
from wagtail.models import Site

from course.models import Enrollment
from tests.factories import body_of, make_user
from tests.plugin import channels
from tests.plugin.host_data import build_course_site, markers

pytestmark = pytest.mark.django_db

DEMO_ONLY_APPS = ("allauth", "allauth.account", "csp", "whitenoise", "django_tasks_db", "lms_site")
DEMO_ONLY_MODULES = ("allauth", "csp", "whitenoise", "django_tasks_db", "lms_site")


@pytest.fixture
def course_site():
    home = Site.objects.get(is_default_site=True).root_page  # Wagtail's own first page
    fields, course = build_course_site(home, markers("zqminimalhost"))
    outsider = make_user("outsider")
    student = make_user("student")
    Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)
    return channels.CourseSite(**fields), {"anonymous": None, "outsider": outsider, "student": student}


def getter(user):
    client = Client()
    if user is not None:
        client.force_login(user)

    def get(path):
        response = client.get(path)
        headers = {name.lower(): value for name, value in response.headers.items()}
        return channels.Response(response.status_code, headers, body_of(response))

    return get


def test_the_host_has_nothing_of_the_demo():
    for app in DEMO_ONLY_APPS:
        assert app not in settings.INSTALLED_APPS
    assert not any(entry.startswith(DEMO_ONLY_MODULES) for entry in settings.MIDDLEWARE)
    here = Path(__file__).resolve().parent
    assert [str(folder) for folder in settings.TEMPLATES[0]["DIRS"]] == [str(here / "templates")]
    assert not settings.is_overridden("TASKS")  # the default backend: immediate
    assert run_checks() == []


@pytest.mark.parametrize("persona", ["anonymous", "outsider"])
def test_no_gated_text_without_access(course_site, persona):
    site, users = course_site
    checked = channels.check_without_access(getter(users[persona]), site, persona)
    assert len(checked) == 6


def test_pages_sit_in_the_host_layout_and_are_styled(course_site):
    site, _ = course_site
    html = body_of(Client().get(site.course_url))
    assert html.lstrip().startswith("<html><body>")  # tests/plugin/templates/base.html
    assert html.rstrip().endswith("</body></html>")
    href = channels.STYLESHEET_HREF.search(html).group(1)
    assert href == f"{settings.STATIC_URL}{channels.STYLESHEET}"
    assert finders.find(channels.STYLESHEET), "the plugin ships its stylesheet"


def test_anonymous_visitors_are_sent_to_the_hosts_login(course_site):
    assert channels.check_login_redirect(getter(None), settings.LOGIN_URL)


def test_enrolled_student_reads_everything(course_site):
    site, users = course_site
    assert channels.check_with_access(getter(users["student"]), site)


def test_plugin_urls_are_the_plugins_views():
    for path in ("/search/", "/documents/1/file.pdf", "/api/v2/pages/", "/learn/", "/certificates/x/"):
        assert resolve(path).func is resolve(path, urlconf="course.urls").func, path


def test_no_demo_module_was_imported():
    """Run last in this file: nothing the host pages rendered above pulled in the demo's libraries."""
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in DEMO_ONLY_MODULES)
    assert loaded == []
