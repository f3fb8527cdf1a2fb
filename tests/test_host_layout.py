"""Plugin pages inside any host: the host's base template, plain Django auth, the plugin's own styles."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_TEMPLATE_DIRS = (ROOT / "course" / "templates", ROOT / "lessons" / "templates")
BARE_HOST = "<html><head><title>{% block title %}{% endblock %}</title></head><body>{% block content %}{% endblock %}</body></html>"  # noqa: E501
STYLESHEET = '<link rel="stylesheet" href="/static/course/css/course.css">'


def plugin_templates(admin=True):
    for folder in PLUGIN_TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt"} and (admin or "admin" not in path.parts):
                yield path


def plugin_part(html):
    """What the plugin rendered of a page in the demo host: its wrapper, without the host's chrome."""
    return html.split('<div class="pinewood-course">', 1)[1].split('<footer class="site-footer">', 1)[0]


def with_bare_host(django_settings):
    """TEMPLATES that also offer `bare_host.html`, a host base template with nothing but the two blocks."""
    engine = settings.TEMPLATES[0]
    options = {key: value for key, value in engine["OPTIONS"].items() if key != "loaders"}
    options["loaders"] = [
        ("django.template.loaders.locmem.Loader", {"bare_host.html": BARE_HOST}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    django_settings.TEMPLATES = [{**engine, "APP_DIRS": False, "OPTIONS": options}]
    django_settings.PINEWOOD_BASE_TEMPLATE = "bare_host.html"


@pytest.fixture
def course(catalogue):
    return make_course(catalogue, "Hosted course", modules=1, lessons=2)


def test_every_plugin_page_template_extends_the_plugin_base():
    for path in plugin_templates(admin=False):  # admin templates extend Wagtail's admin ones
        if "emails" in path.parts:
            continue  # emails extend their own email layout (emails/reminder_base.html), not a page
        text = path.read_text(encoding="utf-8")
        if "{% extends" in text and path.name != "base.html":
            assert text.startswith('{% extends "course/base.html" %}'), path
            assert "{% block content %}" not in text, path  # pages fill {% block course_content %}


def test_plugin_templates_use_no_allauth_url_names():
    for path in plugin_templates():
        assert "account_" not in path.read_text(encoding="utf-8"), path


def test_demo_host_pages_load_the_plugin_stylesheet_inside_the_wrapper(course):
    html = Client().get(course[0].url).content.decode()
    assert html.count(STYLESHEET) == 1
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html  # the demo host's chrome
    wrapper = html.index('<div class="pinewood-course">')
    assert html.index(STYLESHEET) < wrapper < html.index('<p class="lead">Hosted course summary</p>')


def test_a_host_with_only_a_content_block_gets_styled_plugin_pages(course, settings):
    with_bare_host(settings)
    student = make_user("ana")
    enroll_as(student, course[0])
    client = client_for(student)
    for url in (course[0].url, course[1][0].url, "/learn/", "/search/?q=lesson", "/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert html.startswith("<html><head><title>"), url
        assert STYLESHEET in html and '<div class="pinewood-course">' in html, url
        assert "site.css" not in html and "site-header" not in html, url  # nothing of the demo host
    assert re.search(r"<title>My learning · Academy</title>", client.get("/learn/").content.decode())


def test_sign_up_links_only_when_the_host_names_a_sign_up_page(course, settings):
    course_page, lessons = course
    locked = lessons[1]
    settings.PINEWOOD_SIGNUP_URL = "account_signup"  # the demo's setting: a URL name
    for url in (course_page.url, locked.url):
        html = Client().get(url).content.decode()
        assert 'href="/accounts/signup/?next=' in html, url
        assert 'href="/accounts/login/?next=' in html, url
    settings.PINEWOOD_SIGNUP_URL = None
    settings.LOGIN_URL = "/sign-in/"  # plain Django auth: any path or URL name
    for url in (course_page.url, locked.url):
        html = plugin_part(Client().get(url).content.decode())  # the demo's header keeps allauth's links
        assert "signup" not in html and "Sign up" not in html, url
        assert 'href="/sign-in/?next=' in html, url


def test_redirects_to_log_in_follow_login_url(course, settings):
    settings.LOGIN_URL = "/sign-in/"
    course_page, lessons = course
    response = Client().post(course_page.url + "enroll/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
    response = Client().post(lessons[0].url + "complete/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_a_refused_download_renders_the_plugin_template(gated_document):
    response = client_for(make_user("eve")).get(gated_document.url)
    assert response.status_code == 403
    assert [template.name for template in response.templates][0] == "course/access_refused.html"
    assert "403.html" not in [template.name for template in response.templates]
    assert '<div class="pinewood-course">' in response.content.decode()
