"""The image renditions plugin pages show, and the card renditions fetched for a whole page of cards.

Pages offer each image at a few widths, each in the image's own format and as WebP
(`{% course_image %}` and its siblings in course/templatetags/course_images.py).
"""

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.images import get_image_model

WEBP = "format-webp"

# A card's image: 16:9, cropped around the image's focal point (Wagtail's `fill`), so an editor
# who sets one keeps what matters (a figure's title) on every card. The first is the `<img src>`.
CARD_RENDITION = "fill-640x360"
CARD_RENDITIONS = (CARD_RENDITION, "fill-320x180", "fill-960x540")


def as_webp(spec):
    return f"{spec}|{WEBP}"


def with_webp(specs):
    """`specs`, then each of them as WebP: every rendition a `<picture>` of `specs` uses."""
    return [*specs, *map(as_webp, specs)]


def _card_renditions(lookup="renditions"):
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=with_webp(CARD_RENDITIONS))
    )
    # `prefetched_renditions` is where Wagtail's `get_rendition` looks first.
    return Prefetch(lookup, queryset=renditions, to_attr="prefetched_renditions")


def with_hero_images(pages):
    """`pages` with each `hero_image` joined and its card renditions prefetched (as Wagtail's
    `prefetch_renditions` does), so a page of cards costs one query more than its pages."""
    return pages.select_related("hero_image").prefetch_related(_card_renditions("hero_image__renditions"))


def prefetch_card_renditions(*page_lists):
    """The card renditions of the hero images of pages loaded with `select_related("hero_image")`,
    fetched for several lists of cards in one query."""
    images = [page.hero_image for pages in page_lists for page in pages if page.hero_image_id]
    if images:
        prefetch_related_objects(images, _card_renditions())
