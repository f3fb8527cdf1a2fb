"""Routing below a catalogue in two queries, whatever the depth of the page.

Wagtail routes a URL one level at a time, with a query for each child and another for
its specific object: a lesson (catalogue > course > module > lesson) costs six below the
catalogue, and reachability and view restrictions then read its ancestors again. Below a
catalogue the plugin reads, in one query, every page whose URL path is a prefix of the
requested one together with the catalogue's ancestors, then loads the deepest page's
specific object. The rows read on the way (`Lineage`) answer reachability and view
restrictions for that page without another query.

The result is Wagtail's: the same page and arguments, the same 404s. A page on the way
whose model routes differently (its own `route()`, or a routable page whose sub-route
matches the rest of the path) gets the rest of the path, as Wagtail would hand it over.
Nothing is cached: the rows are read fresh in every request.

Above a catalogue, a school's own pages are routed by Wagtail, a query or two per page. When
the request's site says where its catalogues are (`CataloguePlace`, kept with the cached site by
course/site_cache.py), `route_through_host` reads those host pages in the same single query and
routes through them as `Page.route` would, provided each routes the plain way; anything else is
left to Wagtail.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from course.reachability import Lineage, LineageRow, lineage_values


def _passes_through(model, row, remaining):
    """Whether Wagtail, routing through this page, would go on to its child `remaining[0]`."""
    if model.route is Page.route:
        return True
    if model.route is RoutablePageMixin.route:
        if not row.live:
            return True
        path = "/" + "".join(f"{component}/" for component in remaining)
        try:
            model.get_resolver().resolve(path)
        except Exception:  # Resolver404 (an Http404): no sub-route, so the child is next
            return True
        return False
    return False  # a route() of its own: it decides


@dataclass(frozen=True)
class CataloguePlace:
    """Where a catalogue sits in the tree: enough to route below it before loading it."""

    pk: int
    path: str
    depth: int
    url_path: str
    page: Page | None = None  # the catalogue's specific object, when kept with the place


def lineage_rows(page, path_components):
    """`page`'s ancestors and itself, then its descendants whose URL path is a prefix of the one
    `path_components` name, as (`LineageRow`, url_path) in path order, and those prefixes: one query."""
    above = [page.path[:end] for end in range(Page.steplen, len(page.path) + 1, Page.steplen)]
    prefixes, url_path = [], page.url_path
    for component in path_components:
        url_path += f"{component}/"
        prefixes.append(url_path)
    # Both halves are index lookups (the tree path; the slug, which Wagtail indexes), so the
    # query costs the same however many pages the site has.
    rows = Page.objects.filter(
        Q(path__in=above)
        | Q(
            slug__in=set(path_components),
            path__startswith=page.path,
            depth__gt=page.depth,
            depth__lte=page.depth + len(prefixes),
            url_path__in=prefixes,
        )
    ).order_by("path")
    found = [(LineageRow(*values[:-1]), values[-1]) for values in lineage_values(rows, "url_path")]
    return found, prefixes


def route_below(page, request, path_components, child_models):
    """Route `path_components` below `page` (a catalogue) as `Page.route` would, in two queries.

    Only into children whose model is one of `child_models` (the catalogue's own subpage
    types): a page some other way put under the catalogue is routed the Wagtail way. Returns
    None for that, and when the rows do not form one clean chain (two siblings sharing a
    slug, a page that moved while being read): the caller then routes the Wagtail way.
    """
    rows, prefixes = lineage_rows(page, path_components)
    return _follow_chain(page, rows, prefixes, request, path_components, child_models)


def route_through_host(root, place, request, path_components, child_models):
    """Route `path_components` (from the site's root page `root`) to or below the catalogue at
    `place` in two queries, instead of Wagtail's one or two per host page above the catalogue.

    Returns None, for the caller to route the Wagtail way, unless the path runs through
    `place`, `root` and every host page between route the plain `Page.route` way, and the
    rows read confirm that `place` is still where it was (moved or renamed pages fall back).
    """
    relative = place.url_path[len(root.url_path) :] if place.url_path.startswith(root.url_path) else None
    steps = [slug for slug in (relative or "").split("/") if slug]
    if (
        not steps
        or not place.path.startswith(root.path)
        or list(path_components[: len(steps)]) != steps
        or type(root).route is not Page.route
    ):
        return None
    below = list(path_components[len(steps) :])
    rows, prefixes = lineage_rows(place, below)
    host = [(row, url_path) for row, url_path in rows if root.depth < row.depth < place.depth]
    at_place = [url_path for row, url_path in rows if row.pk == place.pk and row.path == place.path]
    if at_place != [place.url_path] or len(host) != place.depth - root.depth - 1:
        return None
    for row, _ in host:
        model = ContentType.objects.get_for_id(row.content_type_id).model_class()
        if model is None or model.route is not Page.route:
            return None
    if below:
        return _follow_chain(place, rows, prefixes, request, below, child_models)
    # The catalogue itself: its row is the last one read.
    catalogue = place.page
    if catalogue is None:
        model = ContentType.objects.get_for_id(rows[-1][0].content_type_id).model_class()
        catalogue = model.objects.filter(pk=place.pk).first() if model is not None else None
    if catalogue is None:
        return None
    Lineage(tuple(row for row, _ in rows)).attach(catalogue)
    return catalogue.route(request, [])


def _follow_chain(page, rows, prefixes, request, path_components, child_models):
    ancestors = [row for row, _ in rows if row.depth <= page.depth]
    below = [(row, url_path) for row, url_path in rows if row.depth > page.depth]
    if not ancestors or ancestors[-1].pk != page.pk:
        return None
    chain = []
    for depth, prefix in enumerate(prefixes, start=page.depth + 1):
        parent_path = chain[-1].path if chain else page.path
        found = [
            row
            for row, url_path in below
            if row.depth == depth and url_path == prefix and row.path.startswith(parent_path)
        ]
        if len(found) != 1:
            break
        chain.append(found[0])
    # Every descendant read must be a link of the chain, else the tree is not what it seems.
    if not chain or len(below) != len(chain):
        return None

    for index, row in enumerate(chain):
        remaining = path_components[index + 1 :]
        model = ContentType.objects.get_for_id(row.content_type_id).model_class()
        if model is None or not issubclass(model, child_models if index == 0 else Page):
            return None
        is_last = index == len(chain) - 1
        if is_last or not remaining or not _passes_through(model, row, remaining):
            target = model.objects.filter(pk=row.pk).first()
            if target is None:
                return None
            Lineage(tuple(ancestors + chain[: index + 1])).attach(target)
            return target.route(request, remaining)
    return None
