"""The demo's French pages, made and kept up to date through wagtail-localize's own workflow.

The catalogue, the mesotherapy course with its modules and lessons, the articles index and the
teaser article have French translations; the ultrasound primer and the other articles stay
English-only on purpose. The French text is written by hand, in one PO file per page in
`lms_site/demo/fr/` (named after the English page's slug), in the shape
`Translation.export_po()` gives: msgid the English segment, msgstr its French, msgctxt the
segment's path.

One difference from wagtail-localize's own export: a StreamField block's path holds the block's
id, which `load_demo` draws at random on each new database, so the files give each block's
position among its siblings instead (``body.3.questions.0.prompt`` rather than
``body.<uuid>.questions.<uuid>.prompt``); `translate_demo` maps them back to the current ids
before `Translation.import_po`. The files also carry no ``X-WagtailLocalize-TranslationID``
header: that id is one database's, and `import_po` silently ignores a file whose id differs.

`translate_demo` (called by `load_demo`) creates the French locale, then for each page, top
down: the page's `TranslationSource` (brought up to date from the page, as the admin's "Sync"
does), its `Translation` into French, the PO file imported into it, and the French page saved
and published from it. A PO file that no longer matches the English page (an entry with no
French, a fuzzy one, an English text that changed, a segment with no entry) stops it with the
list of what to fix: re-export with `lms_site/demo/fr/export.py` and translate what is new.

Synchronised fields (quiz answers, `is_preview`, minutes, images, clips) and StreamField block
ids are copied from the English page by wagtail-localize, so quiz attempts and watch positions
keyed by block id mean the same block in both languages. Links to other pages (a lesson teaser's
lesson, an article's promoted course) are synchronised too; where the linked page has a French
translation, the French page is given it as a segment override, as a translator would in the
admin's "Synchronised values".
"""

import json
from pathlib import Path

import polib
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    Translation,
    TranslationSource,
)

from course.models import ArticleIndexPage, ArticlePage, CourseIndexPage, CoursePage
from lms_site.demo.course import COURSE_SLUG
from lms_site.demo.teaser import ARTICLE_INDEX_SLUG, ARTICLE_SLUG

LANGUAGE_CODE = "fr"
PO_DIRECTORY = Path(__file__).resolve().parent / LANGUAGE_CODE
CATALOGUE_SLUG = "pinewood-academy"
EXPORT_SCRIPT = "lms_site/demo/fr/export.py"
# How many problems of each kind an error message lists before it says "and N more".
SHOWN_PROBLEMS = 8


class StaleTranslationError(CommandError):
    """A PO file does not match its English page any more."""


def demo_pages():
    """The English pages that have French translations, parents before children: the catalogue,
    the mesotherapy course, its modules and lessons in tree order, the articles index and the
    teaser article."""
    root = Page.get_first_root_node()
    catalogue = CourseIndexPage.objects.child_of(root).get(slug=CATALOGUE_SLUG)
    course = CoursePage.objects.child_of(catalogue).get(slug=COURSE_SLUG)
    index = ArticleIndexPage.objects.child_of(catalogue).get(slug=ARTICLE_INDEX_SLUG)
    article = ArticlePage.objects.child_of(index).get(slug=ARTICLE_SLUG)
    below = Page.objects.descendant_of(course).order_by("path").specific()
    pages = [catalogue, course, *below, index, article]
    slugs = [page.slug for page in pages]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:  # one PO file per slug
        raise CommandError(f"Demo pages to translate share slugs {duplicates}: their PO files would clash.")
    return pages


def po_path(page, directory=PO_DIRECTORY):
    return Path(directory) / f"{page.slug}.po"


def french_locale():
    return Locale.objects.get_or_create(language_code=LANGUAGE_CODE)[0]


def source_for(page):
    """The page's `TranslationSource`, created or brought up to date from the page."""
    source, created = TranslationSource.get_or_create_from_instance(page)
    if not created:
        source.update_from_db()
    return source


# --- segment paths in the files ------------------------------------------------------------------


def block_positions(instance):
    """{block id: its position among its siblings} for every StreamField block and list item."""
    positions = {}

    def walk(data):
        if isinstance(data, list):
            for index, item in enumerate(data):
                if isinstance(item, dict) and {"type", "value", "id"} <= item.keys():
                    positions[item["id"]] = str(index)
                walk(item)
        elif isinstance(data, dict):
            for value in data.values():
                walk(value)

    for field in instance._meta.get_fields():
        if isinstance(field, StreamField):
            walk(field.get_prep_value(getattr(instance, field.name)))
    return positions


def file_path_of(path, positions):
    """A segment path as the PO files give it: block ids replaced by their positions."""
    return ".".join(positions.get(component, component) for component in path.split("."))


def source_segments(source):
    """{(path as in the files, English text): segment path} of the source's text segments, in order."""
    positions = block_positions(source.as_instance())
    segments = {}
    found = StringSegment.objects.filter(source=source).order_by("order").select_related("context", "string")
    for segment in found:
        segments[(file_path_of(segment.context.path, positions), segment.string.data)] = segment.context.path
    return segments


# --- reading the files ---------------------------------------------------------------------------


def read_po(path):
    if not path.exists():
        return polib.POFile()
    return polib.pofile(str(path))


def problems_of(po, segments):
    """What keeps `po` (a page's PO file) from translating the page whose `segments` are given
    (`source_segments`): [(problem, msgctxt, msgid)], empty when the file is complete and current."""
    problems = []
    entries = [entry for entry in po if not entry.obsolete]
    seen = set()
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        seen.add(key)
        if key not in segments:
            problems.append(("no such English text (stale entry)", *key))
        elif not entry.msgstr:
            problems.append(("no French", *key))
        elif entry.fuzzy:
            problems.append(("fuzzy", *key))
    problems += [("missing from the file", *key) for key in segments if key not in seen]
    return problems


def describe(problems, path):
    lines = [f"{path}: {len(problems)} problem(s)"]
    for problem, msgctxt, msgid in problems[:SHOWN_PROBLEMS]:
        lines.append(f"  {problem}: msgctxt {msgctxt!r}, msgid {shorten(msgid)!r}")
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
    return "\n".join(lines)


def shorten(text, width=70):
    return text if len(text) <= width else text[: width - 1] + "…"


def importable(po, segments):
    """`po` as `Translation.import_po` takes it: the database's segment paths, no obsolete entries."""
    result = polib.POFile()
    result.metadata = {"Content-Type": "text/plain; charset=utf-8"}
    for entry in po:
        if not entry.obsolete:
            path = segments[(entry.msgctxt, entry.msgid)]
            result.append(polib.POEntry(msgctxt=path, msgid=entry.msgid, msgstr=entry.msgstr))
    return result


# --- load_demo -----------------------------------------------------------------------------------


@transaction.atomic
def translate_demo(directory=PO_DIRECTORY):
    """Create or bring up to date the French translation of each page of `demo_pages` from its PO
    file in `directory`; returns the French pages. Raises `StaleTranslationError` (and changes
    nothing) when a file does not match its English page."""
    locale = french_locale()
    translated = {}  # English page id -> French page
    for page in demo_pages():
        source = source_for(page)
        translation, _ = Translation.objects.get_or_create(source=source, target_locale=locale)
        if not translation.enabled:  # turned off in the admin: the demo's pages are translations
            translation.enabled = True
            translation.save(update_fields=["enabled"])
        path = po_path(page, directory)
        segments = source_segments(source)
        po = read_po(path)
        problems = problems_of(po, segments)
        if problems:
            raise StaleTranslationError(
                f"The French demo text does not match the English page '{page.title}' "
                f"({page.url_path}).\n{describe(problems, path)}\n"
                f"Run {EXPORT_SCRIPT} on a database with the demo loaded, then translate the "
                "entries it leaves empty."
            )
        warnings = translation.import_po(importable(po, segments))
        if warnings:
            raise StaleTranslationError(f"wagtail-localize did not take all of {path}: {warnings}")
        total, done = translation.get_progress()
        if done != total:
            raise StaleTranslationError(f"{path}: {total - done} of {total} segments still lack French.")
        override_page_links(source, locale, translated)
        # save_target(publish=True) publishes on commit, and load_demo runs in a transaction:
        # publish here so the French page is live as soon as it is saved.
        try:
            translation.save_target(publish=False)
        except ValidationError as error:  # French too long for a field, for example
            raise StaleTranslationError(
                f"{path}: the French page '{page.title}' does not validate: {error}"
            ) from error
        french = source.get_translated_instance(locale)
        french.get_latest_revision().publish()
        translated[page.pk] = Page.objects.get(pk=french.pk).specific
    return list(translated.values())


def override_page_links(source, locale, translated):
    """Point the French page's page links (choosers, foreign keys to pages) at the French
    translations in `translated` ({English page id: French page}) instead of the English pages."""
    instance = source.as_instance()
    for segment in OverridableSegment.objects.filter(source=source).select_related("context"):
        if not links_a_page(type(instance), segment.context.get_field_path(instance)):
            continue
        french = translated.get(segment.data)
        if french is not None:
            SegmentOverride.objects.update_or_create(
                locale=locale,
                context=segment.context,
                defaults={"data_json": json.dumps(french.pk), "has_error": False, "field_error": ""},
            )


def links_a_page(model, field_path):
    """Whether the field (or StreamField block) at `field_path` ("body.lesson_teaser.lesson")
    chooses a page."""
    name, *rest = field_path.split(".")
    field = model._meta.get_field(name)
    if not isinstance(field, StreamField):
        return not rest and field.is_relation and issubclass(field.related_model, Page)
    block = field.stream_block
    for component in rest:
        is_list = isinstance(block, blocks.ListBlock)  # its items' component is "item"
        block = block.child_block if is_list else block.child_blocks[component]
    return isinstance(block, blocks.PageChooserBlock)


# --- the maintainer's export ---------------------------------------------------------------------


def export_po_files(directory=PO_DIRECTORY, existing=PO_DIRECTORY):
    """Write each demo page's PO file to `directory` from its current English segments, keeping the
    French of the files in `existing`: by segment path and English text, else by English text
    alone when every file translates it the same way. Entries whose English is gone are dropped.
    Returns {file name: number of entries still without French}."""
    pages = demo_pages()
    old = {page.slug: read_po(po_path(page, existing)) for page in pages}
    memory = {}
    for po in old.values():
        for entry in po:
            if entry.msgstr and not entry.obsolete and not entry.fuzzy:
                memory.setdefault(entry.msgid, set()).add(entry.msgstr)
    untranslated = {}
    Path(directory).mkdir(parents=True, exist_ok=True)
    for page in pages:
        source = source_for(page)
        kept = {(entry.msgctxt, entry.msgid): entry for entry in old[page.slug] if not entry.obsolete}
        po = polib.POFile()
        po.header = (
            f"French translation of the demo page '{page.title}' ({page.url_path}).\n"
            "msgctxt: the segment's path, with StreamField block ids replaced by positions.\n"
            f"Refresh with {EXPORT_SCRIPT}; load_demo imports it (lms_site/demo/translations.py)."
        )
        po.metadata = {
            "Project-Id-Version": "Pinewood LMS demo",
            "Language": LANGUAGE_CODE,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Transfer-Encoding": "8bit",
        }
        for key in source_segments(source):
            msgctxt, msgid = key
            entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr="")
            if key in kept and kept[key].msgstr:
                entry.msgstr = kept[key].msgstr
                entry.flags = list(kept[key].flags)
                entry.tcomment = kept[key].tcomment
            elif len(memory.get(msgid, ())) == 1:
                (entry.msgstr,) = memory[msgid]
            po.append(entry)
        path = po_path(page, directory)
        po.save(str(path))
        untranslated[path.name] = sum(1 for entry in po if not entry.msgstr)
    return untranslated
