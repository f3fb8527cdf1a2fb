"""A student plays the demo clip with its captions, seeks, leaves, and comes back where they were."""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import MediaPosition
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIDEO_LESSON = "/mesotherapy-lower-back-pain/care-and-treatment/mesotherapy-injections/"


def test_student_plays_the_clip_leaves_and_resumes_where_they_were(page, demo):
    log_in(page, "student@example.com", "pinewood-student")
    page.goto(VIDEO_LESSON)
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")  # metadata: it plays
    assert video.evaluate("v => Math.round(v.duration)") == 12
    # The captions track loads its three cues (the track is the default one, so it is showing).
    page.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0];"
        " return t && t.mode === 'showing' && t.cues && t.cues.length === 3; }"
    )
    expect(page.get_by_text("Transcript")).to_be_visible()
    expect(page.locator(".media-player__resume")).to_be_hidden()  # nothing saved yet

    video.evaluate("v => { v.muted = true; return v.play(); }")
    video.evaluate("v => { v.currentTime = 7.5; }")
    page.wait_for_function("() => document.querySelector('video').currentTime >= 7.5")
    with page.expect_response(re.compile(r"/media/[^/]+/position/$")) as reported:
        video.evaluate("v => v.pause()")
    assert reported.value.status == 204
    saved = MediaPosition.objects.get(user__username="student")
    assert 7.4 <= saved.position <= 9.5

    page.goto("/mesotherapy-lower-back-pain/")  # leave
    page.goto(VIDEO_LESSON)  # and come back
    bar = page.locator(".media-player__resume")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text(re.compile(r"at 0:0[789]"))
    at_saved_place = f"() => Math.abs(document.querySelector('video').currentTime - {saved.position}) < 0.5"
    page.wait_for_function(at_saved_place)
    bar.get_by_role("button", name="Start over").click()
    expect(bar).to_be_hidden()
    assert video.evaluate("v => v.currentTime") == 0
