"""Whether a page can be reached at its URL: the bottom layer under the access policy.

Wagtail serves a live page even when a parent is unpublished; course content must not
be reachable that way (a lesson under a withdrawn module is not part of the course).
So a plugin page answers 404, stays out of sitemaps, API listings and search, and is
not shown in teasers unless it and every ancestor below the tree root are live.

A page being served carries its `Lineage`: itself and its ancestors as read in this
request (by the catalogue's routing, course/routing.py, or by the view-restriction check
Wagtail makes before serving), with whether each carries a view restriction, so reachability,
view restrictions (unless one is set) and the access policy's course lookup cost no further
query.

This module imports no models of the plugin, so page models, blocks and the access
policy (course/access.py) can all build on it.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Substr
from django.http import Http404
from wagtail.models import Page, PageViewRestriction


@dataclass(frozen=True)
class LineageRow:
    pk: int
    depth: int
    path: str
    content_type_id: int
    live: bool
    alias_of_id: int | None
    restricted: bool  # a view restriction (password, log-in, groups) is set on this page


LINEAGE_FIELDS = ("pk", "depth", "path", "content_type_id", "live", "alias_of_id", "restricted")


def lineage_values(pages, *extra_fields):
    """`pages` as rows of `LINEAGE_FIELDS` (then `extra_fields`): whether a page carries a view
    restriction is a subquery of the same query, so pages without one cost no further query."""
    restricted = Exists(PageViewRestriction.objects.filter(page=OuterRef("pk")))
    return pages.annotate(restricted=restricted).values_list(*LINEAGE_FIELDS, *extra_fields)


@dataclass(frozen=True)
class Lineage:
    """A page and all its ancestors (tree root included), as read in this request while routing
    (course/routing.py): enough to decide reachability and view restrictions without asking the
    database again. Never cached beyond the page instance it is attached to."""

    rows: tuple  # LineageRow, by depth, the page last

    @classmethod
    def of(cls, page):
        """The lineage routing attached to `page`, or None (then ask the database)."""
        lineage = page.__dict__.get("_pinewood_lineage")
        if isinstance(lineage, cls) and (lineage.rows[-1].pk, lineage.rows[-1].path) == (page.pk, page.path):
            return lineage
        return None

    @classmethod
    def read(cls, page):
        """The lineage of `page` from the database (one query), attached to it; None if the page
        is not in the tree as `page` says."""
        above = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
        rows = lineage_values(Page.objects.filter(path__in=above).order_by("path"))
        lineage = cls(tuple(LineageRow(*values) for values in rows))
        if len(lineage.rows) != len(above) or lineage.rows[-1].pk != page.pk:
            return None
        return lineage.attach(page)

    def attach(self, page):
        page.__dict__["_pinewood_lineage"] = self
        return self

    @property
    def all_live(self):
        return all(row.live for row in self.rows if row.depth > 1)

    @property
    def restricted_pks(self):
        return [row.pk for row in self.rows if row.restricted]

    @property
    def has_alias(self):
        return any(row.alias_of_id is not None for row in self.rows)

    def pks_of(self, model):
        """Ids of the pages in the lineage whose model is `model` or a subclass, top first."""
        pks = []
        for row in self.rows:
            row_model = ContentType.objects.get_for_id(row.content_type_id).model_class()
            if row_model is not None and issubclass(row_model, model):
                pks.append(row.pk)
        return pks


def ancestors_live(page):
    """Every ancestor below the tree root, and the page itself, is published."""
    if not page.live:
        return False
    lineage = Lineage.of(page)
    if lineage is not None:
        return lineage.all_live
    if page.depth <= 2:  # only the tree root is above, and it is never served
        return True
    return not Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def hidden_by_an_ancestor():
    """Whether an unpublished ancestor (below the tree root) hides the outer query's page: a
    correlated subquery on the tree path, for `Exists()`."""
    return Exists(
        Page.objects.filter(
            live=False,
            depth__gt=1,
            depth__lt=OuterRef("depth"),
            path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen),
        )
    )


def with_live_ancestors(pages):
    """Narrow a page queryset to pages no unpublished ancestor hides (they answer 404).

    The queryset form of `ancestors_live` for listings (the API): one correlated
    subquery, so the cost does not grow with the number of unpublished pages.
    """
    reachable = Page.objects.filter(live=True).exclude(hidden_by_an_ancestor())
    return pages.filter(pk__in=reachable.values("pk"))  # a plain lookup, which search backends accept


def reachable_pages(pages):
    """Narrow a small page queryset (a page's translations) to live pages no unpublished ancestor
    hides, in the same query: `with_live_ancestors` without its detour through every live page."""
    return pages.filter(live=True).exclude(hidden_by_an_ancestor())


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

    def get_view_restrictions(self):
        """Wagtail's rule (the page's and its ancestors' restrictions, aliases resolved to their
        source), on the ancestors read while routing (`Lineage`), or read here in one query that
        then answers `is_reachable` too."""
        lineage = Lineage.of(self) or Lineage.read(self)
        if lineage is None or lineage.has_alias:
            return super().get_view_restrictions()
        if not lineage.restricted_pks:  # the usual case: nothing to read
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=lineage.restricted_pks)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.is_reachable() else []
