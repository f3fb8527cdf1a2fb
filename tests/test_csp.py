"""Content-Security-Policy: the public site runs only nonce-carrying scripts and no inline code or
styles; the Wagtail admin gets its own, looser but still real policy; production allows the media
bucket's origin for images."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client

from tests.factories import client_for, enroll_as, make_article, make_index, make_user
from tests.processes import run_with_production_settings

pytestmark = pytest.mark.django_db

EMBED_ORIGINS = ("https://www.youtube.com", "https://player.vimeo.com")


def policy_of(response):
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(policy):
    nonces = [source[len("'nonce-") : -1] for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) <= 1
    return nonces[0] if nonces else None


class Markup(HTMLParser):
    """Every <script>'s attributes, every on* handler, style attribute and javascript: URL."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.styles, self.script_urls = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        for name, value in attrs:
            if re.fullmatch(r"on\w+", name):
                self.handlers.append(f"<{tag} {name}>")
            if name == "style":
                self.styles.append(f"<{tag} style={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.script_urls.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def assert_public_policy(response, expect_script=False):
    """The strict public policy, and HTML that lives within it."""
    assert response.status_code in (200, 403), response.status_code
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert not [source for source in policy["script-src"] if source.startswith("'unsafe-")]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert set(EMBED_ORIGINS) <= set(policy["frame-src"])
    assert {"'self'", "data:"} <= set(policy["img-src"])

    markup = Markup()
    markup.feed(response.content.decode())
    nonce = nonce_of(policy)
    if expect_script:
        assert markup.scripts and nonce
    for script in markup.scripts:
        assert nonce and script.get("nonce") == nonce, script
    assert markup.handlers == []
    assert markup.styles == []
    assert markup.script_urls == []
    return markup


@pytest.fixture
def article(catalogue, gated_course):
    index = make_index(catalogue)
    return make_article(index, "Posture and pain", promoted_course=gated_course, author="Ann Author")


def public_pages(gated_course, article):
    preview, members, _ = gated_course.lessons
    return {
        "catalogue": "/",
        "course": gated_course.url,
        "module": preview.get_parent().url,
        "preview lesson": preview.url,
        "locked lesson": members.url,
        "article index": article.get_parent().url,
        "article": article.url,
        "search": "/search/?q=lesson",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }


def test_public_pages_for_a_visitor(gated_course, article):
    client = Client()
    for name, url in public_pages(gated_course, article).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_public_policy(response, expect_script=True)  # the header menu, and JSON-LD


def test_pages_for_an_enrolled_student(gated_course, article):
    student = make_user("ana")
    enroll_as(student, gated_course)
    client = client_for(student)
    preview, members, _ = gated_course.lessons
    client.post(preview.url + "complete/")
    pages = public_pages(gated_course, article)
    del pages["login"], pages["signup"]  # they redirect a signed-in user
    for url in (*pages.values(), "/learn/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_public_policy(response, expect_script=True)  # the header menu at least
    # The progress bars are drawn without style attributes.
    html = client.get("/learn/").content.decode()
    assert 'aria-valuenow="33"' in html and '<rect width="33%"' in html
    assert "zqbodycanary" in client.get(members.url).content.decode()  # the student reads it


def test_each_response_has_its_own_nonce_and_the_json_ld_carries_it(gated_course):
    first, second = Client().get(gated_course.url), Client().get(gated_course.url)
    nonces = nonce_of(policy_of(first)), nonce_of(policy_of(second))
    assert all(nonces) and nonces[0] != nonces[1]
    assert f'<script type="application/ld+json" nonce="{nonces[0]}">' in first.content.decode()


def test_refusal_and_error_pages_have_no_inline_code(gated_course):
    outsider = client_for(make_user("outsider"))
    refused = outsider.post(gated_course.lessons[1].url + "complete/")
    assert refused.status_code == 403
    assert_public_policy(refused)
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404 and policy_of(not_found)["script-src"][0] == "'self'"
    markup = Markup()
    markup.feed(render_to_string("500.html"))
    assert (markup.scripts, markup.handlers, markup.styles) == ([], [], [])


@pytest.fixture
def admin_client(gated_course):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-123-long-enough")
    return client_for(admin)


def test_admin_pages_answer_with_the_admin_policy(admin_client, gated_course):
    lesson = gated_course.lessons[1]
    for url in (
        "/admin/",
        f"/admin/pages/{gated_course.pk}/",
        f"/admin/pages/{lesson.pk}/edit/",
        "/admin/images/",
        "/admin/enrollments/",
        "/admin/reports/courses/",
        f"/admin/reports/courses/{gated_course.pk}/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        policy = policy_of(response)
        # Wagtail's own inline scripts need 'unsafe-inline', which a nonce would switch off.
        assert policy["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert nonce_of(policy) is None
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'self'"]
        assert {"'self'", "data:", "blob:"} <= set(policy["img-src"])
        # Avatars come from this site: the policy would block Gravatar's (a broken image).
        assert "gravatar.com" not in response.text, url


def test_an_editor_sees_the_user_bar_under_the_public_policy(admin_client, gated_course):
    response = admin_client.get(gated_course.lessons[0].url)
    markup = assert_public_policy_allowing_static_scripts(response)
    assert any("userbar" in script.get("src", "") for script in markup.scripts)


def assert_public_policy_allowing_static_scripts(response):
    """The user bar's scripts come from the site's static files ('self'); inline ones carry the nonce."""
    policy = policy_of(response)
    assert not [source for source in policy["script-src"] if source.startswith("'unsafe-")]
    markup = Markup()
    markup.feed(response.content.decode())
    nonce = nonce_of(policy)
    for script in markup.scripts:
        executable = script.get("type", "text/javascript") in {"text/javascript", "module"}
        if script.get("src") is None and executable:
            assert nonce and script.get("nonce") == nonce, script
    assert markup.handlers == [] and markup.script_urls == []
    return markup


SHOW_IMG_SRC = (
    "from django.conf import settings; import json; "
    "print(json.dumps([settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
    "settings.CONTENT_SECURITY_POLICY_ADMIN['DIRECTIVES']['img-src']]))"
)


def production_img_src(**env):
    result = run_with_production_settings("shell", "-c", SHOW_IMG_SRC, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_allows_images_from_the_media_bucket():
    public, admin = production_img_src()
    assert public == ["'self'", "data:"]
    public, admin = production_img_src(
        AWS_STORAGE_BUCKET_NAME="pinewood-media", AWS_S3_ENDPOINT_URL="https://s3.example.com/"
    )
    assert public[-1] == admin[-1] == "https://s3.example.com"
    public, _ = production_img_src(AWS_STORAGE_BUCKET_NAME="pinewood-media", AWS_S3_REGION_NAME="eu-west-1")
    assert "https://pinewood-media.s3.amazonaws.com" in public
    assert "https://pinewood-media.s3.eu-west-1.amazonaws.com" in public
