"""StreamField blocks for course overview pages (not lesson content: that lives in `lessons`)."""

from wagtail import blocks


class InstructorBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    role = blocks.CharBlock(max_length=120, required=False, help_text="e.g. 'Mesotherapist, course lead'")
    bio = blocks.TextBlock(required=False, max_length=800)

    class Meta:
        icon = "user"
        template = "course/blocks/instructor.html"
