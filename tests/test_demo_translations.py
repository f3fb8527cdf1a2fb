"""The demo's French pages: made by wagtail-localize from the PO files in lms_site/demo/fr/ when
`load_demo` runs (lms_site/demo/translations.py), complete, current, and kept by a second run."""

import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils.html import strip_tags
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource

from course.models import ArticlePage, CourseIndexPage, CoursePage
from lessons.models import LessonPage
from lms_site.demo import ultrasound
from lms_site.demo.promos import SCHEDULED_ARTICLE_SLUG, ULTRASOUND_ARTICLE_SLUG
from lms_site.demo.translations import (
    PO_DIRECTORY,
    StaleTranslationError,
    demo_pages,
    export_po_files,
    importable,
    po_path,
    problems_of,
    read_po,
    source_segments,
    translate_demo,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def french(demo_loaded, db):
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def pages(french):
    """[(English page, its French translation)] for every page the demo translates, top down."""
    return [(page, page.get_translation(french).specific) for page in demo_pages()]


def squashed(text):
    """`text` with each run of white space (French no-break spaces included) as one space."""
    return re.sub(r"\s+", " ", text)


def visible_text(response):
    return squashed(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def french_of(page, msgctxt):
    """The French the page's PO file gives for segment `msgctxt`, white space squashed."""
    (entry,) = [entry for entry in read_po(po_path(page)) if entry.msgctxt == msgctxt]
    return squashed(entry.msgstr)


def translations_into(page, locale):
    """wagtail-localize's `Translation`s of `page` into `locale`."""
    return Translation.objects.filter(source__object_id=page.translation_key, target_locale=locale)


def choices_of(question):
    return [(choice.id, choice.value["correct"]) for choice in question.value["choices"].bound_blocks]


def blocks_of(stream):
    return [(block.block_type, block.id) for block in stream]


def preview_lesson(pages):
    (pair,) = [(en, fr) for en, fr in pages if isinstance(en, LessonPage) and en.is_preview]
    return pair


def test_every_demo_page_has_one_live_french_translation(pages, french):
    kinds = {type(en).__name__ for en, _ in pages}
    assert kinds == {
        "CourseIndexPage",
        "CoursePage",
        "ModulePage",
        "LessonPage",
        "ArticleIndexPage",
        "ArticlePage",
    }
    course = next(en for en, _ in pages if isinstance(en, CoursePage))
    assert len(pages) == 4 + Page.objects.descendant_of(course).count()
    for en, fr in pages:
        assert Page.objects.filter(translation_key=en.translation_key, locale=french).count() == 1
        assert type(fr) is type(en) and fr.live and not fr.has_unpublished_changes and fr.alias_of_id is None
        assert fr.title != en.title, en.slug
        assert fr.url.startswith("/fr/"), fr.url
        (translation,) = translations_into(en, french)
        assert translation.enabled and translation.source.locale == en.locale
        assert translation.get_target_instance().pk == fr.pk
        assert translation.get_progress()[0] == translation.get_progress()[1] > 0
        if not isinstance(en, CourseIndexPage):  # the French tree mirrors the English one
            assert fr.get_parent().pk == en.get_parent().get_translation(french).pk


def test_the_french_pages_validate_as_an_editor_would_save_them(pages):
    """Wagtail checks StreamField blocks (lengths, quiz answers) in the editor's form, not when
    wagtail-localize saves a translation: French that is too long would be published anyway."""
    for _, fr in pages:
        fr.full_clean()
        for field in fr._meta.get_fields():
            if isinstance(field, StreamField):
                field.stream_block.clean(getattr(fr, field.name))


def test_french_pages_are_served_where_the_english_ones_are_public(pages):
    public = []
    for en, fr in pages:
        if Client().get(en.url).status_code == 200:
            response = Client().get(fr.url)
            assert response.status_code == 200, fr.url
            assert squashed(fr.title) in visible_text(response), fr.url
            public.append(type(en).__name__)
    assert {"CourseIndexPage", "CoursePage", "LessonPage", "ArticlePage"} <= set(public)


def test_the_french_free_lesson_reads_in_french_and_keeps_its_gated_section_locked(pages):
    en, fr = preview_lesson(pages)
    text = visible_text(Client().get(fr.url))
    assert french_of(en, "body.0") in text  # the lesson's first paragraph
    assert html.unescape(strip_tags(en.body[0].value.source)) not in text  # and not the English
    gated = [index for index, block in enumerate(en.body) if block.block_type == "gated_section"]
    assert gated
    student = Client()
    student.force_login(get_user_model().objects.get(username="student"))  # enrolled in the course
    for index in gated:
        assert french_of(en, f"body.{index}.teaser") in text  # its public teaser, in French
        hidden = french_of(en, f"body.{index}.content.0").split(".")[0]  # its first sentence
        assert hidden not in text
        assert hidden in visible_text(student.get(fr.url))


def test_french_lessons_keep_block_ids_quiz_answers_and_settings(pages):
    quizzes = gated = 0
    for en, fr in pages:
        if not isinstance(en, LessonPage):
            continue
        assert (fr.is_preview, fr.estimated_minutes) == (en.is_preview, en.estimated_minutes)
        assert blocks_of(fr.body) == blocks_of(en.body)
        for en_block, fr_block in zip(en.body, fr.body, strict=True):
            if en_block.block_type == "quiz":
                quizzes += 1
                assert fr_block.value["title"] != en_block.value["title"]
                for key in ("pass_mark", "max_attempts", "required"):
                    assert fr_block.value[key] == en_block.value[key]
                questions = [block.value["questions"].bound_blocks for block in (en_block, fr_block)]
                for en_question, fr_question in zip(*questions, strict=True):
                    assert fr_question.id == en_question.id
                    assert fr_question.value["prompt"] != en_question.value["prompt"]
                    assert choices_of(fr_question) == choices_of(en_question)
            elif en_block.block_type == "gated_section":
                gated += 1
                assert fr_block.value["title"] != en_block.value["title"]
                assert blocks_of(fr_block.value["content"]) == blocks_of(en_block.value["content"])
    assert quizzes >= 2 and gated >= 3


def test_the_french_course_states_the_same_computed_study_time(pages):
    en, fr = next((en, fr) for en, fr in pages if isinstance(en, CoursePage))
    assert fr.duration != en.duration
    assert re.findall(r"\d+", fr.duration) == re.findall(r"\d+", en.duration)
    assert squashed(fr.duration) in visible_text(Client().get(fr.url))


def test_po_files_are_complete_and_match_the_english_pages(pages, french):
    files = sorted(path.name for path in PO_DIRECTORY.glob("*.po"))
    assert files == sorted(po_path(en).name for en, _ in pages)  # one per page, none left over
    entries = 0
    for en, _ in pages:
        po = read_po(po_path(en))
        assert po.metadata.get("Language") == "fr" and "X-WagtailLocalize-TranslationID" not in po.metadata
        for entry in po:
            assert entry.msgstr and not entry.fuzzy and not entry.obsolete, (en.slug, entry.msgctxt)
            entries += 1
        source = TranslationSource.objects.get_for_instance(en)
        segments = source_segments(source)
        assert problems_of(po, segments) == []
        translation = Translation.objects.get(source=source, target_locale=french)
        assert translation.import_po(importable(po, segments)) == []  # wagtail-localize warns about none
    assert entries >= 150


def test_the_export_script_writes_the_committed_files_back(pages, tmp_path):
    """The files are what the maintainer's export makes of them: nothing to translate, nothing lost."""
    assert set(export_po_files(tmp_path).values()) == {0}
    for en, _ in pages:
        assert (tmp_path / po_path(en).name).read_text() == po_path(en).read_text(), en.slug


def test_a_po_file_that_no_longer_matches_its_page_is_refused(pages):
    en, fr = preview_lesson(pages)
    en.summary = "A summary the French file has never seen."
    en.save_revision().publish()
    with pytest.raises(StaleTranslationError) as refused:
        translate_demo()
    message = str(refused.value)
    assert en.title in message and po_path(en).name in message and "export.py" in message
    assert "stale entry" in message and "missing from the file" in message
    assert "A summary the French file has never seen." in message
    assert LessonPage.objects.get(pk=fr.pk).summary == fr.summary  # nothing changed


def test_running_load_demo_again_keeps_one_translation_per_page(pages, french):
    before = {en.pk: (fr.pk, fr.title, fr.url) for en, fr in pages}
    counts = (Page.objects.count(), Translation.objects.count(), TranslationSource.objects.count())
    call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    assert (Page.objects.count(), Translation.objects.count(), TranslationSource.objects.count()) == counts
    for en, _ in pages:
        (fr,) = Page.objects.filter(translation_key=en.translation_key, locale=french)
        assert (fr.pk, fr.title, fr.url) == before[en.pk] and fr.live
        assert translations_into(en, french).count() == 1


def test_the_ultrasound_course_and_the_other_articles_stay_english(pages, french):
    course = CoursePage.objects.get(slug=ultrasound.COURSE_SLUG)
    for page in [course, *Page.objects.descendant_of(course)]:
        assert not page.has_translation(french), page.slug
    for slug in (ULTRASOUND_ARTICLE_SLUG, SCHEDULED_ARTICLE_SLUG):
        assert not ArticlePage.objects.get(slug=slug).has_translation(french)
    assert Page.objects.filter(locale=french).count() == len(pages)


def test_the_french_teaser_article_leads_into_the_french_course(pages):
    french_pages = {en.pk: fr for en, fr in pages}
    article = next(fr for en, fr in pages if isinstance(en, ArticlePage))
    english = next(en for en, fr in pages if isinstance(en, ArticlePage))
    assert article.promoted_course_id == french_pages[english.promoted_course_id].pk
    _, french_preview = preview_lesson(pages)
    teasers = [block.value["lesson"].pk for block in article.body if block.block_type == "lesson_teaser"]
    assert teasers == [french_preview.pk]
    text = visible_text(Client().get(article.url))
    assert squashed(f"{french_preview.title} {french_preview.summary}") in text
