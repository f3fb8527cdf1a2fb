"""The demo teaser article: a marketer's invitation to the course, built from its public parts only.

An article is public, so it quotes only what the course already shows everyone:
its description, the free-preview lesson's open text, the module introductions,
the lessons' summaries and the learning outcomes. Nothing from a lesson a visitor
cannot open, or from a gated section, may appear here (tests/test_demo_content.py
checks the rendered page). It links into the free-preview lesson with a lesson
teaser, which the loader resolves by slug, and closes with the promoted course.
"""

from django.utils.html import escape

from lms_site.demo.article import load_article
from lms_site.demo.course import PREVIEW_LESSON_SLUG, course_data

ARTICLE_SLUG = "mesotherapy-for-lower-back-pain"
ARTICLE_INDEX_SLUG = "articles"
COURSE_TAGS = ["Mesotherapy", "Lower back pain", "Pain management"]


def teaser_placeholder(lesson_slug, link_label=""):
    """Resolved by `load_demo` to a `LessonTeaserBlock` value for the lesson with this slug."""
    return ("lesson_teaser", {"lesson_slug": lesson_slug, "link_label": link_label})


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def paragraph(text):
    return ("paragraph", f"<p>{escape(text)}</p>")


def bullets(items):
    return ("paragraph", "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")


def public_blocks(lesson, name):
    """The values of a lesson's `name` blocks outside gated sections (a free preview shows them)."""
    return [value for block, value in lesson["body"] if block == name]


def article_data():
    course = course_data()
    lessons = {lesson["slug"]: lesson for module in course["modules"] for lesson in module["lessons"]}
    preview = lessons[PREVIEW_LESSON_SLUG]
    if not preview.get("preview"):
        raise ValueError(f"The article quotes lesson {PREVIEW_LESSON_SLUG!r}, which must be a free preview.")
    (kinds,) = public_blocks(preview, "key_points")

    body = [
        *course["description"],
        heading("Three kinds of lower back pain"),
        bullets(kinds["points"]),
        teaser_placeholder(PREVIEW_LESSON_SLUG, "Read the free lesson"),
        heading("What the course covers"),
    ]
    for module in course["modules"]:
        body += [
            heading(module["title"], "h3"),
            paragraph(module["intro"]),
            bullets([lesson["summary"] for lesson in module["lessons"]]),
        ]
    body += [
        heading("What you will be able to do"),
        bullets(course["learning_outcomes"]),
    ]
    return {
        "title": "Acute, subacute or chronic? A first look at lower back pain",
        "slug": ARTICLE_SLUG,
        "date": load_article().date,  # the seed article's own date
        "subtitle": "Read the free first lesson of our mesotherapy course, and see where the rest of it goes",
        "author": "Pinewood Academy",
        "intro": (
            "How long has the pain lasted? The first lesson of the Pinewood mesotherapy course starts "
            "with the question every case of lower back pain starts with, and it is free to read."
        ),
        "body": body,
        "tags": ["Mesotherapy", "Lower back pain"],
    }


def index_data():
    return {
        "title": "Articles",
        "slug": ARTICLE_INDEX_SLUG,
        "intro": "Articles on mesotherapy and the conditions it treats, from the Pinewood Academy team.",
    }
