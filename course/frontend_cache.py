"""Purge a front-end cache (CDN, Varnish) of the pages a change makes stale.

Anonymous visitors' copies of the catalogue, course, module, article index and article
pages, the article feeds and free-preview lessons may be kept by a shared cache
(course/cache_headers.py). Wagtail's `wagtail.contrib.frontend_cache` purges a page's own
URL when it is published or unpublished (a live page being deleted is unpublished first),
never on a move. This module purges the rest:

- the pages that show the changed page: for a lesson, module or course, the course's
  overview, its module pages and free-preview lessons (they list the syllabus) and the
  catalogue (cards count lessons); for a course also the articles that promote it; for
  an article, its index with both feeds and the catalogue (latest articles); for an
  article index, its feeds, its articles and the catalogue;
- when a page is unpublished, deleted or moved, everything under it that may be cached
  (its descendants answer 404 or move), and on a move the page itself at its old and
  new URL;
- with Wagtail's localisation on, the live translations of those changed pages: their
  language switcher and hreflang links name the changed page only while it is live and
  reachable (course/templatetags/course_languages.py).

URLs are collected when the signal arrives (the tree as it was; a deleted page still has
its URL) and purged once the transaction commits (a move's old URLs with its new ones): a
purge before the commit could let a request cache the old page again. Through `PurgeBatch`,
so Wagtail's backends and its purge task do the work. Without `WAGTAILFRONTENDCACHE` (or
`_LOCATION`) there is no backend, Wagtail purges nothing, and neither does this module
(nothing is collected).

Variants with a query string (catalogue filters and pages, article list pages) are not
purged: they expire after `PINEWOOD_PUBLIC_S_MAXAGE`.
"""

import threading

from django.conf import settings
from django.db import transaction
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from course.models import (
    AbstractLessonPage,
    ArticleIndexPage,
    ArticlePage,
    CourseIndexPage,
    CoursePage,
    ModulePage,
)

FEED_ROUTES = ("rss", "atom")


class Pending(threading.local):
    """The URLs collected in this thread since the last purge, and which courses or indexes
    were already expanded (deleting a course unpublishes each of its pages in turn)."""

    def __init__(self):
        self.batch = None
        self.expanded = set()

    def add(self, *, now=True):
        """The batch to add URLs to; purged once the transaction commits (with `now`, else at
        the next change that asks: a move purges its old URLs after the move)."""
        if self.batch is None:
            self.batch = PurgeBatch()
        if now:
            # Every change asks; the first callback to run purges all, the others find nothing.
            transaction.on_commit(self.purge)
        return self.batch

    def purge(self):
        batch, self.batch, self.expanded = self.batch, None, set()
        if batch is not None and batch.urls:
            batch.purge()


pending = Pending()


def purging_enabled():
    """Whether a front-end cache backend is configured (Wagtail reads the same two settings)."""
    return bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def lesson_models():
    return [model for model in get_page_models() if issubclass(model, AbstractLessonPage)]


def may_be_cached(page):
    """Lessons are shared only as free previews; every other plugin page may be."""
    return not isinstance(page, AbstractLessonPage) or page.is_preview is True


def course_pages(course):
    """The course's pages that show its syllabus: overview, live modules, live free previews."""
    pages = [course, *ModulePage.objects.child_of(course).live()]
    for model in lesson_models():
        pages += model.objects.descendant_of(course).live().filter(is_preview=True)
    return pages


def catalogue_of(page):
    return CourseIndexPage.objects.ancestor_of(page).first()


def expanded_once(anchor, expand):
    """`expand()` the first time `anchor` (a course or article index) is met before a purge, else [].

    Deleting a course unpublishes each of its pages in turn: the course is expanded once.
    """
    if anchor is None:
        return []
    key = (anchor.pk, anchor.url_path)
    if key in pending.expanded:
        return []
    pending.expanded.add(key)
    return expand()


def pages_showing(page):
    """The pages, besides `page`, whose anonymous copies show something of it (see the docstring)."""
    if isinstance(page, (CoursePage, ModulePage, AbstractLessonPage)):
        course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
        related = expanded_once(course, lambda: [*course_pages(course), catalogue_of(course)])
        if isinstance(page, CoursePage):
            related += page.promoting_articles.live()
    elif isinstance(page, ArticlePage):
        index = ArticleIndexPage.objects.ancestor_of(page).first()
        related = expanded_once(index, lambda: [index, catalogue_of(index)])
    elif isinstance(page, ArticleIndexPage):
        related = [*ArticlePage.objects.child_of(page).live(), catalogue_of(page)]
    else:
        related = []
    return [other for other in related if other is not None and other.pk != page.pk]


def subtree(page):
    """Live pages under `page` that may be cached (they answer 404 after it goes, or move with it)."""
    if not page.numchild:
        return []
    return [other for other in page.get_descendants().live().specific() if may_be_cached(other)]


def translations_of(pages):
    """The live translations of `pages` that may be cached (other than `pages`), in one query."""
    if not pages or not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return []
    others = (
        Page.objects.filter(translation_key__in={page.translation_key for page in pages})
        .exclude(pk__in=[page.pk for page in pages])
        .live()
        .specific()
    )
    return [other for other in others if may_be_cached(other)]


def add_page(batch, page, itself=True):
    """The page's URLs (unless Wagtail purges them itself), and an article index's feeds."""
    if itself:
        batch.add_page(page)
    if isinstance(page, ArticleIndexPage):
        url = page.get_full_url(batch)
        if url is not None:
            batch.add_urls(url + page.reverse_subpage(route) for route in FEED_ROUTES)


def collect(page, *, itself, descendants, now=True):
    if not purging_enabled():
        return
    page = page.specific
    batch = pending.add(now=now)
    add_page(batch, page, itself=itself)
    below = subtree(page) if descendants else []
    for other in pages_showing(page) + below + translations_of([page, *below]):
        add_page(batch, other)


def published(sender, instance, **kwargs):
    collect(instance, itself=False, descendants=False)


def unpublished(sender, instance, **kwargs):
    collect(instance, itself=False, descendants=True)


def moving(sender, instance, **kwargs):
    """Before a move: the page, its subtree and what shows it, at the old URLs (purged after the move,
    which Wagtail may run outside a transaction)."""
    if instance.live:
        collect(instance, itself=True, descendants=True, now=False)


def moved(sender, instance, **kwargs):
    """After a move: the same at the new URLs, and the old ones with them."""
    if instance.live:
        collect(instance, itself=True, descendants=True)


def connect():
    page_published.connect(published, dispatch_uid="course.frontend_cache.published")
    page_unpublished.connect(unpublished, dispatch_uid="course.frontend_cache.unpublished")
    pre_page_move.connect(moving, dispatch_uid="course.frontend_cache.moving")
    post_page_move.connect(moved, dispatch_uid="course.frontend_cache.moved")
