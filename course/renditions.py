"""The image renditions plugin pages show on cards, fetched for a whole page of cards at once."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

CARD_RENDITION = "fill-640x360"


def with_hero_images(pages):
    """`pages` with each `hero_image` joined and its card rendition prefetched (as Wagtail's
    `prefetch_renditions` does), so a page of cards costs one query more than its pages."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_RENDITION)
    return pages.select_related("hero_image").prefetch_related(
        Prefetch("hero_image__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )
