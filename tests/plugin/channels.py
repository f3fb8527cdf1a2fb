"""The canary battery a host is put through: the same checks for the minimal host (Django's test
client, tests/plugin/test_minimal_host.py) and for a `wagtail start` site that installed the
wheel (real HTTP, tests/plugin/check_wheel_host.py).

Standard library only: the wheel check imports it outside the host's virtual environment.
Each check function takes `get(path) -> Response` (no redirects followed) and returns the list
of what it checked; a failed check raises AssertionError naming the URL and the persona.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

STYLESHEET = "course/css/course.css"
STYLESHEET_HREF = re.compile(r'href="([^"]*' + re.escape(STYLESHEET) + r'[^"]*)"')


@dataclass
class Response:
    status: int
    headers: dict  # lower-case names
    text: str


@dataclass
class CourseSite:
    """One course, one module, two lessons, as the host's data script built them."""

    course_url: str
    course_title: str
    preview_url: str  # a free-preview lesson: open body + a gated section
    preview_id: int
    preview_title: str
    preview_summary: str
    members_url: str  # a lesson for enrolled students only
    members_id: int
    members_title: str
    members_summary: str
    public: str  # a word in the preview lesson's open body
    gated: str  # the canary in the preview lesson's gated section
    gated_word: str  # another word next to it in that section
    body: str  # the canary in the members-only lesson's body

    @property
    def canaries(self):
        return (self.gated, self.gated_word, self.body)

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


def _fetch(get, path, persona, status=200):
    response = get(path)
    assert response.status == status, f"{persona}: GET {path} answered {response.status}, not {status}"
    return response


def _no_canary(site, response, where):
    for canary in site.canaries:
        assert canary not in response.text, f"{canary} leaked through {where}"


def _api(get, params, persona):
    path = "/api/v2/pages/?" + urlencode(params)
    response = _fetch(get, path, persona)
    data = json.loads(response.text)
    return path, response, data, [item["id"] for item in data["items"]]


def check_without_access(get, site, persona):
    """What anonymous and not-enrolled visitors get: teasers and public text, never a canary."""
    checked = []

    course = _fetch(get, site.course_url, persona)
    assert site.course_title in course.text, f"{persona}: course page without its title"
    match = STYLESHEET_HREF.search(course.text)
    assert match, f"{persona}: the course page does not link {STYLESHEET}"
    _no_canary(site, course, f"the course page for {persona}")
    checked.append(f"course page 200 with its title and {match.group(1)}")

    preview = _fetch(get, site.preview_url, persona)
    for text in (site.preview_title, site.preview_summary, site.public):
        assert text in preview.text, f"{persona}: preview lesson without {text!r}"
    _no_canary(site, preview, f"the preview lesson for {persona}")
    checked.append("preview lesson 200: title, summary and open body, gated section closed")

    members = _fetch(get, site.members_url, persona)
    for text in (site.members_title, site.members_summary):
        assert text in members.text, f"{persona}: members lesson teaser without {text!r}"
    _no_canary(site, members, f"the members lesson for {persona}")
    checked.append("members lesson 200: teaser (title, summary), no body")

    found = _fetch(get, "/search/?" + urlencode({"q": site.public}), persona)
    assert site.preview_url in found.text, f"{persona}: search does not find the preview lesson's open text"
    for word, lesson_url in (
        (site.gated, site.preview_url),
        (site.gated_word, site.preview_url),
        (site.body, site.members_url),
    ):
        path = "/search/?" + urlencode({"q": word})
        response = _fetch(get, path, persona)
        assert lesson_url not in response.text, f"{persona}: {path} finds the lesson by gated text"
        others = tuple(canary for canary in site.canaries if canary != word)  # the query is echoed
        for canary in others:
            assert canary not in response.text, f"{canary} leaked through {path} for {persona}"
    checked.append("/search/: open text found; gated words find nothing and show no snippet")

    _, response, _, ids = _api(get, {"search": site.public}, persona)
    assert site.preview_id in ids, f"{persona}: API search does not find the preview lesson"
    for word in site.canaries:
        path, response, data, ids = _api(get, {"search": word}, persona)
        assert ids == [] and data["meta"]["total_count"] == 0, f"{persona}: {path} found {ids}"
        _no_canary(site, response, f"{path} for {persona}")
    path, response, _, ids = _api(get, {"type": "lessons.LessonPage", "fields": "*"}, persona)
    assert {site.preview_id, site.members_id} <= set(ids), f"{persona}: {path} does not list the lessons"
    _no_canary(site, response, f"{path} for {persona}")
    for page_id in (site.preview_id, site.members_id):
        path = f"/api/v2/pages/{page_id}/?fields=*"
        _no_canary(site, _fetch(get, path, persona), f"{path} for {persona}")
    checked.append("/api/v2/pages/: listing, detail (fields=*) and ?search=, public fields only")

    sitemap = _fetch(get, "/sitemap.xml", persona)
    assert site.preview_url in sitemap.text, f"{persona}: the sitemap does not list the preview lesson"
    _no_canary(site, sitemap, f"the sitemap for {persona}")
    checked.append("/sitemap.xml: lists the preview lesson, no canary")
    return checked


def check_login_redirect(get, login_url):
    """A plugin page that needs a student sends anonymous visitors to the host's LOGIN_URL."""
    response = _fetch(get, "/learn/", "anonymous", status=302)
    location = response.headers.get("location", "")
    assert location.startswith(login_url) and "next=" in location, f"/learn/ redirects to {location!r}"
    return [f"/learn/ sends anonymous visitors to {location}"]


def check_with_access(get, site, persona="enrolled"):
    """An enrolled student reads everything, and search finds it; the API stays public-only."""
    preview = _fetch(get, site.preview_url, persona)
    assert site.gated in preview.text, f"{persona}: the gated section is not open"
    members = _fetch(get, site.members_url, persona)
    assert site.body in members.text, f"{persona}: the members lesson body is not shown"
    response = _fetch(get, "/search/?" + urlencode({"q": site.gated_word}), persona)
    assert site.preview_url in response.text, f"{persona}: search does not find the own lesson"
    assert site.gated in response.text, f"{persona}: no snippet from the gated section"
    response = _fetch(get, "/search/?" + urlencode({"q": site.body}), persona)
    assert site.members_url in response.text, f"{persona}: search does not find the members lesson"
    for word in site.canaries:
        _, response, _, ids = _api(get, {"search": word}, persona)
        assert ids == [], f"{persona}: the API searches gated text"
        _no_canary(site, response, f"the API for {persona}")
    return [
        "lessons show the gated section and the members body",
        "/search/ finds the own lessons by gated words, with snippets",
        "/api/v2/pages/ stays public-only",
    ]
