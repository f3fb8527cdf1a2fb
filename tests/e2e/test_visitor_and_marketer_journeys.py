"""A visitor goes from a teaser article to a locked lesson; a marketer publishes an article."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from course.models import ArticleIndexPage, ArticlePage
from tests.e2e.conftest import axe_violations, log_in
from tests.e2e.test_admin_journey import publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ARTICLE_TITLE = "Acute, subacute or chronic? A first look at lower back pain"


def test_visitor_reads_the_teaser_article_and_meets_the_locked_lesson(page, demo):
    article = ArticlePage.objects.get(title=ARTICLE_TITLE)
    page.goto(article.get_parent().url)
    page.get_by_role("link", name=ARTICLE_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE)
    expect(page.get_by_text("Lower back pain is a common musculoskeletal disorder").first).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="View the syllabus").last.click()
    expect(page).to_have_url(re.compile("/mesotherapy-lower-back-pain/"))
    page.locator("main").get_by_role("link", name="Chronic causes").click()
    expect(page.get_by_role("heading", name="This lesson is for enrolled students")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up to enroll")).to_be_visible()
    # The lesson body stays on the server: only its public summary is shown.
    expect(page.get_by_text("Chronic lower back pain usually sets in")).to_have_count(0)


def test_marketer_publishes_an_article_promoting_the_course(page, demo):
    index = ArticleIndexPage.objects.get(locale__language_code=settings.LANGUAGE_CODE)  # the English one
    log_in(page, "marketer@example.com", "pinewood-marketer")

    page.goto(f"/admin/pages/{index.pk}/add_subpage/")
    page.locator("#id_title").fill("Five facts about lower back pain")
    page.locator("#id_intro").fill("What every patient should know before their first session.")
    page.locator("#id_author").fill("Pinewood marketing team")
    # Choose the promoted course in Wagtail's page chooser.
    promotion = page.locator("[data-contentpath='promoted_course']")
    promotion.get_by_role("button", name=re.compile("Choose")).click()
    chooser = page.locator(".modal-content")
    # The site has an English and a French catalogue at the top: find the course by its title.
    chooser.locator("input[name=q]").fill("Mesotherapy")
    chooser.get_by_role("link", name=re.compile("Mesotherapy for the Treatment")).first.click()
    expect(promotion).to_contain_text("Mesotherapy")
    publish(page)

    article = ArticlePage.objects.get(title="Five facts about lower back pain")
    assert article.live and article.promoted_course.slug == "mesotherapy-lower-back-pain"
    page.context.clear_cookies()
    page.goto(article.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Five facts about lower back pain")
    closing = page.locator(".cta--closing")
    expect(closing).to_contain_text("Mesotherapy for the Treatment of Lower Back Pain")
    expect(closing.get_by_role("link", name="Enroll")).to_be_visible()
