"""The image renditions plugin pages show on cards, fetched for a whole page of cards at once."""

from django.db.models import Prefetch
from wagtail.images import get_image_model

CARD_RENDITION = "fill-640x360"


def hero_images():
    """Prefetch for `hero_image` with its card rendition, so a page of cards costs two queries."""
    return Prefetch("hero_image", queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION))
