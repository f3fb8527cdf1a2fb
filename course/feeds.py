"""RSS 2.0 and Atom feeds of an article index, built with Django's syndication framework.

Entries carry the article's own title and intro only: feeds are read by
anyone, so they never render the body (where course and lesson blocks live).
"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from course.models.branding import brand_for

FEED_LENGTH = 20


class ArticleRssFeed(Feed):
    feed_type = Rss201rev2Feed
    route_name = "rss"

    def __init__(self, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request  # page URLs are built for the request's site
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return self.index

    def site_name(self):
        """The organisation's name (course branding), read once per feed."""
        if not hasattr(self, "_site_name"):
            self._site_name = brand_for(self.index.get_site()).name
        return self._site_name

    def title(self, index):
        name = self.site_name()
        return f"{index.title} · {name}" if name else index.title

    def link(self, index):
        return index.get_full_url(self.request)

    def feed_url(self, index):
        return index.get_full_url(self.request) + index.reverse_subpage(self.route_name)

    def description(self, index):
        name = self.site_name()
        if index.intro:
            return index.intro
        if name:
            return gettext("New articles from %(name)s.") % {"name": name}
        return gettext("New articles: %(title)s.") % {"title": index.title}

    def author_name(self, index):
        return self.site_name() or None

    def items(self, index):
        return index.articles().prefetch_related("tagged_items__tag")[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return f"{article.subtitle}. {article.intro}" if article.subtitle else article.intro

    def item_link(self, article):
        return article.get_full_url(self.request)

    def item_guid(self, article):
        return article.get_full_url(self.request)

    def item_pubdate(self, article):
        return article.published_datetime

    def item_updateddate(self, article):
        return article.last_published_at or article.published_datetime

    def item_author_name(self, article):
        return article.author or None

    def item_categories(self, article):
        return [item.tag.name for item in article.tagged_items.all()]


class ArticleAtomFeed(ArticleRssFeed):
    feed_type = Atom1Feed
    route_name = "atom"

    def subtitle(self, index):
        return self.description(index)
