"""StreamField blocks for course pages and teaser articles, and the plain content blocks (heading,
image, quote) that lesson bodies share; gated and quiz blocks live in `lessons`."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from course.models.lesson_contract import AbstractLessonPage
from course.reachability import publicly_visible


class InstructorBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    role = blocks.CharBlock(max_length=120, required=False, help_text=_("e.g. 'Mesotherapist, course lead'"))
    bio = blocks.TextBlock(required=False, max_length=800)

    class Meta:
        icon = "user"
        template = "course/blocks/instructor.html"


# --- content blocks shared by lesson bodies and articles ---------------------------------


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "course/blocks/heading.html"

    def get_searchable_content(self, value):
        return [value["text"]]  # not the level's label


class FigureBlock(blocks.StructBlock):
    """An image with mandatory alt text, so every image in a lesson or article is accessible."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250, help_text=_("Describe what the image shows for people who cannot see it.")
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "course/blocks/figure.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=1000)
    attribution = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "course/blocks/quote.html"


# --- teaser articles -------------------------------------------------------------------------
# Articles are public marketing pages. They may point at courses and lessons, but the
# blocks below build their template context by hand from public fields only, so a
# lesson's body can never reach an article, whoever edits it.

ARTICLE_RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


def article_link(parent_context, page_id, url):
    """The href of a link to page `page_id`: counted when an article renders the block (its
    `article_links`, course/models/article_clicks.py), else `url`."""
    links = (parent_context or {}).get("article_links")
    return links.url_for(page_id, url) if links is not None else url


class CourseCallToActionBlock(blocks.StructBlock):
    """Points readers at a course; shows only the course's public overview fields."""

    course = blocks.PageChooserBlock(page_type="course.CoursePage")
    heading = blocks.CharBlock(max_length=120, required=False, help_text=_("Defaults to the course title."))
    text = blocks.TextBlock(max_length=500, required=False, help_text=_("Defaults to the course summary."))
    button_label = blocks.CharBlock(
        max_length=60, required=False, help_text=_("Defaults to 'View the course'.")
    )

    class Meta:
        icon = "pick"
        label = _("Course call to action")
        template = "course/blocks/course_cta.html"

    def get_context(self, value, parent_context=None):
        course = value["course"]
        shown = publicly_visible(course)
        return {
            "cta": {
                "heading": value["heading"] or course.title,
                "text": value["text"] or course.summary,
                "button_label": value["button_label"] or gettext("View the course"),
                "url": course.url,
                "link_url": article_link(parent_context, course.pk, course.url),
                "level": course.get_level_display(),
                "duration": course.duration,
            }
            if shown
            else None
        }

    def get_api_representation(self, value, context=None):
        course = value["course"]
        return {"course": course.pk} if publicly_visible(course) else None


class LessonTeaserBlock(blocks.StructBlock):
    """Teases one lesson with its public title, summary and link, and nothing else.

    The lesson type is named by string because `course` never imports `lessons`;
    only `title`, `summary` and `url` are read from it.
    """

    lesson = blocks.PageChooserBlock(page_type="lessons.LessonPage")
    link_label = blocks.CharBlock(
        max_length=60, required=False, help_text=_("Defaults to 'Read the lesson'.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Lesson teaser")
        template = "course/blocks/lesson_teaser.html"

    def get_context(self, value, parent_context=None):
        # Built by hand (not from super()): the template never holds the lesson object.
        teaser = lesson_teaser(value["lesson"], value["link_label"])
        if teaser is not None:
            teaser["link_url"] = article_link(parent_context, value["lesson"].pk, teaser["url"])
        return {"teaser": teaser}

    def get_api_representation(self, value, context=None):
        return lesson_teaser(value["lesson"], value["link_label"])


def lesson_teaser(lesson, link_label=""):
    """The public face of a lesson, or None when the lesson is not publicly reachable."""
    if not publicly_visible(lesson):
        return None
    return {
        "title": lesson.title,
        "summary": lesson.summary,
        "url": lesson.url,
        "is_preview": isinstance(lesson, AbstractLessonPage) and lesson.is_preview is True,
        "link_label": link_label or gettext("Read the lesson"),
    }


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=ARTICLE_RICH_TEXT_FEATURES, icon="pilcrow")
    image = FigureBlock()
    quote = QuoteBlock()
    course_cta = CourseCallToActionBlock()
    lesson_teaser = LessonTeaserBlock()
