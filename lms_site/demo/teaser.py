"""The demo teaser article: the seed document itself, as structured article blocks.

Every heading and paragraph of the seed becomes its own block, in order. Two
lesson teasers point readers at lessons of the demo course; the loader resolves
them by slug (they show only the lesson's public title and summary).
"""

from django.utils.html import escape

from lms_site.demo.article import load_article

ARTICLE_SLUG = "mesotherapy-for-lower-back-pain"
ARTICLE_INDEX_SLUG = "articles"
COURSE_TAGS = ["Mesotherapy", "Lower back pain", "Pain management"]
# (lesson slug, the seed heading after whose section the teaser follows)
TEASERS = [
    ("muscle-strain-and-acute-injury", "Causes of lower back pain"),
    ("mesotherapy-injections", "Care and treatment"),
]


def teaser_placeholder(lesson_slug):
    """Resolved by `load_demo` to a `LessonTeaserBlock` value for the lesson with this slug."""
    return ("lesson_teaser", {"lesson_slug": lesson_slug})


def article_data():
    a = load_article()
    teaser_after = {heading: slug for slug, heading in TEASERS}
    body = []
    for section in a.sections:
        if section.heading:
            body.append(("heading", {"text": section.heading, "level": "h2"}))
        body += [("paragraph", f"<p>{escape(text)}</p>") for text in section.paragraphs]
        if section.heading in teaser_after:
            body.append(teaser_placeholder(teaser_after[section.heading]))
    return {
        "title": a.title,
        "slug": ARTICLE_SLUG,
        "date": a.date,
        "subtitle": "Where the pain comes from, and how mesotherapy helps with acute and chronic cases",
        "author": "Pinewood Academy",
        "intro": " ".join(
            [
                a.sentence("Lower back pain is a common musculoskeletal disorder"),
                a.sentence("Mesotherapy is useful for the management"),
            ]
        ),
        "body": body,
        "tags": ["Mesotherapy", "Lower back pain"],
        "hero_figure": "spine",
    }


def index_data():
    return {
        "title": "Articles",
        "slug": ARTICLE_INDEX_SLUG,
        "intro": "Articles on mesotherapy and the conditions it treats, from the Pinewood Academy team.",
    }
