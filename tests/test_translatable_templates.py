"""Every user-facing string in the plugin's templates, and in the demo host's (`templates/`: header,
footer, error and account pages), is marked for translation.

Django's template lexer splits each template into text, variable, block and comment tokens. Text
outside `{% translate %}`/`{% blocktranslate %}` is what a French page would still show in
English: any word left in a text token, or in an attribute people read (alt, aria-label, title,
placeholder), fails here with the file and the words. Inside `<script>` and `<style>` nothing
is read.
"""

import html
import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[1]
# The plugin's apps' templates and the demo host's site-wide ones (TEMPLATES["DIRS"]).
TEMPLATE_DIRS = (ROOT / "course" / "templates", ROOT / "lessons" / "templates", ROOT / "templates")
TEMPLATES = sorted(
    path for folder in TEMPLATE_DIRS for path in folder.rglob("*") if path.suffix in {".html", ".txt"}
)
READ_ATTRIBUTES = re.compile(r"""\b(alt|aria-label|title|placeholder)\s*=\s*(["'])(.*?)\2""", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# Not words for people: the doctype and tokens that read the same in every language.
NOT_WORDS = {"DOCTYPE", "html", "PDF", "CSV", "XLSX", "CPD", "JSON", "URL", "ID", "RSS", "Atom"}


def visible_source(source):
    """The template's HTML with every tag, variable and translated run replaced by a blank: what
    is left is text nobody marked. Tags may span tokens (`<a href="{% url … %}">`), so the text
    tokens are joined before the HTML is read. `{% block body_class %}` and other `*class` blocks
    hold CSS class names."""
    parts, depth, blocks = [], 0, []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name, _, rest = token.contents.partition(" ")
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            elif name == "block":
                blocks.append(rest.strip())
            elif name == "endblock" and blocks:
                blocks.pop()
            parts.append(" ")
        elif (
            token.token_type == TokenType.TEXT and depth == 0 and not any(b.endswith("class") for b in blocks)
        ):
            parts.append(token.contents)
        else:
            parts.append(" ")
    return HTML_COMMENT.sub(" ", SCRIPT_OR_STYLE.sub(" ", "".join(parts)))


def unmarked_words(source):
    text = visible_source(source)
    words = []
    for _, _, value in READ_ATTRIBUTES.findall(text):
        words += WORD.findall(html.unescape(value))
    words += WORD.findall(html.unescape(TAG.sub(" ", text)))
    return [word for word in words if word not in NOT_WORDS]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(path):
    words = unmarked_words(path.read_text(encoding="utf-8"))
    assert not words, f"unmarked text in {path.relative_to(ROOT)}: {' '.join(words[:20])}"


def test_the_check_finds_unmarked_text():
    """The checker itself: plain text, a read attribute and text after a block all count."""
    source = (
        '{% load i18n %}<p>{% translate "Marked" %}</p><p>Left over</p><img alt="A chart">'
        "{% if x %}<span>After a tag</span>{% endif %}"
        "{% blocktranslate %}Inside {{ x }}{% endblocktranslate %}<script>var notText = 1;</script>"
        '{% block body_class %}page-x{% endblock %}<a href="{% url "y" %}">Linked words</a>'
    )
    assert unmarked_words(source) == ["chart", "Left", "over", "After", "tag", "Linked", "words"]
