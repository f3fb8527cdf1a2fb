"""StreamField blocks for lesson bodies.

`GatedSectionBlock` is the one block whose content is enrollment-gated. It never
decides access itself: it reads the `access` object the page put in the render
context (see `course.access`) and renders its public teaser unless that object
grants access. Without a context, it is locked.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtailmedia.blocks import AbstractMediaChooserBlock

from course.access import allows_gated
from course.blocks import FigureBlock, HeadingBlock, QuoteBlock

# A deliberately small, safe set: no raw HTML, no embeds inside rich text.
RICH_TEXT_FEATURES = [
    "bold",
    "italic",
    "link",
    "document-link",
    "ol",
    "ul",
    "h3",
    "h4",
    "superscript",
    "subscript",
]


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text=_("A YouTube or Vimeo URL."))
    title = blocks.CharBlock(
        max_length=120, help_text=_("Announced to screen readers and shown if the video fails.")
    )
    transcript = blocks.TextBlock(required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "lessons/blocks/video.html"


class MediaFileChooserBlock(AbstractMediaChooserBlock):
    """An audio or video file from wagtailmedia's library; `MediaBlock`'s template plays it."""

    def render_basic(self, value, context=None):
        return format_html("{}", value.title) if value else ""


# A BCP 47 language tag as `<track srclang>` wants it: "en", "pt-BR", "zh-Hant".
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def is_webvtt(document):
    """Whether `document` is a WebVTT file: a .vtt name and the "WEBVTT" signature."""
    if document.file_extension.lower() != "vtt":
        return False
    try:
        with document.open_file() as file:
            start = file.read(16)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT")


class MediaBlock(blocks.StructBlock):
    """Self-hosted audio or video (wagtailmedia), played from the plugin's access-checked URL,
    with optional WebVTT captions (a document, checked like any document) and a transcript that
    search reads where the lesson's access rules allow."""

    media = MediaFileChooserBlock(help_text=_("An audio or video file from the Media library."))
    title = blocks.CharBlock(
        max_length=120, help_text=_("Announced to screen readers and shown under the player.")
    )
    captions = DocumentChooserBlock(required=False, help_text=_("Captions: a WebVTT (.vtt) document."))
    captions_language = blocks.CharBlock(
        max_length=35, default="en", help_text=_("The captions' language tag, such as en or pt-BR.")
    )
    transcript = blocks.RichTextBlock(required=False, features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "media"
        label = _("Audio or video")
        template = "lessons/blocks/media.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if value["captions"] is not None and not is_webvtt(value["captions"]):
            errors["captions"] = ValidationError(
                gettext("Choose a WebVTT captions file: a .vtt document whose first line is WEBVTT.")
            )
        if not LANGUAGE_TAG.match(value["captions_language"] or ""):
            errors["captions_language"] = ValidationError(
                gettext("Enter a language tag such as en, fr or pt-BR.")
            )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", _("Note")), ("warning", _("Warning")), ("clinical_tip", _("Clinical tip"))],
        default="note",
    )
    title = blocks.CharBlock(max_length=120, required=False)
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "lessons/blocks/callout.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    label = blocks.CharBlock(max_length=120, required=False, help_text=_("Defaults to the document's title."))
    description = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "lessons/blocks/document.html"


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, default="Key points")
    points = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "lessons/blocks/key_points.html"


class LessonContentBlock(blocks.StreamBlock):
    """Everything a lesson section can contain, except another gated section."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = FigureBlock()
    video = VideoBlock()
    media = MediaBlock()
    callout = CalloutBlock()
    document = DocumentBlock()
    quote = QuoteBlock()
    key_points = KeyPointsBlock()


class GatedSectionBlock(blocks.StructBlock):
    """Content for enrolled students only, with a public teaser for everyone else."""

    title = blocks.CharBlock(max_length=120)
    teaser = blocks.TextBlock(
        max_length=500, help_text=_("Public: shown to visitors who cannot see the content.")
    )
    content = LessonContentBlock()

    class Meta:
        icon = "lock"
        label = _("Gated section (enrolled students only)")
        template = "lessons/blocks/gated_section.html"

    def get_context(self, value, parent_context=None):
        # Build the context by hand rather than from super(): the locked
        # rendering must not even have the gated content in its context.
        parent_context = parent_context or {}
        access = parent_context.get("access")
        unlocked = allows_gated(access)
        context = dict(parent_context)
        context.pop("value", None)
        context.pop("self", None)
        context.update(
            {
                "title": value["title"],
                "teaser": value["teaser"],
                "content": value["content"] if unlocked else None,
                "unlocked": unlocked,
                "access": access,
            }
        )
        return context

    def get_searchable_content(self, value):
        return [value["title"], value["teaser"]]

    def get_api_representation(self, value, context=None):
        return {"title": value["title"], "teaser": value["teaser"], "locked": True}


class QuizChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300)
    correct = blocks.BooleanBlock(required=False)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class QuizQuestionBlock(blocks.StructBlock):
    prompt = blocks.CharBlock(max_length=500)
    multiple = blocks.BooleanBlock(
        required=False, help_text=_("Tick when more than one choice is correct (students see checkboxes).")
    )
    choices = blocks.ListBlock(QuizChoiceBlock(), min_num=2, max_num=10)
    feedback = blocks.TextBlock(
        required=False,
        max_length=1000,
        help_text=_("Shown after the student submits: why the answer is right."),
    )

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct == 0:
            raise blocks.StructBlockValidationError(
                block_errors={"choices": ValidationError(gettext("Mark at least one choice as correct."))}
            )
        if correct > 1 and not value["multiple"]:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "multiple": ValidationError(
                        gettext("Several choices are correct: tick 'multiple' or fix the choices.")
                    )
                }
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A multiple-choice quiz graded on the server.

    The template context is built by hand and holds only prompts and choice
    texts with opaque ids: which choices are correct, and the feedback, stay on
    the server until the student has submitted.
    """

    title = blocks.CharBlock(max_length=120, default="Check your understanding")
    pass_mark = blocks.IntegerBlock(
        min_value=0, max_value=100, default=70, help_text=_("Percentage needed to pass.")
    )
    max_attempts = blocks.IntegerBlock(
        required=False, min_value=1, max_value=100, help_text=_("Leave empty for unlimited attempts.")
    )
    required = blocks.BooleanBlock(
        required=False, default=True, help_text=_("Students must pass this quiz to complete the lesson.")
    )
    questions = blocks.ListBlock(QuizQuestionBlock(), min_num=1, max_num=50)

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "lessons/blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        # Built by hand (not from super()) so the raw value never reaches the template.
        parent_context = parent_context or {}
        block_id = parent_context.get("block_id")
        states = parent_context.get("quiz_states") or {}
        context = {
            key: parent_context[key]
            for key in ("request", "page", "access", "csrf_token", "next_lesson", "course")
            if key in parent_context
        }
        context.update({"quiz": public_quiz(value), "block_id": block_id, "state": states.get(block_id)})
        return context

    def get_searchable_content(self, value):
        return [value["title"]] + [question["prompt"] for question in value["questions"]]

    def get_api_representation(self, value, context=None):
        return {"title": value["title"], "questions": len(value["questions"])}


def public_quiz(value):
    """What a student may see before submitting: no correctness, no feedback."""
    return {
        "title": value["title"],
        "pass_mark": value["pass_mark"],
        "max_attempts": value["max_attempts"],
        "required": value["required"],
        "questions": [
            {
                "id": question.id,
                "prompt": question.value["prompt"],
                "multiple": question.value["multiple"],
                "choices": [
                    {"id": choice.id, "text": choice.value["text"]}
                    for choice in question.value["choices"].bound_blocks
                ],
            }
            for question in value["questions"].bound_blocks
        ],
    }


class LessonBodyBlock(LessonContentBlock):
    gated_section = GatedSectionBlock()
    quiz = QuizBlock()
