"""Every admin URL of wagtail-localize, walked for every role.

wagtail-localize adds its own admin views under `/admin/localize/` (submitting a page for
translation, syncing translations, the translation editor's string and override API, PO files,
previews, stopping a translation, converting a translation back to an alias, the translations
report, a snippet API), the Locales screens (`wagtail_localize.locales`) and, through
`before_edit_page`, its translation editor in place of a translated page's edit view. The editor,
the PO file and the preview hold the source page's full text, gated sections included.

Each URL is requested by each role, by GET and by the method the view acts on, against a gated
lesson that has a wagtail-localize translation into French and a teaser article with its own.
Nobody who may not edit the lesson sees a canary, changes the course tree or its translation
records; marketers translate articles; the course's administrators translate its lessons.
"""

from urllib.parse import urlencode

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import resolve, reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Locale, Page
from wagtail_localize.locales.views import LocaleViewSet
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)
from wagtail_localize.wagtail_hooks import register_admin_urls as localize_admin_urls

from course.admin.roles import (
    ACCESS_ADMIN,
    COURSE_PAGE_PERMISSIONS,
    ENROLLMENT_PERMISSIONS,
    define_group,
    setup_roles,
    translation_permissions,
)
from course.admin.translations import creation_parent
from course.models import ArticleIndexPage, ArticlePage, ModulePage
from lessons.models import LessonPage
from tests.admin_outcomes import DENIED, LOGIN, MISSING, OK, POST_ONLY, outcome
from tests.canaries import (
    ALL_CANARIES,
    ALT_CANARY,
    BODY_CANARY,
    DOC_CANARY,
    GATED_BLOCK_CANARY,
    IMAGE_FILE_CANARY,
)
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    french,
    make_article,
    make_catalogue,
    make_course,
    make_course_admin,
    make_index,
    make_marketer,
    make_superuser,
    make_user,
    png_bytes,
    publish,
    translate,
    translate_course,
)

# A redirect to where the action leads (not the login page, not Wagtail's refusal to the dashboard).
DONE = "done"
STUDENT_CANARY = "zqlocalizestudent4409"

ROLES = [
    "anonymous",
    "student",  # no admin access
    "marketer",
    "other_course_admin",  # administers another course
    "source_admin",  # administers the English course, not its French translation
    "translation_admin",  # administers the French course, not the English one it translates
    "course_admin",  # administers the course and its French translation
    "superuser",
]
# May not edit the lesson in any language: no canary reaches them.
NO_LESSON_ACCESS = {"anonymous", "student", "marketer", "other_course_admin"}
# May change the course tree and its translation records (edit rights on source and translation).
LESSON_TRANSLATORS = {"course_admin", "superuser"}
ARTICLE_TRANSLATORS = {"marketer", "superuser"}


def result(response):
    """`tests.admin_outcomes.outcome`, but a redirect after an action that was carried out is
    DONE (Wagtail refuses with a redirect to the dashboard; the views redirect elsewhere)."""
    if response.status_code == 201:
        return OK
    if response.status_code == 302 and response.url != reverse("wagtailadmin_home"):
        found = outcome(response)
        return found if found == LOGIN else DONE
    return outcome(response)


def gated_lesson_body(image, document):
    """A lesson body as `gated_course`'s members lesson has (tests/conftest.py): an open paragraph
    with the body canary, and a gated section with a paragraph, a document and an image."""
    return [
        ("paragraph", f"<p>Lesson body {BODY_CANARY} for members</p>"),
        (
            "gated_section",
            {
                "title": "Downloads",
                "teaser": "Resources for students.",
                "content": [
                    ("paragraph", f"<p>{GATED_BLOCK_CANARY} hidden</p>"),
                    ("document", {"document": document, "label": "", "description": ""}),
                    ("image", {"image": image, "alt_text": f"Diagram {ALT_CANARY}", "caption": ""}),
                ],
            },
        ),
    ]


def one_tree_admin(username, course):
    """A course administrator whose page permissions cover one language's tree of the course only
    (a group set up by hand: `administrators_of` covers every translation of the course)."""
    group = define_group(
        f"Administrators of page {course.pk}",
        permissions=[ACCESS_ADMIN, *ENROLLMENT_PERMISSIONS, *translation_permissions()],
        page_permissions={course: COURSE_PAGE_PERMISSIONS},
    )
    user = make_user(username)
    user.groups.add(group)
    return user


def build_setting():
    """The gated course with its French translation (Wagtail's copy for translation), a
    wagtail-localize translation of its gated lesson into French (the target is the French lesson,
    synced from the English one: canaries included), a new gated lesson not translated yet, a
    teaser article not translated yet and one with a wagtail-localize translation, one user per
    role."""
    catalogue = make_catalogue()
    article_index = make_index(catalogue)
    image = Image.objects.create(
        title="Gated figure", file=ContentFile(png_bytes(), name=f"{IMAGE_FILE_CANARY}.png")
    )
    document = Document.objects.create(
        title=f"Protocol sheet {DOC_CANARY}", file=ContentFile(b"protocol", name="protocol-sheet.txt")
    )
    course, (lesson, _) = make_course(catalogue, "Gated Course", slug="gated-course", modules=1, lessons=2)
    lesson.body = gated_lesson_body(image, document)
    lesson.save_revision().publish()
    other_course, _ = make_course(catalogue, "Other Course", slug="other-course", modules=1, lessons=1)
    french_course, _ = translate_course(course)
    fr = french()

    source, _ = TranslationSource.get_or_create_from_instance(LessonPage.objects.get(pk=lesson.pk))
    lesson_translation = Translation.objects.create(source=source, target_locale=fr)
    lesson_translation.save_target()
    body_segment = StringSegment.objects.get(source=source, string__data__contains=BODY_CANARY)
    StringTranslation.objects.create(
        translation_of=body_segment.string, locale=fr, context=body_segment.context, data="Corps traduit"
    )
    override_segment = OverridableSegment.objects.filter(source=source).first()
    SegmentOverride.objects.create(
        locale=fr, context=override_segment.context, data_json=override_segment.data_json
    )

    new_lesson = publish(
        lesson.get_parent(),
        LessonPage(
            title="Lesson 1.3",
            slug="lesson-1-3",
            summary="Not translated yet",
            body=gated_lesson_body(image, document),
            estimated_minutes=5,
        ),
        revision=True,
    )

    translate(article_index, fr, title="FR Articles")
    article = make_article(article_index, "Why posture matters")
    translated_article = make_article(article_index, "Stretch every day")
    article_source, _ = TranslationSource.get_or_create_from_instance(translated_article)
    article_translation = Translation.objects.create(source=article_source, target_locale=fr)
    article_translation.save_target()

    setup_roles()  # after the French article index exists: marketers write in it too
    course_admin = make_course_admin(course, "courseadmin")  # its group covers the French course too
    student = make_user("student", first_name=STUDENT_CANARY)
    enrollment = enroll_as(student, course)
    users = {
        "anonymous": None,
        "student": student,
        "marketer": make_marketer(),
        "other_course_admin": make_course_admin(other_course, "othercourseadmin"),
        "source_admin": one_tree_admin("sourceadmin", course),
        "translation_admin": one_tree_admin("translationadmin", french_course),
        "course_admin": course_admin,
        "superuser": make_superuser(),
    }
    return {
        "course": course,
        "french_course": french_course,
        "lesson": lesson,
        "french_lesson": lesson_translation.get_target_instance(),
        "lesson_source": source,
        "lesson_translation": lesson_translation,
        "body_segment": body_segment,
        "override_segment": override_segment,
        "new_lesson": new_lesson,
        "article": article,
        "translated_article": translated_article,
        "french_article": article_translation.get_target_instance(),
        "article_source": article_source,
        "article_translation": article_translation,
        "article_segment": StringSegment.objects.filter(source=article_source).first(),
        "enrollment": enrollment,
        "fr": fr,
        "users": users,
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """`build_setting()` once per module (and xdist worker), from the factories the conftest
    fixtures use (`gated_course`, `french_gated_course` are function-scoped): building it takes
    seconds and there are hundreds of cases. It lives in a transaction rolled back after the
    module; each test runs in its own savepoint inside it (pytest-django's `db`), so what a
    request changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_setting()
        transaction.set_rollback(True)


@pytest.fixture
def setting(built, db):
    return built


def localize(name, *keys):
    """`wagtail_localize:<name>` with the ids of the setting's objects `keys`."""
    return lambda s: reverse(f"wagtail_localize:{name}", args=[s[key].pk for key in keys])


def po_upload(translation_key):
    """A PO file for the translation that translates every string."""

    def data(s):
        po = s[translation_key].export_po()
        for entry in po:
            entry.msgstr = "Traduit zqpirate"
        return {"file": SimpleUploadedFile("t.po", str(po).encode(), "text/x-gettext-translation")}

    return data


def with_next(data=None):
    """POST data with a `next` URL, as localize's own buttons post (else they go to the dashboard)."""
    return lambda s: {"next": reverse("wagtailadmin_explore", args=[s["course"].pk]), **(data or {})}


def submit_data(s):
    return {"locales": [s["fr"].pk]}


def expect(allowed, allowed_outcome=OK, others=DENIED, **overrides):
    """What each role gets: `allowed_outcome` for the roles in `allowed`, `others` for the rest of
    the admin users; anonymous visitors and students are sent to the login page."""
    expected = {role: allowed_outcome if role in allowed else others for role in ROLES}
    expected.update(anonymous=LOGIN, student=LOGIN)
    expected.update(overrides)
    return expected


STAFF = set(ROLES) - {"anonymous", "student"}
# localize's URLs the plugin guards (course/admin/translations.py), and the others.
GUARDED = {
    "submit_page_translation",
    "submit_snippet_translation",
    "update_translations",
    "edit_string_translation",
    "edit_override",
    "download_pofile",
    "upload_pofile",
    "machine_translate",
    "preview_translation",
    "stop_translation",
    "convert_to_alias",
    "snippets_api_listing",
    "snippets_api_detail",
}
NOT_GUARDED = {"javascript_catalog", "translations_report", "translations_report_results"}
GUARDED_URL_ARGS = [
    ("submit_page_translation", 1),
    ("submit_snippet_translation", "course", "enrollment", "1"),
    ("update_translations", 1),
    ("edit_string_translation", 1, 2),
    ("edit_override", 1, 2),
    ("download_pofile", 1),
    ("upload_pofile", 1),
    ("machine_translate", 1),
    ("preview_translation", 1),
    ("preview_translation", 1, "enrolled"),
    ("stop_translation", 1),
    ("convert_to_alias", 1),
    ("snippets_api_listing", "course", "enrollment"),
    ("snippets_api_detail", "course", "enrollment", "1"),
]
# What shows the lesson's text to those who may edit it.
SHOWS_THE_LESSON = {
    "download_pofile (lesson)",
    "preview_translation (lesson)",
    "preview_translation (lesson, as enrolled)",
    "page edit (French lesson: translation editor)",
}
LESSON = LESSON_TRANSLATORS
ARTICLE = ARTICLE_TRANSLATORS
# key: (method, url, data, expected outcome per role)
URLS = {
    "javascript_catalog": (
        "get",
        lambda s: reverse("wagtail_localize:javascript_catalog"),
        None,
        expect(STAFF),
    ),
    # Submitting the new lesson: creating pages in the French course tree.
    "submit_page_translation (lesson)": (
        "get",
        localize("submit_page_translation", "new_lesson"),
        None,
        expect(LESSON | {"source_admin"}),
    ),
    "submit_page_translation (lesson) POST": (
        "post",
        localize("submit_page_translation", "new_lesson"),
        submit_data,
        expect(LESSON, DONE),
    ),
    "submit_page_translation (article)": (
        "get",
        localize("submit_page_translation", "article"),
        None,
        expect(ARTICLE),
    ),
    "submit_page_translation (article) POST": (
        "post",
        localize("submit_page_translation", "article"),
        submit_data,
        expect(ARTICLE, DONE),
    ),
    # Enrollments are snippets, not translatable ones.
    "submit_snippet_translation": (
        "get",
        lambda s: reverse(
            "wagtail_localize:submit_snippet_translation", args=["course", "enrollment", s["enrollment"].pk]
        ),
        None,
        expect(STAFF, MISSING),
    ),
    "submit_snippet_translation POST": (
        "post",
        lambda s: reverse(
            "wagtail_localize:submit_snippet_translation", args=["course", "enrollment", s["enrollment"].pk]
        ),
        submit_data,
        expect(STAFF, MISSING),
    ),
    # Syncing (and publishing) the translations of a source.
    "update_translations (lesson)": (
        "get",
        localize("update_translations", "lesson_source"),
        None,
        expect(LESSON),
    ),
    "update_translations (lesson) POST": (
        "post",
        localize("update_translations", "lesson_source"),
        with_next({"publish_translations": "on"}),
        expect(LESSON, DONE),
    ),
    "update_translations (article)": (
        "get",
        localize("update_translations", "article_source"),
        None,
        expect(ARTICLE),
    ),
    "update_translations (article) POST": (
        "post",
        localize("update_translations", "article_source"),
        with_next({"publish_translations": "on"}),
        expect(ARTICLE, DONE),
    ),
    # The translation editor's API (PUT and DELETE only).
    "edit_string_translation (lesson)": (
        "get",
        localize("edit_string_translation", "lesson_translation", "body_segment"),
        None,
        expect(LESSON, POST_ONLY),
    ),
    "edit_string_translation (lesson) PUT": (
        "put",
        localize("edit_string_translation", "lesson_translation", "body_segment"),
        lambda s: {"value": "Piraté zqpirate"},
        expect(LESSON),
    ),
    "edit_string_translation (lesson) DELETE": (
        "delete",
        localize("edit_string_translation", "lesson_translation", "body_segment"),
        None,
        expect(LESSON),
    ),
    "edit_string_translation (article) PUT": (
        "put",
        localize("edit_string_translation", "article_translation", "article_segment"),
        lambda s: {"value": "Traduit"},
        expect(ARTICLE),
    ),
    "edit_override (lesson)": (
        "get",
        localize("edit_override", "lesson_translation", "override_segment"),
        None,
        expect(LESSON, POST_ONLY),
    ),
    "edit_override (lesson) PUT": (
        "put",
        localize("edit_override", "lesson_translation", "override_segment"),
        lambda s: {"value": s["override_segment"].data_json},
        expect(LESSON),
    ),
    "edit_override (lesson) DELETE": (
        "delete",
        localize("edit_override", "lesson_translation", "override_segment"),
        None,
        expect(LESSON),
    ),
    # PO files: the download is the source's full text.
    "download_pofile (lesson)": (
        "get",
        localize("download_pofile", "lesson_translation"),
        None,
        expect(LESSON),
    ),
    "download_pofile (article)": (
        "get",
        localize("download_pofile", "article_translation"),
        None,
        expect(ARTICLE),
    ),
    "upload_pofile (lesson)": (
        "get",
        localize("upload_pofile", "lesson_translation"),
        None,
        expect(LESSON, POST_ONLY),
    ),
    "upload_pofile (lesson) POST": (
        "post",
        lambda s: (
            reverse("wagtail_localize:upload_pofile", args=[s["lesson_translation"].pk])
            + "?next="
            + reverse("wagtailadmin_explore", args=[s["course"].pk])
        ),
        po_upload("lesson_translation"),
        expect(LESSON, DONE),
    ),
    "upload_pofile (article) POST": (
        "post",
        lambda s: (
            reverse("wagtail_localize:upload_pofile", args=[s["article_translation"].pk])
            + "?next="
            + reverse("wagtailadmin_explore", args=[s["course"].pk])
        ),
        po_upload("article_translation"),
        expect(ARTICLE, DONE),
    ),
    # No machine translator is configured: not found for those who may use it.
    "machine_translate (lesson)": (
        "get",
        localize("machine_translate", "lesson_translation"),
        None,
        expect(LESSON, POST_ONLY),
    ),
    "machine_translate (lesson) POST": (
        "post",
        localize("machine_translate", "lesson_translation"),
        with_next(),
        expect(LESSON, MISSING),
    ),
    # The preview renders the translation: the lesson, gated sections included.
    "preview_translation (lesson)": (
        "get",
        localize("preview_translation", "lesson_translation"),
        None,
        expect(LESSON),
    ),
    "preview_translation (lesson, as enrolled)": (
        "get",
        lambda s: reverse(
            "wagtail_localize:preview_translation", args=[s["lesson_translation"].pk, "enrolled"]
        ),
        None,
        expect(LESSON),
    ),
    "preview_translation (article)": (
        "get",
        localize("preview_translation", "article_translation"),
        None,
        expect(ARTICLE),
    ),
    "stop_translation (lesson)": (
        "get",
        localize("stop_translation", "lesson_translation"),
        None,
        expect(LESSON, POST_ONLY),
    ),
    "stop_translation (lesson) POST": (
        "post",
        localize("stop_translation", "lesson_translation"),
        with_next(),
        expect(LESSON, DONE),
    ),
    "stop_translation (article) POST": (
        "post",
        localize("stop_translation", "article_translation"),
        with_next(),
        expect(ARTICLE, DONE),
    ),
    # Converting the French lesson back to an alias of the English one (synced from it).
    "convert_to_alias (lesson)": ("get", localize("convert_to_alias", "french_lesson"), None, expect(LESSON)),
    "convert_to_alias (lesson) POST": (
        "post",
        localize("convert_to_alias", "french_lesson"),
        with_next(),
        expect(LESSON, DONE),
    ),
    "convert_to_alias (article) POST": (
        "post",
        localize("convert_to_alias", "french_article"),
        with_next(),
        expect(ARTICLE, DONE),
    ),
    # Titles and statuses of every translation (no content).
    "translations_report": (
        "get",
        lambda s: reverse("wagtail_localize:translations_report"),
        None,
        expect(STAFF),
    ),
    "translations_report_results": (
        "get",
        lambda s: reverse("wagtail_localize:translations_report_results"),
        None,
        expect(STAFF),
    ),
    # The snippet chooser's API of the translation editor: translatable snippets only.
    "snippets_api_listing": (
        "get",
        lambda s: reverse("wagtail_localize:snippets_api_listing", args=["course", "enrollment"]),
        None,
        expect(STAFF, MISSING),
    ),
    "snippets_api_detail": (
        "get",
        lambda s: reverse(
            "wagtail_localize:snippets_api_detail", args=["course", "enrollment", s["enrollment"].pk]
        ),
        None,
        expect(STAFF, MISSING),
    ),
    # The translation editor, in place of the translated page's edit view.
    "page edit (French lesson: translation editor)": (
        "get",
        lambda s: reverse("wagtailadmin_pages:edit", args=[s["french_lesson"].pk]),
        None,
        expect(LESSON),
    ),
    "page edit (French article: translation editor)": (
        "get",
        lambda s: reverse("wagtailadmin_pages:edit", args=[s["french_article"].pk]),
        None,
        expect(ARTICLE),
    ),
    # The Locales screens (wagtail_localize.locales): superusers only.
    **{
        f"wagtaillocales:{name}": (
            "get",
            (lambda s, name=name: reverse(f"wagtaillocales:{name}", args=[s["fr"].pk])),
            None,
            expect({"superuser"}),
        )
        for name in ("edit", "delete", "history", "history_results", "usage", "copy")
    },
    **{
        f"wagtaillocales:{name}": (
            "get",
            (lambda s, name=name: reverse(f"wagtaillocales:{name}")),
            None,
            expect({"superuser"}),
        )
        for name in ("index", "index_results", "add")
    },
    "wagtaillocales:delete POST": (
        "post",
        lambda s: reverse("wagtaillocales:delete", args=[s["fr"].pk]),
        lambda s: {},
        expect({"superuser"}),
    ),
}


def course_tree_state(s):
    """Every page outside the article indexes (the course tree in both languages, the catalogues,
    the root) and the translation records of those pages: what a role without edit rights on the
    lesson must not change."""
    pages = Page.objects.all()
    for index in ArticleIndexPage.objects.all():
        pages = pages.exclude(path__startswith=index.path, depth__gt=index.depth)
    keys = pages.values("translation_key")
    sources = TranslationSource.objects.filter(object_id__in=keys).values_list("pk", flat=True)
    return {
        "pages": sorted(
            pages.values_list(
                "pk", "live", "latest_revision_id", "alias_of_id", "has_unpublished_changes", "title"
            )
        ),
        "translations": sorted(
            Translation.objects.filter(source__in=list(sources)).values_list("pk", "enabled")
        ),
        "sources": sorted(sources),
        "string translations": sorted(
            StringTranslation.objects.filter(context__object_id__in=keys).values_list("pk", "data")
        ),
        "overrides": sorted(
            SegmentOverride.objects.filter(context__object_id__in=keys).values_list("pk", "data_json")
        ),
        "locales": sorted(Locale.objects.values_list("pk", "language_code")),
    }


def request(client, method, url, data):
    if method == "get":
        return client.get(url)
    if method == "post":
        return client.post(url, data or {})
    if method == "put":
        return client.put(url, data or {}, content_type="application/x-www-form-urlencoded")
    return client.delete(url)


@pytest.mark.parametrize("key", list(URLS))
@pytest.mark.parametrize("role", ROLES)
def test_localize_admin_url_per_role(setting, role, key):
    method, url_for, data_for, expected = URLS[key]
    client = client_for(setting["users"][role])
    data = data_for(setting) if data_for else None
    if method == "put":
        data = urlencode(data)
    before = course_tree_state(setting)

    response = request(client, method, url_for(setting), data)
    body = body_of(response)

    assert response.status_code < 500, body[:2000]
    if role in NO_LESSON_ACCESS:
        leaked = [canary for canary in ALL_CANARIES if canary in body]
        assert not leaked, f"{key} shows {leaked} to {role}"
        assert STUDENT_CANARY not in body, f"{key} shows a student to {role}"
    if role not in LESSON_TRANSLATORS:
        assert course_tree_state(setting) == before, f"{key} changed the course tree as {role}"
    if role in LESSON_TRANSLATORS and key in SHOWS_THE_LESSON:
        assert GATED_BLOCK_CANARY in body  # the canary is findable where it is allowed
    assert result(response) == expected[role]


def test_the_matrix_covers_every_localize_admin_url():
    """A URL a later wagtail-localize adds must be added to the matrix (and to the guard, if it
    acts on a page, a translation or a snippet model)."""
    (localize_urls,) = localize_admin_urls()
    names = {pattern.name for pattern in localize_urls.url_patterns}
    assert names == GUARDED | NOT_GUARDED
    locales = {f"wagtaillocales:{p.name}" for p in LocaleViewSet("wagtaillocales").get_urlpatterns()}
    covered = {key.split(" ")[0] for key in URLS}
    assert names | locales <= covered, (names | locales) - covered


@pytest.mark.parametrize("args", GUARDED_URL_ARGS, ids=lambda args: args[0])
def test_the_guard_is_what_localize_urls_resolve_to(args):
    """localize's templates and scripts reverse its own URL names: they must lead to the guard."""
    name, *url_args = args
    match = resolve(reverse(f"wagtail_localize:{name}", args=url_args))
    assert (match.namespace, match.url_name) == ("course_translations", name)
    assert match.func.__module__ == "course.admin.translations"


def test_unguarded_localize_urls_stay_localize_own():
    for name in NOT_GUARDED:
        assert resolve(reverse(f"wagtail_localize:{name}")).namespace == "wagtail_localize"


def submitted(client, page, locale):
    return client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]), {"locales": [locale.pk]}
    )


def test_marketer_translates_an_article_and_opens_its_translation_editor(setting):
    client = client_for(setting["users"]["marketer"])
    article, fr = setting["article"], setting["fr"]
    response = submitted(client, article, fr)
    french_article = ArticlePage.objects.get(translation_key=article.translation_key, locale=fr)
    assert french_article.get_parent().title == "FR Articles"
    assert Translation.objects.get(source__object_id=article.translation_key, target_locale=fr).enabled
    assert response.url == reverse("wagtailadmin_pages:edit", args=[french_article.pk])
    editor = client.get(response.url)
    assert editor.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in editor.templates]


@pytest.mark.parametrize("role", sorted(LESSON_TRANSLATORS))
def test_course_administrator_translates_a_lesson_and_opens_its_translation_editor(setting, role):
    client = client_for(setting["users"][role])
    lesson, fr = setting["new_lesson"], setting["fr"]
    response = submitted(client, lesson, fr)
    french_lesson = LessonPage.objects.get(translation_key=lesson.translation_key, locale=fr)
    assert french_lesson.get_parent().get_parent().pk == setting["french_course"].pk
    editor = client.get(response.url)
    assert editor.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in editor.templates]
    assert GATED_BLOCK_CANARY in body_of(editor)


def test_submitting_under_an_untranslated_module_needs_the_translated_course(setting):
    """localize copies the missing parents (the module) under the nearest translated ancestor (the
    French course): that is where the guard asks for the right to add pages."""
    fr = setting["fr"]
    module = publish(setting["course"], ModulePage(title="Module 2", slug="module-2", intro="Intro 2"))
    lesson = publish(
        module, LessonPage(title="Lesson 2.1", slug="lesson-2-1", summary="S", estimated_minutes=5)
    )
    assert creation_parent(lesson, fr).pk == setting["french_course"].pk

    pages = Page.objects.count()
    refused = submitted(client_for(setting["users"]["source_admin"]), lesson, fr)
    assert (result(refused), Page.objects.count()) == (DENIED, pages)

    submitted(client_for(setting["users"]["course_admin"]), lesson, fr)
    french_lesson = LessonPage.objects.get(translation_key=lesson.translation_key, locale=fr)
    assert french_lesson.get_parent().get_parent().pk == setting["french_course"].pk
