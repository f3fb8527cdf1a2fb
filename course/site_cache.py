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
"""

from django.conf import settings
from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.models import Site

from course import conf
from course.cache_versions import move_on

# Every cached site is stored under a key naming this generation; a change to a site or to a
# site's root page moves it on, so nobody reads an entry written before the change again.
GENERATION_KEY = "pinewood:site:generation"


def site_cache_timeout():
    """A day, but at most a few seconds with a cache each process keeps for itself."""
    return conf.shared_cache_timeout(24 * 60 * 60)


def _site_key(generation, hostname, port):
    return f"pinewood:site:{generation}:{hostname}:{port}"


def _hosts_are_listed():
    """Whether ALLOWED_HOSTS names each host, so the cache holds as many entries as it lists."""
    return not any(host == "*" or host.startswith(".") for host in settings.ALLOWED_HOSTS)


def forget_sites():
    """Make every cached site stale, now and once the change commits."""
    move_on([GENERATION_KEY])


def cached_site_for(request):
    """The site Wagtail would find for `request`, from the cache when it is there."""
    hostname = split_domain_port(request.get_host())[0]
    port = request.get_port()
    generation = cache.get(GENERATION_KEY, 0)
    key = _site_key(generation, hostname, port)
    site = cache.get(key)
    if site is not None:
        return site
    site = Site.find_for_request(request)
    if site is not None and (site.hostname == hostname or _hosts_are_listed()):
        site.root_page.specific  # noqa: B018 - loaded now so the cached copy routes without a query
        cache.set(key, site, site_cache_timeout())
    return site


class CachedSiteMiddleware:
    """Give Wagtail the request's site from the cache (see the module docstring).

    Place it after `CommonMiddleware`, which has checked the host name against ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = cached_site_for(request)
        return self.get_response(request)
