"""Article → course click-through, counted first-party, without cookies or personal data.

A teaser article's links to courses and lessons go through the article's `go/<page id>/`
route (`follow_link`), which adds one to a per-day counter for (article, target page) and
redirects to the target. Nothing about the visitor is stored or set: no cookie, address, user
or user agent. HEAD requests and obvious bots are redirected without counting. Only the pages
the article itself links (its promoted course, its course call-to-action and lesson teaser
blocks) are accepted, and only while they are publicly reachable: the route is neither an
open redirect nor a counter of arbitrary ids. The redirect is never cached (each click must
reach the server); the article page itself stays publicly cacheable.
"""

from django.db import models
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from course.cache_headers import private_response
from course.reachability import publicly_visible

# The article's route name, and the body blocks whose page it accepts (block type -> field).
FOLLOW_ROUTE = "go"
LINKING_BLOCKS = {"course_cta": "course", "lesson_teaser": "lesson"}
# A user agent containing one of these (or none at all) is a robot: redirected, not counted.
BOT_MARKERS = ("bot", "crawler", "spider")


class ArticleClick(models.Model):
    """How many times, on one day, readers followed an article's link to one course or lesson."""

    article = models.ForeignKey("course.ArticlePage", on_delete=models.CASCADE, related_name="clicks")
    target = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article click")
        constraints = [
            models.UniqueConstraint(fields=["article", "target", "day"], name="course_articleclick_daily")
        ]

    def __str__(self):
        return f"{self.article_id} → {self.target_id} on {self.day}: {self.count}"

    @classmethod
    def record(cls, article, target):
        """Add one click for today. Safe when many arrive at once: the day's row is created once
        (the unique constraint; get_or_create retries the read), then incremented in the database."""
        click, created = cls.objects.get_or_create(
            article=article, target=target, day=timezone.localdate(), defaults={"count": 1}
        )
        if not created:
            cls.objects.filter(pk=click.pk).update(count=F("count") + 1)


def linked_page_ids(article):
    """The ids of the pages `article` links to: its promoted course and its blocks' pages.

    Read from the stored block data, so no page is loaded to answer.
    """
    ids = {article.promoted_course_id} if article.promoted_course_id else set()
    for block in article.body.raw_data:
        field = LINKING_BLOCKS.get(block["type"])
        value = block["value"].get(field) if field else None
        if isinstance(value, int):
            ids.add(value)
    return ids


def counts_as_click(request):
    """A GET from something that is not an obvious robot."""
    agent = request.headers.get("User-Agent", "").lower()
    return request.method == "GET" and bool(agent) and not any(marker in agent for marker in BOT_MARKERS)


def follow_link(request, article, page_id):
    """The article's `go/<page id>/` route: count the click, then redirect (302) to the page.

    404 for a page the article does not link, or one that is not publicly reachable.
    """
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if page_id not in linked_page_ids(article):
        raise Http404
    target = Page.objects.filter(pk=page_id).first()
    url = target.get_url(request) if target is not None and publicly_visible(target) else None
    if url is None:
        raise Http404
    if counts_as_click(request):
        ArticleClick.record(article, target)
    return private_response(HttpResponseRedirect(url))


class ArticleLinks:
    """The hrefs an article's templates give its links to courses and lessons.

    Through the counting route while the live article is served; straight to the page in a
    preview, where a draft may link pages the live article does not (yet).
    """

    def __init__(self, request, article):
        self.request = request
        self.article = article
        live_view = article.live and not getattr(request, "is_preview", False)
        self.article_url = article.get_url(request) if live_view else None

    def url_for(self, page_id, direct_url):
        """The counted URL of the article's link to page `page_id`, else `direct_url`."""
        if self.article_url is None or page_id is None:
            return direct_url
        return self.article_url + self.article.reverse_subpage(FOLLOW_ROUTE, kwargs={"page_id": page_id})

    @cached_property
    def promoted_course_url(self):
        course = self.article.promoted_course
        if course is None or self.article_url is None:
            return course.get_url(self.request) if course is not None else None
        return self.url_for(course.pk, None)
