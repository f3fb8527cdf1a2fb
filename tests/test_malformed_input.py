"""Control characters in the path, query, cookies or form fields answer 400, never 500."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import body_of, make_course

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
FORM = "application/x-www-form-urlencoded"

REJECTED_URLS = [
    "/certificates/%00/",
    "/search/?q=%00",
    "/api/v2/pages/?search=%00",
    "/api/v2/pages/?locale=%00",
    "/api/v2/pages/?site=%00",
    "/api/v2/pages/find/?html_path=%00",
    "/api/v2/pages/find/?html_path=/back-pain/%00/",
    "/certificates/abc%01def/",  # other C0 controls and DEL too
    "/search/?q=back%7Fpain",
    "/search/?q%1B=1",  # in a parameter name
    "/api/v2/pages/?search=lumbar%0B",
]


@pytest.fixture
def site(catalogue):
    """A catalogue with a course, so lookups by path, slug or search reach real rows."""
    make_course(catalogue, "Back pain", modules=1, lessons=1)
    return catalogue


def assert_rejected(response):
    assert response.status_code == 400
    assert "control characters" in body_of(response)


@pytest.mark.parametrize("url", REJECTED_URLS)
def test_control_characters_in_path_or_query_string_get_400(site, url):
    assert_rejected(Client().get(url))


def test_nul_in_a_session_cookie_gets_400(site):
    client = Client()
    client.cookies["sessionid"] = "\x00" * 32  # sent quoted and octal-escaped; Django decodes it
    assert_rejected(client.get("/learn/"))


def test_nul_in_an_urlencoded_login_field_gets_400(site):
    data = urlencode({"login": "ana\x00@example.com", "password": "pw-123-long-enough"})
    assert_rejected(Client().post(LOGIN_URL, data, content_type=FORM))


def test_control_character_in_a_multipart_field_gets_400(site):
    response = Client().post(LOGIN_URL, {"login": "ana@example.com", "password": "pw\x01long-enough"})
    assert_rejected(response)


def test_ordinary_text_with_tabs_newlines_and_unicode_passes(site):
    client = Client()
    text = "lumbar\tpain\r\nrücken 腰痛 – ✓"
    assert client.get("/search/", {"q": text}).status_code == 200
    assert client.get("/api/v2/pages/", {"search": text}).status_code == 200
    assert client.get("/certificates/rücken-腰痛/").status_code == 404
    # A wrong password re-renders the login form (200): the request reached allauth.
    data = urlencode({"login": "ana@example.com", "password": text})
    assert client.post(LOGIN_URL, data, content_type=FORM).status_code == 200


def test_uploaded_file_contents_are_not_inspected(site):
    upload = SimpleUploadedFile("notes.bin", b"binary\x00\x01\x7f data")
    data = {"login": "ana@example.com", "password": "wrong password", "attachment": upload}
    assert Client().post(LOGIN_URL, data).status_code == 200
