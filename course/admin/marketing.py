"""The marketers' dashboard panel: their latest articles, drafts, scheduled articles and the last
30 days of article → course click-through (course/models/article_clicks.py).

Shown to users who may write articles (add or change permission on an article index, through
Wagtail's page permission policy; superusers), and listing only the articles they may change.
Each list is one query of at most `LIMIT` rows (plus Wagtail's prefetch of workflow states for
the status tags), so the panel costs the same whatever the number of articles.
"""

import datetime

from django.db.models import CharField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Revision
from wagtail.permission_policies.pages import PagePermissionPolicy

from course.models import ArticleClick, ArticleIndexPage, ArticlePage

LIMIT = 6
CLICK_DAYS = 30

article_policy = PagePermissionPolicy(ArticlePage)
index_policy = PagePermissionPolicy(ArticleIndexPage)


def can_write_articles(user):
    """Whether `user` may add or change articles under some article index."""
    if not user.is_active or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return index_policy.instances_user_has_any_permission_for(user, {"add", "change"}).exists()


def articles_for(user):
    """The articles `user` may change (under indexes they hold permissions on, or their own
    under an index where they may add), with Wagtail's status and their scheduled go-live."""
    scheduled_at = (
        Revision.page_revisions.filter(
            object_id=Cast(OuterRef("pk"), output_field=CharField()), approved_go_live_at__isnull=False
        )
        .order_by("approved_go_live_at")
        .values("approved_go_live_at")[:1]
    )
    return (
        article_policy.instances_user_has_permission_for(user, "change")
        .annotate(scheduled_at=Subquery(scheduled_at))
        .annotate_approved_schedule()
        .prefetch_workflow_states()
        .defer_streamfields()
    )


def click_rows(articles, since):
    """Clicks per article since `since`: to courses and to lessons (any other linked page), most first."""
    return list(
        ArticleClick.objects.filter(article__in=articles.values("pk"), day__gte=since)
        .values("article_id", "article__draft_title")
        .annotate(
            course=Sum("count", filter=Q(target__coursepage__isnull=False), default=0),
            lessons=Sum("count", filter=Q(target__coursepage__isnull=True), default=0),
            total=Sum("count"),
        )
        .order_by("-total", "article__draft_title")[:LIMIT]
    )


class MarketingPanel(Component):
    name = "marketing"
    order = 80  # after the enrollment panels: a course team's daily work comes first
    template_name = "course/admin/home/marketing_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        articles = articles_for(user)
        since = timezone.localdate() - datetime.timedelta(days=CLICK_DAYS - 1)
        latest = articles.filter(Q(owner=user) | Q(latest_revision__user=user))
        drafts = articles.filter(Q(live=False) | Q(has_unpublished_changes=True), scheduled_at__isnull=True)
        return {
            "request": self.request,
            "latest": list(latest.order_by("-latest_revision_created_at", "-pk")[:LIMIT]),
            "drafts": list(drafts.order_by("-latest_revision_created_at", "-pk")[:LIMIT]),
            "scheduled": list(
                articles.filter(scheduled_at__isnull=False).order_by("scheduled_at", "pk")[:LIMIT]
            ),
            "clicks": click_rows(articles, since),
            "click_days": CLICK_DAYS,
        }

    def render_html(self, parent_context=None):
        if not can_write_articles(self.request.user):
            return ""
        return super().render_html(parent_context)


def add_marketing_panel(request, panels):
    """`construct_homepage_panels` hook: the marketers' panel."""
    panels.append(MarketingPanel(request))
