"""`/robots.txt`: where the sitemap is, and the plugin's paths crawlers have no use for.

A host mounts the view at its root, adding its own private paths (admin, accounts):

    path("robots.txt", robots_txt, {"disallow": ["/admin/", "/accounts/"]})

The Sitemap line is absolute, on the request's Wagtail Site (its hostname and port, as in
the sitemap and the feeds), so it names the production address once the Site record does.
"""

from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.models import Site

from course.cache_headers import public_when_anonymous


def sitemap_path():
    """Where the host mounted Wagtail's sitemap view, or None."""
    try:
        return reverse(sitemap)
    except NoReverseMatch:
        return None


def robots_txt(request, disallow=()):
    # The student dashboard is per user and search results are endless query variations.
    paths = [*disallow, reverse("course:dashboard"), reverse("course:search")]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in dict.fromkeys(paths))]
    path = sitemap_path()
    if path is not None:
        site = Site.find_for_request(request)
        base = site.root_url if site is not None else f"{request.scheme}://{request.get_host()}"
        lines += ["", f"Sitemap: {base}{path}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    return public_when_anonymous(response, request)
