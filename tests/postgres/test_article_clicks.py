"""Article click counting holds when many readers follow the same link at the same moment."""

import pytest
from django.test import Client
from django.utils import timezone

from course.models import ArticleClick
from tests.factories import make_article, make_catalogue, make_course, make_index
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REQUESTS = 20
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_twenty_readers_clicking_the_same_link_at_once_count_twenty():
    catalogue = make_catalogue()
    course, _ = make_course(catalogue, "Crowded", modules=1, lessons=1)
    article = make_article(make_index(catalogue), promoted_course=course)
    url = f"{article.url}go/{course.pk}/"
    clients = [Client(HTTP_USER_AGENT=BROWSER) for _ in range(REQUESTS)]

    responses = run_at_once([lambda client=client: client.get(url) for client in clients])

    assert [response.status_code for response in responses] == [302] * REQUESTS
    click = ArticleClick.objects.get(article=article, target=course)  # one row for the day
    assert (click.day, click.count) == (timezone.localdate(), REQUESTS)
