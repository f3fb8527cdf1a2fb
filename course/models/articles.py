"""Teaser articles: marketing pages that lead readers towards courses.

Articles are public by nature, so nothing here may carry gated lesson content:
the body's lesson and course blocks (see `course.blocks`) read public fields
only, and feeds use the article's own intro.
"""

import datetime

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from rest_framework.fields import Field
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.permissions import policy_registry
from wagtail.search import index

from course.blocks import ArticleBodyBlock
from course.cache_headers import PAGE_ITSELF, public_when_anonymous
from course.models.article_clicks import FOLLOW_ROUTE, ArticleLinks, follow_link
from course.models.branding import brand_for
from course.reachability import ReachablePageMixin, publicly_visible
from course.renditions import with_hero_images
from course.templating import HostLayoutMixin

ARTICLES_PER_PAGE = 12


class PublicPromotedCourseField(Field):
    """The API's `promoted_course`, shown only while the course is publicly reachable.

    Same representation as Wagtail gives a related page (id, type, URLs, title);
    an unpublished course stays unannounced (null), as on the article page itself.
    """

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance.visible_promoted_course

    def to_representation(self, course):
        # Wagtail's API modules load models on import, so they cannot load while models do.
        from wagtail.api.v2.serializers import PageSerializer, get_serializer_class  # noqa: PLC0415

        serializer_class = get_serializer_class(
            type(course),
            ["id", "type", "detail_url", "html_url", "title"],
            meta_fields=["type", "detail_url", "html_url"],
            base=PageSerializer,
        )
        return serializer_class(context=self.context).to_representation(course)


class ArticleIndexPage(HostLayoutMixin, ReachablePageMixin, RoutablePageMixin, Page):
    """The list of teaser articles, with RSS (`feed/`) and Atom (`feed/atom/`) feeds."""

    intro = models.TextField(blank=True, max_length=600)

    parent_page_types = ["course.CourseIndexPage"]
    subpage_types = ["course.ArticlePage"]
    max_count_per_parent = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("article index")

    def articles(self):
        """Live, public articles under this index, newest first."""
        return (
            ArticlePage.objects.child_of(self)
            .live()
            .public()
            .order_by("-date", "-first_published_at", "-pk")
            .defer_streamfields()
        )

    def serve(self, request, *args, **kwargs):
        # The list and both feeds are the same for every anonymous visitor.
        response = super().serve(request, *args, **kwargs)
        return public_when_anonymous(response, request, routes=(PAGE_ITSELF, "rss", "atom"))

    @path("")
    def index_route(self, request):
        paginator = Paginator(with_hero_images(self.articles()), ARTICLES_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        return self.render(request, context_overrides={"page_obj": page_obj, "articles": page_obj})

    @path("feed/", name="rss")
    def rss_route(self, request):
        from course.feeds import ArticleRssFeed  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return ArticleRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_route(self, request):
        from course.feeds import ArticleAtomFeed  # noqa: PLC0415 - a page hands off to its view (views import the models)

        return ArticleAtomFeed(self)(request)


def article_images(hero_image, body):
    """Every image an article shows: its hero image and the images of its body's figure blocks."""
    images = [hero_image] if hero_image is not None else []
    images += [child.value["image"] for child in body or () if child.block_type == "image"]
    return [image for image in images if image is not None]


class ArticlePageForm(WagtailAdminPageForm):
    """An article may show only images its editor may choose.

    The image chooser lists marketers' own collection only, but the form would
    accept any image id, including figures used inside gated lessons; an article
    would then show that image to its editor (preview) and to everyone. Images
    the article already uses stay accepted, so editing an article someone else
    illustrated keeps working.
    """

    def clean(self):
        cleaned_data = super().clean()
        policy = policy_registry.get_by_type(get_image_model())
        already_used = {image.pk for image in article_images(self.instance.hero_image, self.instance.body)}
        user = self.for_user
        for image in article_images(cleaned_data.get("hero_image"), cleaned_data.get("body")):
            if image.pk in already_used:
                continue
            if user is None or not policy.user_has_any_permission_for_instance(
                user, ["choose", "change"], image
            ):
                field = "hero_image" if image == cleaned_data.get("hero_image") else None
                self.add_error(field, gettext("You do not have permission to use one of the chosen images."))
                break
        return cleaned_data


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("course.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(HostLayoutMixin, ReachablePageMixin, RoutablePageMixin, Page):
    """A teaser article. Its publication date defaults to the day it is first published.

    Its links to courses and lessons go through `go/<page id>/`, which counts the click
    (course/models/article_clicks.py).
    """

    subtitle = models.CharField(max_length=200, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the article, on cards and when the article is shared."),
    )
    author = models.CharField(max_length=120, blank=True, help_text=_("The name shown as the byline."))
    date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the day the article is first published."),
    )
    intro = models.TextField(
        max_length=600, help_text=_("One or two sentences shown on cards, in feeds and search results.")
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    promoted_course = models.ForeignKey(
        "course.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promoting_articles",
        help_text=_("The course this article leads to; its call to action closes the article."),
    )

    parent_page_types = ["course.ArticleIndexPage"]
    subpage_types = []
    base_form_class = ArticlePageForm

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        FieldPanel("hero_image"),
        FieldRowPanel([FieldPanel("author"), FieldPanel("date")], heading=_("Byline")),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("promoted_course"), FieldPanel("tags")], heading=_("Promotion")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("author"),
        index.FilterField("date"),
    ]
    api_fields = [
        APIField("subtitle"),
        APIField("hero_image"),
        APIField("author"),
        APIField("date"),
        APIField("intro"),
        APIField("tags"),
        # Only while the course is publicly reachable: an unpublished course stays unannounced.
        APIField("promoted_course", serializer=PublicPromotedCourseField()),
    ]

    class Meta:
        verbose_name = _("article")

    def save(self, *args, **kwargs):
        # Publishing (also a scheduled go-live) sets first_published_at before saving.
        if self.date is None and self.first_published_at is not None:
            self.date = timezone.localdate(self.first_published_at)
        return super().save(*args, **kwargs)

    @property
    def publication_date(self):
        """The date readers see: the chosen date, else the first (or scheduled) publication."""
        if self.date:
            return self.date
        moment = self.first_published_at or self.go_live_at
        return timezone.localdate(moment) if moment else timezone.localdate()

    @property
    def published_datetime(self):
        """The publication date as an aware datetime (feeds and JSON-LD want a time)."""
        day = self.publication_date
        if self.first_published_at and timezone.localdate(self.first_published_at) == day:
            return self.first_published_at
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))

    @property
    def visible_promoted_course(self):
        """The promoted course while it is publicly reachable, else None."""
        course = self.promoted_course
        return course if course is not None and publicly_visible(course) else None

    def serve(self, request, *args, **kwargs):
        # The article is shared; its counting redirects (`go/`) are private.
        return public_when_anonymous(super().serve(request, *args, **kwargs), request)

    @path("go/<int:page_id>/", name=FOLLOW_ROUTE)
    def follow_route(self, request, page_id):
        return follow_link(request, self, page_id)

    def get_context(self, request, *args, **kwargs):
        from course.views import article_context  # noqa: PLC0415 - a page hands off to its view (views import the models)

        context = super().get_context(request, *args, **kwargs)
        context.update(article_context(request, self))
        context["article_links"] = ArticleLinks(request, self)
        return context

    # --- SEO -------------------------------------------------------------------------------------

    def seo_description(self):
        return self.search_description or self.intro

    def seo_image(self):
        return self.hero_image

    def json_ld(self, request=None):
        """schema.org `Article`. A byline that is the organisation's name (Settings → Course branding,
        else the site's name) is the organisation, not a person, and is typed `Organization`."""
        site = Site.find_for_request(request) if request is not None else self.get_site()
        organisation = {
            "@type": "Organization",
            "name": brand_for(request if request is not None else site).name,
        }
        if site is not None:
            organisation["url"] = site.root_url
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "description": self.seo_description(),
            "datePublished": self.published_datetime.isoformat(),
            "dateModified": (self.last_published_at or self.published_datetime).isoformat(),
            "mainEntityOfPage": self.get_full_url(request),
            "url": self.get_full_url(request),
        }
        if organisation["name"]:
            data["publisher"] = organisation
        author = " ".join(self.author.split())
        if author and author.casefold() == organisation["name"].casefold():
            data["author"] = organisation
        elif author:
            data["author"] = {"@type": "Person", "name": author}
        if self.tags.all():
            data["keywords"] = ", ".join(tag.name for tag in self.tags.all())
        return data
