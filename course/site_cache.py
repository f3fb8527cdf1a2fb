"""The request's Wagtail site, and its root page ready to route, from Django's cache.

Wagtail looks the site up by hostname and port and then loads the root page's specific
object on every request: two queries before routing starts, for rows that change only when
an editor changes a site or publishes its root page. `CachedSiteMiddleware` keeps both in
the cache under the request's hostname and port, and hands the site to Wagtail the way
`Site.find_for_request` keeps it for the rest of the request (`request._wagtail_site`, which
that method documents), so routing, settings and URLs all use it without a query.

Entries are kept per host name that ALLOWED_HOSTS admits (Django refuses the others before
this runs). When ALLOWED_HOSTS has a wildcard, only a site found by its own host name is kept,
so made-up host names falling back to the default site cannot fill the cache.
Reachability and view restrictions are read fresh while routing (course/routing.py): the
cached root page decides nothing about access.

The entry also says where the site's catalogues sit below its root page (`CataloguePlace`), so a
request for a course, lesson or article under a school's own pages is routed through them in the
catalogue's two queries (`course.routing.route_through_host`), before Wagtail's serve view routes
one host page at a time. A place gone stale (a page renamed or moved since) is noticed in those
rows and left to Wagtail.

With Wagtail's localisation on (`WAGTAIL_I18N_ENABLED`), the entry also keeps the root page's live
translations and their catalogues: the request is routed from the root in its language, as
Wagtail's `root_page.localized` would find it, without looking the active locale up.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.http.request import split_domain_port
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Site

from course import conf, health
from course.cache_versions import move_on
from course.models import CourseIndexPage
from course.routing import CataloguePlace, route_through_host

# Every cached site is stored under a key naming this generation; a change to a site or to a
# site's root page moves it on, so nobody reads an entry written before the change again.
GENERATION_KEY = "pinewood:site:generation"


def site_cache_timeout():
    """A day, but at most a few seconds with a cache each process keeps for itself."""
    return conf.shared_cache_timeout(24 * 60 * 60)


@dataclass(frozen=True)
class CachedSite:
    site: Site  # with its root page's specific object loaded
    catalogues: tuple  # CataloguePlace of each catalogue below the root page, deepest first
    # With localisation on: {language code: (the root page's live translation, its catalogues)}
    # for every locale but the root page's own.
    translations: dict = field(default_factory=dict)

    def root_for(self, language):
        """(the root page in `language`, or the root page itself when it has no live translation
        in it, and that root's catalogue places)."""
        try:
            code = get_supported_content_language_variant(language)
        except LookupError:
            code = None
        return self.translations.get(code) or (self.site.root_page.specific, self.catalogues)


def _site_key(generation, hostname, port):
    return f"pinewood:site:{generation}:{hostname}:{port}"


def catalogue_places(root):
    """Where the catalogues below `root` (not `root` itself) sit, each with its page (public, like
    the root page kept beside it), deepest first."""
    catalogues = CourseIndexPage.objects.filter(path__startswith=root.path, depth__gt=root.depth)
    places = [CataloguePlace(page.pk, page.path, page.depth, page.url_path, page) for page in catalogues]
    return tuple(sorted(places, key=lambda place: -place.depth))


def translated_roots(root):
    """{language code: (live translation of `root`, its catalogue places)}, with localisation on."""
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return {}
    translations = root.get_translations().live().select_related("locale").specific()
    return {page.locale.language_code: (page, catalogue_places(page)) for page in translations}


def _hosts_are_listed():
    """Whether ALLOWED_HOSTS names each host, so the cache holds as many entries as it lists."""
    return not any(host == "*" or host.startswith(".") for host in settings.ALLOWED_HOSTS)


def forget_sites():
    """Make every cached site stale, now and once the change commits."""
    move_on([GENERATION_KEY])


def cached_site_for(request):
    """The site Wagtail would find for `request` with its catalogues' places (a `CachedSite`),
    from the cache when it is there; None when no site answers."""
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()
    generation = cache.get(GENERATION_KEY, 0)
    key = _site_key(generation, hostname, port)
    entry = cache.get(key)
    if isinstance(entry, CachedSite):
        return entry
    site = Site.find_for_request(request)
    if site is None:
        return None
    # Loaded now so the cached copy routes without a query.
    entry = CachedSite(site, catalogue_places(site.root_page.specific), translated_roots(site.root_page))
    if site.hostname == hostname or _hosts_are_listed():
        cache.set(key, entry, site_cache_timeout())
    return entry


def route_to_catalogue(request, entry, path):
    """Wagtail's route for `path` when it leads to or below one of the site's catalogues
    (`route_through_host`), else None for Wagtail to route. With localisation on, the route
    starts from the root page in the request's language, and any path is routed here from it:
    Wagtail would route it from the same page, after a query for the active locale."""
    components = [component for component in path.split("/") if component]
    root, catalogues = entry.root_for(translation.get_language())
    child_models = tuple(CourseIndexPage.clean_subpage_models())
    for place in catalogues:
        routed = route_through_host(root, place, request, components, child_models)
        if routed is not None:
            return routed
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return root.route(request, components)
    return None


class CachedSiteMiddleware:
    """Give Wagtail the request's site from the cache (see the module docstring).

    Place it after `CommonMiddleware`, which has checked the host name against ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if health.is_probe(request):  # /healthz and /readyz answer without the cache or the database
            return self.get_response(request)
        entry = cached_site_for(request)
        request._wagtail_site = entry.site if entry is not None else None
        request._pinewood_site = entry
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Route a page under a catalogue here; Wagtail's serve view then uses the result, which
        `Page.route_for_request` documents it keeps in `request._wagtail_route_for_request`."""
        entry = getattr(request, "_pinewood_site", None)
        if view_func is not wagtail_views.serve or entry is None:
            return None
        if not entry.catalogues and not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        try:
            routed = route_to_catalogue(request, entry, path)
        except Http404:
            request._wagtail_route_for_request = None
            return None
        if routed is not None:
            request._wagtail_route_for_request = routed
        return None
