"""Whether a page can be reached at its URL: the bottom layer under the access policy.

Wagtail serves a live page even when a parent is unpublished; course content must not
be reachable that way (a lesson under a withdrawn module is not part of the course).
So a plugin page answers 404, stays out of sitemaps, API listings and search, and is
not shown in teasers unless it and every ancestor below the tree root are live.

This module imports no models of the plugin, so page models, blocks and the access
policy (course/access.py) can all build on it.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from django.http import Http404
from wagtail.models import Page, PageViewRestriction


def ancestors_live(page):
    """Every ancestor below the tree root, and the page itself, is published."""
    if not page.live:
        return False
    return not Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def with_live_ancestors(pages):
    """Narrow a page queryset to pages no unpublished ancestor hides (they answer 404).

    The queryset form of `ancestors_live` for listings (the API): one correlated
    subquery, so the cost does not grow with the number of unpublished pages.
    """
    hidden_ancestor = Page.objects.filter(
        live=False,
        depth__gt=1,
        depth__lt=OuterRef("depth"),
        path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen),
    )
    reachable = Page.objects.filter(live=True).exclude(Exists(hidden_ancestor))
    return pages.filter(pk__in=reachable.values("pk"))  # a plain lookup, which search backends accept


def without_view_restrictions(pages):
    """Narrow a page queryset to pages no view restriction (password, login, groups) covers.

    Wagtail's `.public()` does the same with one more query (it lists every restriction);
    this is one correlated subquery inside the listing's own query.
    """
    restricted_above = PageViewRestriction.objects.filter(
        page__depth__lte=OuterRef("depth"),
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen),
    )
    return pages.exclude(Exists(restricted_above))


def publicly_visible(page):
    """A page may be shown to anyone only while it is reachable and no view restriction covers it."""
    if page is None or not page.live:
        return False
    return ancestors_live(page) and without_view_restrictions(Page.objects.filter(pk=page.pk)).exists()


class ReachablePageMixin:
    """For plugin page models: 404 and no sitemap entry while the page is not reachable.

    Put it before `RoutablePageMixin` in the bases, so the page's routes are guarded too.
    Override `is_reachable(request)` when the page already decides reachability as part
    of a larger decision (a lesson's access decision does), so it is made once.
    """

    def is_reachable(self, request=None):
        return ancestors_live(self)

    def serve(self, request, *args, **kwargs):
        if not self.is_reachable(request):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_reachable() else []
