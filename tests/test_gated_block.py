"""GatedSectionBlock fails closed: without a granting access object it renders only its teaser."""

import pytest
from wagtail.rich_text import RichText

from course.access import Access
from lessons.blocks import GatedSectionBlock, LessonBodyBlock

CANARY = "CANARY-gated-7f3a9c"


@pytest.fixture
def block():
    return GatedSectionBlock()


@pytest.fixture
def value(block):
    return block.to_python(
        {
            "title": "Injection protocol",
            "teaser": "Enrolled students learn the full protocol.",
            "content": [{"type": "paragraph", "value": f"<p>{CANARY} secret protocol</p>"}],
        }
    )


def test_renders_teaser_and_not_content_without_context(block, value):
    html = block.render(value)
    assert "Enrolled students learn the full protocol." in html
    assert "Injection protocol" in html
    assert CANARY not in html


@pytest.mark.parametrize(
    "context",
    [
        {},
        {"access": None},
        {"access": True},  # a bare truthy value is not an access decision
        {"access": {"can_view": True}},
        {"access": Access(can_view=False, reason="not_enrolled")},
        {"access": Access(can_view=True, reason="preview")},  # free preview opens the body only
        {"access": Access(can_view=False, reason="x", can_view_gated=True)},
    ],
)
def test_anything_but_a_granting_access_is_locked(block, value, context):
    html = block.render(value, context=context)
    assert CANARY not in html
    assert "Enrolled students learn the full protocol." in html


def test_renders_content_with_granting_access(block, value):
    html = block.render(
        value, context={"access": Access(can_view=True, reason="enrolled", can_view_gated=True)}
    )
    assert CANARY in html


def test_searchable_content_is_only_title_and_teaser(block, value):
    searchable = " ".join(block.get_searchable_content(value))
    assert "Injection protocol" in searchable
    assert "full protocol" in searchable
    assert CANARY not in searchable


def test_api_representation_excludes_content(block, value):
    assert CANARY not in str(block.get_api_representation(value))


def test_inside_a_lesson_body_the_stream_renders_locked_by_default():
    body_block = LessonBodyBlock()
    stream = body_block.to_python(
        [
            {"type": "paragraph", "value": "<p>Public paragraph</p>"},
            {
                "type": "gated_section",
                "value": {
                    "title": "T",
                    "teaser": "Teaser",
                    "content": [{"type": "paragraph", "value": CANARY}],
                },
            },
        ]
    )
    assert CANARY not in str(stream)
    assert CANARY not in body_block.render(stream)
    assert "Public paragraph" in str(stream)
    searchable = " ".join(body_block.get_searchable_content(stream))
    assert "Public paragraph" in searchable and CANARY not in searchable
    assert isinstance(stream[1].value["content"][0].value, RichText)
