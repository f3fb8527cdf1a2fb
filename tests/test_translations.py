"""The plugin's French catalogues: complete, compiled from the committed .po files, and used.

Each app ships `locale/fr/LC_MESSAGES/django.po` and its compiled `django.mo` (the wheel carries
both). A message added to a template without its French, an entry left fuzzy, or a .mo not
rebuilt after editing the .po fails here.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = [ROOT / app / "locale" / "fr" / "LC_MESSAGES" / "django.po" for app in ("course", "lessons")]
ENTRY = re.compile(r"\n\n(?=(?:#.*\n)*(?:msgctxt|msgid) )")


def unquote(lines):
    return "".join(
        line.split('"', 1)[1].rsplit('"', 1)[0].encode("latin-1", "backslashreplace").decode("unicode_escape")
        for line in lines
    )


def entries(po_file):
    """(flags, context, msgid, plural msgid, [msgstr…]) of each entry but the header."""
    text = po_file.read_text(encoding="utf-8")
    for block in ENTRY.split(text)[1:]:
        fields, flags, current = {}, "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                fields[current].append(line)
            else:
                current = line.split(" ", 1)[0]
                fields[current] = [line]
        strings = [unquote(fields[key]) for key in sorted(fields) if key.startswith("msgstr")]
        yield (
            flags,
            unquote(fields["msgctxt"]) if "msgctxt" in fields else None,
            unquote(fields["msgid"]),
            unquote(fields["msgid_plural"]) if "msgid_plural" in fields else None,
            strings,
        )


@pytest.mark.parametrize("po_file", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_message_has_its_french_and_the_mo_file_is_current(po_file):
    with po_file.with_suffix(".mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    header = po_file.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "fuzzy" not in header and '"Language: fr\\n"' in header
    checked = 0
    for flags, context, msgid, plural, strings in entries(po_file):
        assert "fuzzy" not in flags, msgid
        assert strings and all(strings), f"no French for {msgid!r}"
        # Every placeholder of the English is in the French, and nothing else.
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", strings[0])), msgid
        key = msgid if context is None else f"{context}\x04{msgid}"
        if plural is None:
            assert compiled.gettext(key) == strings[0], f"{msgid!r}: the .mo file is older than the .po"
        else:
            assert compiled.ngettext(key, plural, 1) == strings[0]
            assert compiled.ngettext(key, plural, 5) == strings[1], f"{msgid!r}: the .mo file is older"
        checked += 1
    assert checked > 50


def test_pages_render_in_french(gated_course):
    preview = gated_course.lessons[0]
    with translation.override("fr"):
        expected = [translation.gettext("Course outline"), translation.gettext("Free preview")]
        page = Client().get(preview.url).content.decode()
    assert all(french in page for french in expected), expected
    assert "Course outline" not in page
    english = Client().get(preview.url).content.decode()
    assert "Course outline" in english
