"""Every admin URL wagtailmedia registers, walked for every role.

wagtailmedia's admin has more URLs than its menu item (typed choosers, the chooser's upload,
"chosen", usage). Media files live in collections: a one-course administrator works in their
course's collection and must not open, choose or change the others; marketers and students
get nothing. The other collection's clip has a canary in its title.
"""

import pytest
from django.urls import reverse
from wagtailmedia import admin_urls

from course.admin.roles import (
    course_collection,
    setup_roles,
)
from tests.admin_outcomes import DENIED, LOGIN, OK, outcome
from tests.factories import (
    body_of,
    client_for,
    make_course_admin,
    make_marketer,
    make_media,
    make_superuser,
    make_user,
)

OTHER_MEDIA_CANARY = "zqothercollectionclip"


@pytest.fixture
def setting(gated_course):
    setup_roles()
    own = make_media("Own course clip", b"own", name="own.mp4", collection=course_collection(gated_course))
    other = make_media(f"Clip {OTHER_MEDIA_CANARY}", b"other", name="other.mp4")  # the root collection
    marketer = make_marketer()
    course_team = make_course_admin(gated_course, "courseteam")
    all_courses = make_course_admin(None, "allcourses")
    users = {
        "anonymous": None,
        "student": make_user("student"),
        "marketer": marketer,
        "course_team": course_team,
        "course_administrators": all_courses,
        "superuser": make_superuser(),
    }
    return {"own": own, "other": other, "users": users}


def media_url(name, which):
    return lambda s: reverse(f"wagtailmedia:{name}", args=[s[which].pk])


NO_MEDIA_RIGHTS = {"anonymous": LOGIN, "student": LOGIN, "marketer": DENIED}
STAFF = {**NO_MEDIA_RIGHTS, "course_team": OK, "course_administrators": OK, "superuser": OK}
OTHER_COLLECTION = {**STAFF, "course_team": DENIED}
CHOOSER = {**STAFF, "marketer": OK}

URLS = {
    "index": (lambda s: reverse("wagtailmedia:index"), STAFF),
    "add (video)": (lambda s: reverse("wagtailmedia:add", args=["video"]), STAFF),
    "add (audio)": (lambda s: reverse("wagtailmedia:add", args=["audio"]), STAFF),
    "edit (own)": (media_url("edit", "own"), STAFF),
    "edit (other)": (media_url("edit", "other"), OTHER_COLLECTION),
    # As for Wagtail's images and documents, "change" in a collection covers deleting there.
    "delete (own)": (media_url("delete", "own"), STAFF),
    "delete (other)": (media_url("delete", "other"), OTHER_COLLECTION),
    # The chooser lists only what the user may change; a marketer gets an empty list.
    "chooser": (lambda s: reverse("wagtailmedia:chooser"), CHOOSER),
    "chooser_typed": (
        lambda s: reverse("wagtailmedia:chooser_typed", args=["video"]),
        {**STAFF, "marketer": OK},
    ),
    "media_chosen (own)": (media_url("media_chosen", "own"), STAFF),
    "media_chosen (other)": (media_url("media_chosen", "other"), OTHER_COLLECTION),
    "chooser_upload": (lambda s: reverse("wagtailmedia:chooser_upload", args=["video"]), STAFF),
    # Usage lists the pages that use a clip (titles only) to anyone who may add media.
    "media_usage (own)": (media_url("media_usage", "own"), STAFF),
    "media_usage (other)": (media_url("media_usage", "other"), STAFF),
}
SEES_OTHER_COLLECTION = {"course_administrators", "superuser"}


def test_the_matrix_covers_every_registered_media_url():
    """A URL a later wagtailmedia adds must be added to the matrix."""
    registered = {pattern.name for pattern in admin_urls.urlpatterns}
    covered = {key.split(" (")[0] for key in URLS}
    assert registered <= covered, registered - covered


@pytest.mark.parametrize("role", list(STAFF))
def test_every_media_admin_url_per_role(setting, role):
    client = client_for(setting["users"][role])
    seen = {}
    for key, (url_for, _) in URLS.items():
        response = client.get(url_for(setting))
        seen[key] = outcome(response)
        if role not in SEES_OTHER_COLLECTION and "usage" not in key:
            assert OTHER_MEDIA_CANARY not in body_of(response), f"{key} shows another collection's clip"
    assert seen == {key: expected[role] for key, (_, expected) in URLS.items()}
