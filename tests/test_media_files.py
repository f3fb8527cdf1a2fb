"""Self-hosted audio and video (wagtailmedia): every byte, caption and transcript line goes through
the access policy; files are streamed with HTTP ranges; production hand-offs."""

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.models import Document

from course.media_files import media_url
from course.models import Enrollment
from lessons.blocks import MediaBlock
from tests.canaries import (
    CAPTIONS_CANARY,
    MEDIA_CANARIES,
    MEDIA_FILE_CANARY,
    NO_ACCESS,
    TRANSCRIPT_CANARY,
    WITH_ACCESS,
)
from tests.factories import body_of, client_for, make_article, make_captions, make_media, make_user, teaser

pytestmark = pytest.mark.django_db


def content_of(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def every_channel(client, course, article=None):
    """(label, response) for each way a visitor could reach the gated video and its words."""
    preview, members, _ = course.lessons
    gated, captions = course.media["gated"], course.media["captions"]
    urls = {
        "members lesson": members.url,
        "preview lesson": preview.url,
        "course page": course.url,
        "media URL": media_url(gated),
        "media URL, a range": media_url(gated),
        "storage URL": gated.url,
        "captions": captions.url,
        "api detail": f"/api/v2/pages/{members.pk}/?fields=*",
        "api search": f"/api/v2/pages/?search={TRANSCRIPT_CANARY}",
        "sitemap": "/sitemap.xml",
    }
    if article is not None:  # a teaser article promoting the lesson, and the feeds listing it
        urls["article"] = article.url
        urls["rss feed"] = article.get_parent().url + "feed/"
        urls["atom feed"] = article.get_parent().url + "feed/atom/"
    for label, url in urls.items():
        extra = {"HTTP_RANGE": "bytes=0-99"} if "range" in label else {}
        yield label, client.get(url, **extra)


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_gated_media_captions_and_transcripts_reach_no_one_without_access(
    personas, media_course, article_index, persona
):
    # A teaser article promoting the video lesson, so its page and the feeds are channels too.
    article = make_article(
        article_index, "Watch the technique", body=[teaser(media_course.lessons[1], "See the video")]
    )
    client = client_for(personas[persona])
    channels = dict(every_channel(client, media_course, article))
    assert "Watch the technique" in channels["rss feed"].content.decode()  # the feed lists the teaser
    for label, response in channels.items():
        assert response.status_code < 500, label
        data = content_of(response).decode("latin-1")
        for canary in MEDIA_CANARIES:
            assert canary not in data, f"{canary} reached {persona} through {label}"
    # Search echoes the words searched for: what matters is that nothing is found by them.
    for words in (TRANSCRIPT_CANARY, CAPTIONS_CANARY):
        assert client.get("/search/", {"q": words}).context["result_count"] == 0, words
        assert client.get("/api/v2/pages/", {"search": words}).json()["meta"]["total_count"] == 0, words
    refused = client.get(media_url(media_course.media["gated"]))
    assert refused.status_code == (302 if personas[persona] is None else 403)
    assert "no-store" in refused["Cache-Control"]


@pytest.mark.parametrize("persona", WITH_ACCESS)
def test_people_with_access_play_the_video_with_captions_and_transcript(personas, media_course, persona):
    client = client_for(personas[persona])
    gated, captions = media_course.media["gated"], media_course.media["captions"]
    html = body_of(client.get(media_course.lessons[1].url))
    assert f'src="{media_url(gated)}"' in html
    assert f'<track kind="captions" src="{captions.url}" srclang="en"' in html
    assert TRANSCRIPT_CANARY in html
    response = client.get(media_url(gated))
    assert response.status_code == 200
    assert MEDIA_FILE_CANARY.encode() in content_of(response)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert "private" in response["Cache-Control"]
    assert CAPTIONS_CANARY in content_of(client.get(captions.url)).decode()


def test_an_enrolled_student_finds_the_lesson_by_its_gated_transcript(personas, media_course):
    client = client_for(personas["enrolled"])
    html = body_of(client.get("/search/", {"q": TRANSCRIPT_CANARY}))
    assert media_course.lessons[1].title in html


def test_a_clip_in_a_free_preview_plays_for_anyone(media_course):
    public = media_course.media["public"]
    html = body_of(client_for(None).get(media_course.lessons[0].url))
    assert f'src="{media_url(public)}"' in html and "Hello all" in html
    response = client_for(None).get(media_url(public))
    assert response.status_code == 200 and content_of(response) == b"public clip bytes " * 10


def test_a_clip_used_nowhere_is_only_for_those_who_manage_it(personas, media_course, admin_client):
    unused = make_media("Unused", b"unused bytes", name="unused.mp4")
    assert client_for(personas["enrolled"]).get(media_url(unused)).status_code == 403
    assert client_for(None).get(media_url(unused)).status_code == 302
    assert content_of(admin_client.get(media_url(unused))) == b"unused bytes"
    assert content_of(admin_client.get(unused.url)) == b"unused bytes"  # wagtailmedia's admin player


def test_withdrawing_closes_a_media_url_already_in_the_page(personas, media_course):
    client = client_for(personas["enrolled"])
    url = media_url(media_course.media["gated"])
    assert client.get(url).status_code == 200
    Enrollment.objects.filter(user=personas["enrolled"]).update(status=Enrollment.Status.WITHDRAWN)
    assert client.get(url).status_code == 403


# --- ranges -------------------------------------------------------------------------------------

DATA = bytes(range(256)) * 4  # 1,024 bytes


@pytest.fixture
def clip_client(media_course):
    """An admin-managed clip (used nowhere) and a client allowed to play it."""
    clip = make_media("Ranges", DATA, name="ranges.webm")
    admin = make_user("mediaadmin", is_superuser=True, is_staff=True)
    return clip, client_for(admin)


@pytest.mark.parametrize(
    "header,first,last",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-24", 1000, 1023),
        ("bytes=-5000", 0, 1023),
        ("bytes=1020-99999999999999999999999", 1020, 1023),
        ("bytes=0-0", 0, 0),
    ],
)
def test_a_single_range_gets_206_with_exactly_those_bytes(clip_client, header, first, last):
    clip, client = clip_client
    response = client.get(media_url(clip), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/1024"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Content-Type"] == "video/webm"
    assert content_of(response) == DATA[first : last + 1]


@pytest.mark.parametrize(
    "header",
    ["bytes=1024-", "bytes=5-2", "bytes=-0", "bytes=abc", "bytes=-", "items=0-5", "bytes=-1-5", "bytes=1-2x"],
)
def test_a_range_that_cannot_be_met_gets_416_with_the_size(clip_client, header):
    clip, client = clip_client
    response = client.get(media_url(clip), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"
    assert DATA not in response.content


def test_several_ranges_get_the_whole_file(clip_client):
    clip, client = clip_client
    response = client.get(media_url(clip), HTTP_RANGE="bytes=0-1,5-6")
    assert response.status_code == 200 and content_of(response) == DATA


def test_unknown_ids_and_wrong_file_names_are_404(clip_client):
    clip, client = clip_client
    assert client.get(f"/media-files/{clip.pk + 999}/ranges.webm").status_code == 404
    assert client.get(f"/media-files/{clip.pk}/other.webm").status_code == 404
    assert client.get(f"/media-files/{clip.pk}/poster/none.jpg").status_code == 404
    assert client.get("/media/media/no-such-file.mp4").status_code == 404


# --- production hand-offs -----------------------------------------------------------------------


@override_settings(PINEWOOD_MEDIA_SERVE_METHOD="x-accel-redirect", PINEWOOD_MEDIA_ACCEL_PREFIX="/protected/")
def test_nginx_gets_the_file_after_the_check(personas, media_course):
    gated = media_course.media["gated"]
    response = client_for(personas["enrolled"]).get(media_url(gated), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected/{gated.file.name}"
    assert response.content == b""
    refused = client_for(personas["outsider"]).get(media_url(gated))
    assert refused.status_code == 403 and "X-Accel-Redirect" not in refused


@override_settings(PINEWOOD_MEDIA_SERVE_METHOD="x-sendfile")
def test_apache_gets_the_file_path_after_the_check(personas, media_course):
    gated = media_course.media["gated"]
    response = client_for(personas["enrolled"]).get(media_url(gated))
    assert response["X-Sendfile"] == gated.file.path and response.content == b""
    assert "X-Sendfile" not in client_for(personas["expired"]).get(media_url(gated))


@override_settings(PINEWOOD_MEDIA_SERVE_METHOD="redirect")
def test_a_private_bucket_is_reached_by_a_redirect_after_the_check(personas, media_course):
    gated = media_course.media["gated"]
    response = client_for(personas["enrolled"]).get(media_url(gated))
    assert response.status_code == 302 and response["Location"] == gated.file.url
    assert "private" in response["Cache-Control"]
    assert client_for(personas["pending"]).get(media_url(gated)).status_code == 403


# --- the block ----------------------------------------------------------------------------------


def test_captions_must_be_a_webvtt_file_in_a_language(db):
    block = MediaBlock()
    clip = make_media("Block clip", b"bytes")

    def cleaned(**changes):
        raw = {"media": clip.pk, "title": "Clip", "captions": None, "captions_language": "en"}
        return block.clean(block.to_python({**raw, "transcript": "", **changes}))

    assert cleaned(captions=make_captions("fine").pk)["captions"] is not None
    not_vtt = Document.objects.create(title="Notes", file=ContentFile(b"just notes", name="notes.vtt"))
    with pytest.raises(StructBlockValidationError) as error:
        cleaned(captions=not_vtt.pk)
    assert "WebVTT" in str(error.value.block_errors["captions"])
    with pytest.raises(StructBlockValidationError) as error:
        cleaned(captions_language="english please")
    assert "language tag" in str(error.value.block_errors["captions_language"])
    with pytest.raises(StructBlockValidationError):
        cleaned(media=None)
