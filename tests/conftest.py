import datetime
import io
import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import GroupPagePermission

from course import frontend_cache
from course.admin.roles import COURSE_ADMINISTRATORS, MARKETERS, setup_roles
from course.models import Enrollment
from tests.canaries import (
    ALT_CANARY,
    BODY_CANARY,
    CAPTIONS_CANARY,
    DOC_CANARY,
    FR_BODY_CANARY,
    FR_GATED_BLOCK_CANARY,
    GATED_BLOCK_CANARY,
    IMAGE_FILE_CANARY,
    MEDIA_FILE_CANARY,
    TRANSCRIPT_CANARY,
)
from tests.factories import (
    enroll_as,
    make_captions,
    make_catalogue,
    make_course,
    make_index,
    make_media,
    make_user,
    media_value,
    png_bytes,
    translate_course,
)
from tests.frontend_cache_recorder import PURGED

# Browser journeys run only through `make test-e2e` (it installs Playwright and axe-core).
collect_ignore = [] if os.environ.get("E2E") else ["e2e"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches: the database rolls back between tests and may hand
    out the same ids again, so cached renditions or rate-limit counters must not carry over."""
    for backend in caches.all():
        backend.clear()
    yield
    for backend in caches.all():
        backend.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language: a request to a /fr/ page activates French
    for the rest of its thread, as Django's locale middleware does (it never deactivates)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """`load_demo` once for the module (it takes seconds): inside a transaction rolled back when
    the module ends. Each test's own changes roll back with the test's savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def purged(settings):
    """The URLs a front-end cache is asked to purge, recorded (tests/frontend_cache_recorder.py)."""
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.frontend_cache_recorder.RecordingBackend"}}
    PURGED.clear()
    # Tests never commit: start with nothing left over from a change another test did not purge.
    frontend_cache.pending.batch, frontend_cache.pending.expanded = None, set()
    yield PURGED
    frontend_cache.pending.batch, frontend_cache.pending.expanded = None, set()
    PURGED.clear()


@pytest.fixture
def catalogue(db):
    return make_catalogue()


@pytest.fixture
def article_index(catalogue):
    return make_index(catalogue)


@pytest.fixture
def marketer(article_index, gated_course):
    """A member of the Marketers role, with an article index to write in."""
    setup_roles()
    user = make_user("marketer")
    user.groups.add(Group.objects.get(name=MARKETERS))
    return user


@pytest.fixture
def gated_image(db):
    return Image.objects.create(
        title="Gated figure", file=ContentFile(png_bytes(), name=f"{IMAGE_FILE_CANARY}.png")
    )


@pytest.fixture
def gated_document(db):
    return Document.objects.create(
        title=f"Protocol sheet {DOC_CANARY}",
        file=ContentFile(b"protocol contents", name="protocol-sheet.txt"),
    )


@pytest.fixture
def gated_course(catalogue, gated_image, gated_document):
    """A course whose first lesson is a free preview with a gated section, and whose
    second lesson's body is gated as a whole and uses a document and an image."""
    course, lessons = make_course(catalogue, "Gated Course", slug="gated-course", modules=1, lessons=3)
    preview, members, third = lessons
    preview.is_preview = True
    preview.body = [
        ("paragraph", "<p>Public preview text zqpublicpreview</p>"),
        (
            "gated_section",
            {
                "title": "Members section",
                "teaser": "Enroll to read the members section.",
                "content": [("paragraph", f"<p>{GATED_BLOCK_CANARY} hidden</p>")],
            },
        ),
    ]
    preview.save_revision().publish()
    members.body = [
        ("paragraph", f"<p>Lesson body {BODY_CANARY} for members</p>"),
        (
            "gated_section",
            {
                "title": "Downloads",
                "teaser": "Resources for students.",
                "content": [
                    ("document", {"document": gated_document, "label": "", "description": ""}),
                    ("image", {"image": gated_image, "alt_text": f"Diagram {ALT_CANARY}", "caption": ""}),
                ],
            },
        ),
    ]
    members.save_revision().publish()
    course.lessons = [preview, members, third]
    return course


@pytest.fixture
def french_gated_course(gated_course, gated_document, gated_image):
    """The French translation of `gated_course` (and of its catalogue), published: the free
    preview's gated section and the members lesson's body carry French canaries, and the members
    lesson keeps the document and image in its gated section. `.lessons` and `.source` as for
    `gated_course`."""

    def french_body(lesson):
        if lesson.pk == gated_course.lessons[0].pk:
            body = [
                ("paragraph", "<p>Texte public de l'aperçu zqfrpublicpreview</p>"),
                (
                    "gated_section",
                    {
                        "title": "Section des membres",
                        "teaser": "Inscrivez-vous pour lire la section des membres.",
                        "content": [("paragraph", f"<p>{FR_GATED_BLOCK_CANARY} caché</p>")],
                    },
                ),
            ]
        elif lesson.pk == gated_course.lessons[1].pk:
            body = [
                ("paragraph", f"<p>Corps de la leçon {FR_BODY_CANARY} pour les membres</p>"),
                (
                    "gated_section",
                    {
                        "title": "Téléchargements",
                        "teaser": "Ressources pour les étudiants.",
                        "content": [
                            ("document", {"document": gated_document, "label": "", "description": ""}),
                            (
                                "image",
                                {"image": gated_image, "alt_text": f"Schéma {ALT_CANARY}", "caption": ""},
                            ),
                        ],
                    },
                ),
            ]
        else:
            body = [("paragraph", "<p>Corps de la troisième leçon</p>")]
        return {"body": body}

    course, lessons = translate_course(gated_course, lesson_fields=french_body)
    course.lessons = lessons
    course.source = gated_course
    return course


@pytest.fixture
def media_course(gated_course):
    """`gated_course` with a video in the members lesson's gated section (its bytes, captions and
    transcript carry canaries) and a public clip in the free preview's open body."""
    preview, members, _ = gated_course.lessons
    gated = make_media("Injection technique", b"\x00\x00\x00\x18ftypmp42" + MEDIA_FILE_CANARY.encode() * 40)
    captions = make_captions(f"Insert the needle {CAPTIONS_CANARY}")
    members.body.append(
        (
            "gated_section",
            {
                "title": "Technique video",
                "teaser": "Enrolled students watch the technique.",
                "content": [
                    (
                        "media",
                        media_value(
                            gated,
                            "Technique close-up",
                            captions=captions,
                            transcript=f"<p>Transcript {TRANSCRIPT_CANARY}</p>",
                        ),
                    )
                ],
            },
        )
    )
    members.save_revision().publish()
    public = make_media("Welcome", b"public clip bytes " * 10, name="welcome.mp4")
    welcome = media_value(public, "Welcome to the course", transcript="<p>Hello all</p>")
    preview.body.append(("media", welcome))
    preview.save_revision().publish()
    gated_course.media = {"gated": gated, "captions": captions, "public": public}
    return gated_course


@pytest.fixture
def other_course(catalogue):
    course, _ = make_course(catalogue, "Other Course", slug="other-course", modules=1, lessons=1)
    return course


@pytest.fixture
def editor(db, gated_course):
    """A course administrator: edit permission on the course subtree, no superuser powers."""
    group = Group.objects.create(name="Course editors (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=gated_course, permission=Permission.objects.get(codename="change_page")
    )
    user = make_user("editor")
    user.groups.add(group)
    return user


@pytest.fixture
def personas(db, gated_course, other_course, editor):
    """Every kind of visitor: name -> user (None for anonymous)."""
    past = timezone.now() - datetime.timedelta(days=1)
    users = {"anonymous": None}
    users["outsider"] = make_user("outsider")
    users["pending"] = make_user("pending")
    enroll_as(users["pending"], gated_course, Enrollment.Status.PENDING)
    users["withdrawn"] = make_user("withdrawn")
    enroll_as(users["withdrawn"], gated_course, Enrollment.Status.WITHDRAWN)
    users["expired"] = make_user("expired")
    enroll_as(users["expired"], gated_course, expires_at=past)
    users["other_course"] = make_user("othercourse")
    enroll_as(users["other_course"], other_course)
    users["enrolled"] = make_user("enrolled")
    enroll_as(users["enrolled"], gated_course)
    users["editor"] = editor
    return users


@pytest.fixture
def course_admin(catalogue):
    """A user in the "Course administrators" role, as `setup_roles` builds it."""
    setup_roles()
    user = make_user("courseadmin")
    user.groups.add(Group.objects.get(name=COURSE_ADMINISTRATORS))
    return user


@pytest.fixture
def course_admin_client(client, course_admin):
    client.force_login(course_admin)
    return client
