"""`{% course_image image "width-960" alt=... %}`: an `<img>` whose URL suits who may see the image.

An image the page shows to anyone (so a public one) keeps Wagtail's rendition URL, stable
and cacheable. Any other (in a gated section, or a lesson that is not a free preview) gets
a signed URL that expires, answered by `course.images.serve_image` after the access check.
"""

from django import template
from wagtail.images.shortcuts import get_rendition_or_not_found

from course.images import shown_publicly, signed_image_url

register = template.Library()


@register.simple_tag(takes_context=True)
def course_image(context, image, filter_spec, **attrs):
    if not image:
        return ""
    rendition = get_rendition_or_not_found(image, filter_spec)
    if not shown_publicly(context.get("request"), image, context.get("page")):
        attrs["src"] = signed_image_url(image, filter_spec)
    return rendition.img_tag(attrs)
