"""The Marketing panel on the Wagtail dashboard: a writer's latest articles, drafts, scheduled
articles and the last 30 days of clicks from articles to courses and lessons."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from course.admin.marketing import MarketingPanel
from course.admin.roles import administrators_of, setup_roles
from course.models import ArticleClick, ArticleIndexPage, ArticlePage, CourseIndexPage
from tests.budgets import MARKETING_PANEL_MAX_QUERIES
from tests.factories import body_of, client_for, make_article, make_index, make_user, teaser

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15"
PANEL = 'id="marketing-section"'


def draft(index, title, owner=None, go_live_at=None):
    """An article that was never published (scheduled when `go_live_at` is given)."""
    article = ArticlePage(title=title, slug=title.lower().replace(" ", "-"), intro="Intro.", live=False)
    article.owner = owner
    article.go_live_at = go_live_at
    index.add_child(instance=article)
    revision = article.save_revision(user=owner)
    if go_live_at is not None:
        revision.publish(user=owner)
    return ArticlePage.objects.get(pk=article.pk)


def dashboard(user):
    response = client_for(user).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return body_of(response)


def section(html, heading_id):
    """The HTML of one section of the panel, from its heading to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_a_marketer_sees_their_articles_drafts_and_scheduled_ones(article_index, marketer):
    live = make_article(article_index, "Live launch", owner=marketer)
    changed = make_article(article_index, "Live with changes", owner=marketer)
    changed.title = "Live with changes"
    changed.save_revision(user=marketer)
    unpublished = draft(article_index, "Draft idea", owner=marketer)
    scheduled_at = timezone.now() + datetime.timedelta(days=3)
    scheduled = draft(article_index, "Spring launch", owner=marketer, go_live_at=scheduled_at)
    colleague = draft(article_index, "Colleague draft", owner=make_user("colleague"))

    html = dashboard(marketer)
    assert PANEL in html
    latest = section(html, "marketing-latest-heading")
    for article in (live, changed, unpublished, scheduled):
        assert article.title in latest
        assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in latest
    assert colleague.title not in latest  # not theirs, not edited by them

    drafts = section(html, "marketing-drafts-heading")
    assert unpublished.title in drafts and changed.title in drafts and colleague.title in drafts
    assert live.title not in drafts and scheduled.title not in drafts
    assert reverse("wagtailadmin_pages:edit", args=[colleague.pk]) in drafts

    scheduled_section = section(html, "marketing-scheduled-heading")
    assert scheduled.title in scheduled_section
    assert timezone.localtime(scheduled_at).strftime("%Y") in scheduled_section
    assert live.title not in scheduled_section and unpublished.title not in scheduled_section


def test_clicks_of_the_last_30_days_per_article_to_the_course_and_to_lessons(
    article_index, marketer, gated_course
):
    members = gated_course.lessons[1]
    article = make_article(
        article_index, "Counted article", body=[teaser(members)], promoted_course=gated_course
    )
    quiet = make_article(article_index, "Quiet article")
    reader = Client(HTTP_USER_AGENT=BROWSER)
    for target, times in ((gated_course, 3), (members, 2)):
        for _ in range(times):
            assert reader.get(f"{article.url}go/{target.pk}/").status_code == 302
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    ArticleClick.objects.create(article=article, target=gated_course, day=long_ago, count=50)

    clicks = section(dashboard(marketer), "marketing-clicks-heading")
    row = clicks[clicks.index(article.title) :]
    row = row[: row.index("</tr>")]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == [
        "3 clicks to the course",
        "2 clicks to lessons",
    ]
    assert quiet.title not in clicks
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in clicks


def test_empty_states(article_index, marketer):
    html = dashboard(marketer)
    assert PANEL in html
    assert "You have not written or edited any articles yet." in html
    assert "No drafts." in html
    assert "Nothing is scheduled." in html
    assert "No clicks from articles to courses in the last 30 days." in html


def test_only_articles_under_indexes_the_user_may_edit(catalogue, article_index):
    """A writer for one catalogue's articles sees nothing of another catalogue's."""
    other_catalogue = Page.get_first_root_node().add_child(
        instance=CourseIndexPage(title="Other academy", slug="other-academy")
    )
    other_index = make_index(other_catalogue)
    group = Group.objects.create(name="Writers of one index (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group, page=article_index, permission=Permission.objects.get(codename=codename)
        )
    writer = make_user("writer")
    writer.groups.add(group)
    ours = draft(article_index, "Our draft")
    theirs = draft(other_index, "Their draft")
    ArticleClick.objects.create(article=theirs, target=catalogue, day=timezone.localdate(), count=9)

    html = dashboard(writer)
    assert ours.title in section(html, "marketing-drafts-heading")
    assert theirs.title not in html


def test_hidden_from_students_and_course_administrators_without_article_rights(
    article_index, gated_course, editor
):
    setup_roles()
    draft(article_index, "Secret plan")
    student = make_user("student")
    response = client_for(student).get(reverse("wagtailadmin_home"))
    assert response.status_code == 302  # no admin at all: Wagtail sends them to log in
    assert PANEL not in body_of(response)

    course_team = make_user("courseteam")
    course_team.groups.add(administrators_of(gated_course))
    for user in (editor, course_team):  # page rights on one course only
        html = dashboard(user)
        assert PANEL not in html and "Secret plan" not in html


def test_superusers_see_every_article(article_index):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123-long-enough")
    someone_elses = draft(article_index, "Someone elses draft")
    assert someone_elses.title in section(dashboard(root), "marketing-drafts-heading")


def populate(index, owner, gated_course, count, start):
    members = gated_course.lessons[1]
    today = timezone.localdate()
    for n in range(start, start + count):
        article = make_article(index, f"Article {n}", owner=owner, promoted_course=gated_course)
        draft(index, f"Draft {n}", owner=owner)
        draft(
            index, f"Scheduled {n}", owner=owner, go_live_at=timezone.now() + datetime.timedelta(days=n + 1)
        )
        ArticleClick.objects.create(article=article, target=gated_course, day=today, count=n + 1)
        ArticleClick.objects.create(article=article, target=members, day=today, count=1)


def fresh_request(user):
    request = RequestFactory().get(reverse("wagtailadmin_home"))
    request.user = get_user_model().objects.get(pk=user.pk)  # nothing cached on the user yet
    return request


def render_panel(request):
    html = MarketingPanel(request).render_html({"request": request})
    assert "Article" in html
    return html


def queries_to_render(user):
    request = fresh_request(user)
    with CaptureQueriesContext(connection) as captured:
        render_panel(request)
    return len(captured)


def test_the_panel_costs_the_same_whatever_the_number_of_articles(
    article_index, marketer, gated_course, django_assert_max_num_queries
):
    populate(article_index, marketer, gated_course, count=2, start=0)
    queries_to_render(marketer)  # the site's root paths are cached after the first page URL
    few = queries_to_render(marketer)
    populate(article_index, marketer, gated_course, count=10, start=2)
    many = queries_to_render(marketer)
    assert few == many
    request = fresh_request(marketer)
    with django_assert_max_num_queries(MARKETING_PANEL_MAX_QUERIES):
        html = render_panel(request)
    for heading in ("marketing-latest-heading", "marketing-drafts-heading", "marketing-scheduled-heading"):
        assert section(html, heading).count('title="Edit this article"') == 6, heading  # capped
    clicks = section(html, "marketing-clicks-heading")
    assert "Article 11<" in clicks and "Article 0<" not in clicks  # most clicked first, capped


def test_the_index_is_needed_to_write(catalogue, marketer):
    """With every article index gone, the marketer's role grants no writing: no panel."""
    ArticleIndexPage.objects.all().delete()
    setup_roles()
    assert PANEL not in dashboard(marketer)
