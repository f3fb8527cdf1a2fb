"""Image tags for plugin pages: a responsive `<picture>` whose URLs suit who may see the image.

Each tag offers the image at the widths its filter specs give, in Wagtail's brace syntax
("width-{960,480,1440}"; the first spec is the `<img src>` and sets its `width` and
`height`): as WebP in a `<source>`, and in the image's own format in the `<img srcset>`, with
the `sizes`, `alt`, `class`, `loading`, `fetchpriority`... given, and `decoding="async"`.

- `{% course_image image "width-{960,480,1440}" sizes=... alt=... %}`: an image in page
  content (figure blocks). One the page shows to anyone keeps Wagtail's rendition URLs, stable
  and cacheable. Any other (in a gated section, or a lesson that is not a free preview) gets a
  signed URL that expires for every candidate, answered by `course.images.serve_image` after
  the access check.
- `{% public_image image "width-{720,480,1440}" sizes=... %}`: the hero image of a course or
  an article, on its own public page: Wagtail's rendition URLs, as `{% image %}` gives (their
  files are served only for public images: `course.images.serve_rendition_file`).
- `{% card_image image position=forloop.counter %}`: a card's hero image on a page of cards
  (`course.renditions.CARD_RENDITIONS`, prefetched by `with_hero_images`).
"""

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_renditions_or_not_found

from course.images import shown_publicly, signed_image_url
from course.renditions import CARD_RENDITIONS, as_webp, with_webp

register = template.Library()

# The width of a card in `.card-grid` (course.css): columns of at least 18rem with 1.5rem gaps
# in a container of min(72rem, 100vw - 2rem), so one, two, then three columns.
CARD_SIZES = (
    "(min-width: 74rem) 23rem, (min-width: 59rem) calc((100vw - 5rem) / 3), "
    "(min-width: 39.5rem) calc((100vw - 3.5rem) / 2), calc(100vw - 2rem)"
)
# Cards in the first row of a wide screen load at once; the first is the page's main image.
CARDS_IN_FIRST_ROW = 3


@register.simple_tag(takes_context=True)
def course_image(context, image, filter_spec, **attrs):
    if not image:
        return ""
    signed = not shown_publicly(context.get("request"), image, context.get("page"))
    return picture(image, Filter.expand_spec(filter_spec), attrs, signed=signed)


@register.simple_tag
def public_image(image, filter_spec, **attrs):
    if not image:
        return ""
    return picture(image, Filter.expand_spec(filter_spec), attrs)


@register.simple_tag
def card_image(image, position=None, **attrs):
    """The image of the card at `position` (from 1) in a grid at the top of the page: the first is
    the page's main image (`fetchpriority="high"`), the rest of the first row load at once, later
    cards lazily. A grid further down the page gives no position: all lazy."""
    if not image:
        return ""
    if position == 1:
        attrs.setdefault("fetchpriority", "high")
    elif not position or position > CARDS_IN_FIRST_ROW:
        attrs.setdefault("loading", "lazy")
    attrs.setdefault("sizes", CARD_SIZES)
    attrs.setdefault("class", "card__image")
    attrs.setdefault("alt", "")
    return picture(image, CARD_RENDITIONS, attrs)


def picture(image, specs, attrs, signed=False):
    """A `<picture>` of `image` at `specs` (a WebP source, and an `<img>` whose `src` is
    `specs[0]`), every URL signed (`signed`) or the rendition's own."""
    renditions = get_renditions_or_not_found(image, with_webp(specs))

    def url(spec):
        return signed_image_url(image, spec) if signed else renditions[spec].url

    attrs = {"decoding": "async", **attrs}
    fallback = renditions[specs[0]]
    if not fallback.width:  # the file is missing: a broken image, as Wagtail's tags give
        return fallback.img_tag(attrs)
    webp = [as_webp(spec) for spec in specs]
    source = {"type": "image/webp", "srcset": srcset(renditions, webp, url), "sizes": attrs.get("sizes")}
    attrs["src"] = url(specs[0])
    attrs["srcset"] = srcset(renditions, specs, url)
    return format_html("<picture><source{}>{}</picture>", flatatt(source), fallback.img_tag(attrs))


def srcset(renditions, specs, url):
    """Candidates by width, one per width (a small image gives the same one for several specs)."""
    by_width = {}
    for spec in specs:
        by_width.setdefault(renditions[spec].width, spec)
    return ", ".join(f"{url(spec)} {width}w" for width, spec in sorted(by_width.items()))
