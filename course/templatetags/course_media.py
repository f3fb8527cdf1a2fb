"""`{% media_src media %}` and `{% media_poster media %}`: the access-checked URLs of an audio or
video file and of its poster (course/media_files.py), never the storage's own URL; and
`{% resume_position positions block_id %}`, the student's saved place in a block (seconds)."""

from django import template

from course.media_files import media_url

register = template.Library()


@register.simple_tag
def media_src(media):
    return media_url(media) if media is not None else ""


@register.simple_tag
def media_poster(media):
    return media_url(media, thumbnail=True) if media is not None and media.thumbnail else ""


@register.simple_tag
def resume_position(positions, block_id):
    """Seconds to resume a block at, from `{block id: seconds}`; 0 when nothing is saved."""
    return f"{(positions or {}).get(block_id, 0):.1f}"
