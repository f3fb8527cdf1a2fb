"""`{% language_alternates %}` and `{% language_switcher %}`: the page being shown in each language.

- `{% language_alternates %}`, in `<head>`: a `<link rel="alternate" hreflang="…">` with the
  absolute URL of each language version, itself included, and `hreflang="x-default"` for the
  default language's (`LANGUAGE_CODE`) when there is one.
- `{% language_switcher %}`, in the header: a `<nav>` listing the same versions by their names
  in their own language (`LANGUAGES`), the current one marked `aria-current`.

A Wagtail page (`page` in the context, while the request is for its URL or one of its routes) has
its live translations that no unpublished ancestor hides: one query, with their locales, and none
while no site's root page is translated; their URLs come from Wagtail's site root paths, kept on
the request, so each costs no query. A route of the page (`progress/`) keeps its path in every
language. A language without a published, reachable version gets no link. Any other view under
`i18n_patterns` (search, the dashboard, account pages, certificate checks) is offered in every
language of `LANGUAGES`, as Django's `translate_url` gives its path. Both tags output nothing
with Wagtail's localisation off (`WAGTAIL_I18N_ENABLED`), with a single language, on a page
without a translation, and for URLs outside `i18n_patterns`.

Links list only URLs, language codes and names, never a page's content: a gated lesson's
translations are the same lesson, locked the same way (course/access.py).
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.encoding import escape_uri_path
from wagtail.coreutils import get_content_languages
from wagtail.models import Page, Site

from course.reachability import reachable_pages

register = template.Library()

# The links worked out for a request, kept on it: the head and the header ask for the same ones.
REQUEST_ATTRIBUTE = "_pinewood_language_links"


@dataclass(frozen=True)
class LanguageLink:
    code: str  # the language code, for hreflang and lang
    name: str  # the language's name in that language
    url: str  # for the switcher: a path on this site, as page links are
    full_url: str  # for hreflang: absolute
    current: bool  # the version being shown


def localisation_on():
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False)) and len(settings.LANGUAGES) > 1


def language_name(code):
    """The name `LANGUAGES` gives the language, read in that language (a label marked for
    translation says its own name); Django's local name for a code `LANGUAGES` does not list."""
    try:
        listed = translation.get_supported_language_variant(code)
    except LookupError:
        listed = None
    label = dict(settings.LANGUAGES).get(listed)
    if label is None:
        try:
            return translation.get_language_info(code)["name_local"]
        except KeyError:
            return code
    with translation.override(listed):
        return str(label)


def language_order(code):
    """Languages in the order the settings list them (the switcher reads the same on every page)."""
    codes = [*get_content_languages(), *(listed for listed, _ in settings.LANGUAGES)]
    return codes.index(code) if code in codes else len(codes)


def page_links(page, request):
    """The live, reachable translations of `page` (itself included) when the request is for the
    page or one of its routes, [] when it has none to link; None when the request is for another
    URL (a view showing the page: its own URL is translated instead)."""
    parts = page.get_url_parts(request=request)
    if not parts or parts[2] is None:
        return None
    route = escape_uri_path(request.path)
    if not route.startswith(parts[2]):
        return None
    route = route[len(parts[2]) :]
    # A translation is served only under a translation of a site's root page: while no root page has
    # one (Wagtail's site root paths, kept in Django's cache), no page has one to link.
    if len({root.language_code for root in Site.get_site_root_paths()}) < 2:
        return []
    # Base pages: their URLs need only the tree, and `.specific` would cost a query per model.
    translations = reachable_pages(Page.objects.filter(translation_key=page.translation_key))
    links = []
    for version in translations.select_related("locale"):
        url, full_url = version.get_url(request), version.get_full_url(request)
        if url is None or full_url is None:  # not under any site: nowhere to link
            continue
        code = version.locale.language_code
        current = version.pk == page.pk
        links.append(LanguageLink(code, language_name(code), url + route, full_url + route, current))
    if not any(link.current for link in links):
        return []  # the page itself is not among them (being previewed, or hidden since): no links
    return sorted(links, key=lambda link: language_order(link.code))


def view_links(request):
    """The request's URL in every language of `LANGUAGES`, for a view that is not a page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name == "wagtail_serve":
        return []  # a page's URL with no page to show (its 404): nothing to translate
    path = request.get_full_path()
    site = Site.find_for_request(request)
    root_url = site.root_url if site is not None else f"{request.scheme}://{request.get_host()}"
    current = translation.get_language()
    links = []
    for code, _ in settings.LANGUAGES:
        url = translate_url(path, code)
        links.append(LanguageLink(code, language_name(code), url, root_url + url, code == current))
    if len({link.url for link in links}) < len(links):
        return []  # outside i18n_patterns, or a path that does not resolve: one URL for all
    return links


def links_for(context):
    request = context.get("request")
    if request is None or not localisation_on():
        return []
    page = context.get("page")
    key = (page.pk if isinstance(page, Page) else None, request.get_full_path())
    cached = request.__dict__.get(REQUEST_ATTRIBUTE)
    if cached is not None and cached[0] == key:
        return cached[1]
    links = page_links(page, request) if isinstance(page, Page) else None
    if links is None:
        links = view_links(request)
    if len(links) < 2:
        links = []  # the page in one language only: nothing to switch to
    request.__dict__[REQUEST_ATTRIBUTE] = (key, links)
    return links


def default_link(links):
    """The version in the default language (`LANGUAGE_CODE`), for hreflang's x-default, or None."""
    try:
        default = translation.get_supported_language_variant(settings.LANGUAGE_CODE)
    except LookupError:
        default = settings.LANGUAGE_CODE
    return next((link for link in links if link.code in (default, settings.LANGUAGE_CODE)), None)


@register.inclusion_tag("course/includes/language_alternates.html", takes_context=True)
def language_alternates(context):
    links = links_for(context)
    return {"links": links, "default": default_link(links) if links else None}


@register.inclusion_tag("course/includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    return {"links": links_for(context)}
