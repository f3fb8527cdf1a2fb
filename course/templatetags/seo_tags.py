"""`{% seo_tags %}`: description, canonical URL, Open Graph, Twitter card and JSON-LD for a page.

Each page type may offer `seo_description()`, `seo_image()` and `json_ld(request)`;
every value they return is public by design (summaries, intros, hero images), and
the fallbacks below use only public fields too. Lesson bodies are never read. A page
without JSON-LD of its own that lists pages (`listed_pages` in its context, e.g. the
catalogue's courses) gets a schema.org `ItemList` of their URLs.
"""

import json
from urllib.parse import urljoin

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from course.models.branding import brand_for

register = template.Library()

SHARE_RENDITION = "fill-1200x630"
DESCRIPTION_LENGTH = 300
# Keep a JSON document from closing the <script> element it lives in.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def description_of(page):
    describe = getattr(page, "seo_description", None)
    text = describe() if callable(describe) else ""
    text = text or page.search_description or getattr(page, "summary", "") or getattr(page, "intro", "")
    return Truncator(" ".join(str(text).split())).chars(DESCRIPTION_LENGTH)


def share_image(page, base_url):
    """(absolute URL, width, height, alt) of the page's share rendition, or None."""
    choose = getattr(page, "seo_image", None)
    image = choose() if callable(choose) else None
    if image is None:
        return None
    try:
        rendition = image.get_rendition(SHARE_RENDITION)
    except Exception:  # noqa: BLE001 - a missing or broken file must not break the page
        return None
    return {
        "url": urljoin(base_url, rendition.url),  # absolute, on the site's own host like the canonical
        "width": rendition.width,
        "height": rendition.height,
        "alt": getattr(image, "description", "") or image.title,
    }


def csp_nonce(request):
    """The request's Content-Security-Policy nonce (django-csp), or "" without the middleware."""
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    return str(nonce) if nonce is not None else ""


def json_ld_script(data, nonce=""):
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(JSON_SCRIPT_ESCAPES)
    # A data block, not run; still, under a strict script-src every <script> carries the nonce.
    nonce_attribute = format_html(' nonce="{}"', nonce) if nonce else ""
    return format_html('<script type="application/ld+json"{}>{}</script>', nonce_attribute, mark_safe(text))  # noqa: S308


def item_list(pages, request, start=1):
    """schema.org `ItemList` of the pages a listing shows, numbered from `start` (its page of results)."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "url": page.get_full_url(request)}
            for position, page in enumerate(pages, start=start)
        ],
    }


@register.inclusion_tag("course/includes/seo.html", takes_context=True)
def seo_tags(context):
    page = context.get("page")
    request = context.get("request")
    if page is None or not hasattr(page, "get_full_url"):
        return {"page": None}
    brand = brand_for(request if request is not None else page.get_site())  # read once per request
    canonical = page.get_full_url(request)
    image = share_image(page, canonical or "")
    build_json_ld = getattr(page, "json_ld", None)
    data = build_json_ld(request) if callable(build_json_ld) else None
    listed = context.get("listed_pages")
    if data is None and listed:
        page_obj = context.get("page_obj")
        data = item_list(listed, request, start=page_obj.start_index() if page_obj is not None else 1)
    if data is not None and image is not None:
        data.setdefault("image", image["url"])
    is_article = bool(data) and data.get("@type") == "Article"
    return {
        "page": page,
        "title": page.seo_title or page.title,
        "description": description_of(page),
        "canonical": canonical,
        "site_name": brand.name,
        "og_type": "article" if is_article else "website",
        "published": data.get("datePublished") if is_article else None,
        "image": image,
        "json_ld": json_ld_script(data, csp_nonce(request)),
    }
