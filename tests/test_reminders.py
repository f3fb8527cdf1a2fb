"""Reminder emails (course/reminders.py): who each finder picks, sending once, opt-outs, the
one-click unsubscribe link, the preference page and the `send_reminders` command."""

import datetime
import io

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from course import reminders
from course.models import (
    Certificate,
    Enrollment,
    LessonCompletion,
    ReminderKind,
    ReminderOptOut,
    SentReminder,
)
from lessons.models import MediaPosition, QuizAttempt
from tests.canaries import ALL_CANARIES
from tests.factories import body_of, client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db

# Noon, so that "N days ago" never crosses a date boundary by accident.
NOW = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def days(n):
    return datetime.timedelta(days=n)


def picked(found):
    """{(username, subject)} of reminders a finder returned."""
    return {(reminder.user.username, reminder.subject) for reminder in found}


def students(course, *rows):
    """Enroll one new user per (name, status, enrollment fields) row; {name: enrollment}."""
    made = {}
    for name, status, fields in rows:
        made[name] = enroll_as(make_user(name), course, status=status, **fields)
    return made


ACTIVE, PENDING, WITHDRAWN, COMPLETED = (
    Enrollment.Status.ACTIVE,
    Enrollment.Status.PENDING,
    Enrollment.Status.WITHDRAWN,
    Enrollment.Status.COMPLETED,
)


@pytest.fixture
def drip_course(catalogue):
    """Module 1 open from the start, module 2 a week after enrollment, module 3 on yesterday's date."""
    course, lessons = make_course(catalogue, "Drip Course", modules=3, lessons=1)
    modules = [lesson.get_parent().specific for lesson in lessons]
    modules[1].release_after_days = 7
    modules[1].save()
    modules[2].release_on = (NOW - days(1)).date()
    modules[2].save()
    course.modules = modules
    return course


def test_module_open_picks_enrollments_whose_module_just_opened(drip_course):
    _, week, dated = drip_course.modules
    e = students(
        drip_course,
        ("opened", ACTIVE, {"enrolled_at": NOW - days(8)}),  # week module opened yesterday
        ("early", ACTIVE, {"enrolled_at": NOW - days(2)}),  # dated module opened after enrolling
        ("today", ACTIVE, {"enrolled_at": NOW}),  # dated module was open at enrollment; week one not yet
        ("long_ago", ACTIVE, {"enrolled_at": NOW - days(40)}),  # week module opened 33 days ago
        ("pending", PENDING, {"enrolled_at": NOW - days(8)}),
        ("withdrawn", WITHDRAWN, {"enrolled_at": NOW - days(8)}),
        ("expired", ACTIVE, {"enrolled_at": NOW - days(8), "expires_at": NOW - days(1)}),
    )
    inactive = enroll_as(make_user("inactive", is_active=False), drip_course, enrolled_at=NOW - days(8))
    assert inactive

    found = reminders.modules_opened(now=NOW)

    assert picked(found) == {
        ("opened", f"module:{week.pk}:enrollment:{e['opened'].pk}"),
        ("opened", f"module:{dated.pk}:enrollment:{e['opened'].pk}"),
        ("early", f"module:{dated.pk}:enrollment:{e['early'].pk}"),
        # the dated module opened yesterday, 39 days after "long_ago" enrolled: news
        ("long_ago", f"module:{dated.pk}:enrollment:{e['long_ago'].pk}"),
    }


def test_access_ending_and_ended(catalogue):
    course, _ = make_course(catalogue, "Timed Course", modules=1, lessons=1)
    e = students(
        course,
        ("soon", ACTIVE, {"expires_at": NOW + days(3)}),
        ("completed_soon", COMPLETED, {"expires_at": NOW + days(6)}),
        ("later", ACTIVE, {"expires_at": NOW + days(10)}),
        ("lifetime", ACTIVE, {}),
        ("pending_soon", PENDING, {"expires_at": NOW + days(3)}),
        ("withdrawn_soon", WITHDRAWN, {"expires_at": NOW + days(3)}),
        ("ended", ACTIVE, {"expires_at": NOW - days(2)}),
        ("ended_long_ago", ACTIVE, {"expires_at": NOW - days(30)}),
        ("withdrawn_ended", WITHDRAWN, {"expires_at": NOW - days(1)}),
    )

    def on(moment):
        return timezone.localdate(moment).isoformat()

    assert picked(reminders.access_ending(now=NOW)) == {
        ("soon", f"enrollment:{e['soon'].pk}:expires:{on(NOW + days(3))}"),
        ("completed_soon", f"enrollment:{e['completed_soon'].pk}:expires:{on(NOW + days(6))}"),
    }
    assert picked(reminders.access_ended(now=NOW)) == {
        ("ended", f"enrollment:{e['ended'].pk}:expires:{on(NOW - days(2))}"),
    }


def test_access_ended_reminds_again_after_an_extension_ends(catalogue):
    course, _ = make_course(catalogue, "Timed Course", modules=1, lessons=1)
    enrollment = students(course, ("ended", ACTIVE, {"expires_at": NOW - days(1)}))["ended"]
    assert len(reminders.send_due_reminders(now=NOW)) == 1
    assert reminders.access_ended(now=NOW) == []

    enrollment.expires_at = NOW + days(10)  # extended, then that ends too
    enrollment.save()
    later = NOW + days(12)
    assert [r.kind for r in reminders.access_ended(now=later)] == [ReminderKind.ACCESS_ENDED]


def test_inactivity_counts_completions_in_the_course(catalogue):
    course, lessons = make_course(catalogue, "Quiet Course", modules=1, lessons=2, inactivity_reminder_days=5)
    other, other_lessons = make_course(catalogue, "Other Course", modules=1, lessons=1)
    unset, _ = make_course(catalogue, "No Nudge Course", modules=1, lessons=1)
    e = students(
        course,
        ("never_started", ACTIVE, {"enrolled_at": NOW - days(10)}),
        ("busy", ACTIVE, {"enrolled_at": NOW - days(10)}),
        ("quiet", ACTIVE, {"enrolled_at": NOW - days(20)}),
        ("new", ACTIVE, {"enrolled_at": NOW - days(3)}),
        ("done", COMPLETED, {"enrolled_at": NOW - days(20)}),
        ("pending", PENDING, {"enrolled_at": NOW - days(20)}),
    )
    LessonCompletion.objects.create(user=e["busy"].user, lesson=lessons[0], completed_at=NOW - days(2))
    LessonCompletion.objects.create(user=e["quiet"].user, lesson=lessons[0], completed_at=NOW - days(6))
    # Activity in another course does not count in this one.
    enroll_as(e["never_started"].user, other)
    LessonCompletion.objects.create(
        user=e["never_started"].user, lesson=other_lessons[0], completed_at=NOW - days(1)
    )
    enroll_as(make_user("elsewhere"), unset, enrolled_at=NOW - days(50))

    def on(moment):
        return timezone.localdate(moment).isoformat()

    assert picked(reminders.inactive_students(now=NOW)) == {
        ("never_started", f"enrollment:{e['never_started'].pk}:last:{on(NOW - days(10))}"),
        ("quiet", f"enrollment:{e['quiet'].pk}:last:{on(NOW - days(6))}"),
    }

    # Once per quiet spell: sent, then nothing until the student is active and quiet again.
    reminders.send_due_reminders(now=NOW)
    assert reminders.inactive_students(now=NOW) == []
    LessonCompletion.objects.create(user=e["quiet"].user, lesson=lessons[1], completed_at=NOW + days(1))
    assert picked(reminders.inactive_students(now=NOW + days(7))) == {
        ("quiet", f"enrollment:{e['quiet'].pk}:last:{on(NOW + days(1))}"),
        ("busy", f"enrollment:{e['busy'].pk}:last:{on(NOW - days(2))}"),  # quiet since too
        ("new", f"enrollment:{e['new'].pk}:last:{on(NOW - days(3))}"),
    }


def test_inactivity_counts_quiz_attempts_and_places_in_videos_too(catalogue):
    course, lessons = make_course(
        catalogue, "Watched Course", modules=1, lessons=1, inactivity_reminder_days=5
    )
    other, other_lessons = make_course(catalogue, "Elsewhere Course", modules=1, lessons=1)
    e = students(
        course,
        ("quizzing", ACTIVE, {"enrolled_at": NOW - days(10)}),
        ("watching", ACTIVE, {"enrolled_at": NOW - days(10)}),
        ("elsewhere", ACTIVE, {"enrolled_at": NOW - days(10)}),
    )
    QuizAttempt.objects.create(
        user=e["quizzing"].user, lesson=lessons[0], block_id="q", score=50, created_at=NOW - days(2)
    )
    MediaPosition.objects.create(
        user=e["watching"].user, lesson=lessons[0], block_id="m", position=30, updated_at=NOW - days(1)
    )
    enroll_as(e["elsewhere"].user, other)  # busy in another course only
    QuizAttempt.objects.create(
        user=e["elsewhere"].user, lesson=other_lessons[0], block_id="q", score=50, created_at=NOW - days(1)
    )
    assert picked(reminders.inactive_students(now=NOW)) == {
        (
            "elsewhere",
            f"enrollment:{e['elsewhere'].pk}:last:{timezone.localdate(NOW - days(10)).isoformat()}",
        ),
    }
    later = NOW + days(6)  # the quiz attempt is now 8 days old, the place in the video 7
    assert {name for name, _ in picked(reminders.inactive_students(now=later))} == {
        "quizzing",
        "watching",
        "elsewhere",
    }


def test_certificate_expiring(catalogue):
    course, _ = make_course(catalogue, "Certified Course", modules=1, lessons=1)
    e = students(
        course,
        ("soon", COMPLETED, {}),
        ("later", COMPLETED, {}),
        ("revoked", COMPLETED, {}),
        ("expired", COMPLETED, {}),
        ("forever", COMPLETED, {}),
        ("withdrawn", WITHDRAWN, {}),
    )
    expiry = {"soon": 20, "later": 40, "revoked": 20, "expired": -1, "forever": None, "withdrawn": 20}
    certificates = {
        name: Certificate.objects.create(
            enrollment=e[name], expires_at=None if offset is None else NOW + days(offset)
        )
        for name, offset in expiry.items()
    }
    certificates["revoked"].revoked_at = NOW - days(1)
    certificates["revoked"].save()

    soon = certificates["soon"]
    assert picked(reminders.certificates_expiring(now=NOW)) == {
        ("soon", f"certificate:{soon.pk}:expires:{timezone.localdate(soon.expires_at).isoformat()}"),
    }


def test_finders_cost_the_same_queries_for_two_or_ten_students(catalogue, drip_course):
    nudged, _ = make_course(catalogue, "Quiet Course", modules=1, lessons=1, inactivity_reminder_days=5)

    def add(count, start):
        for n in range(start, start + count):
            user = make_user(f"s{n}")
            enroll_as(user, drip_course, enrolled_at=NOW - days(8), expires_at=NOW + days(2))
            enrollment = enroll_as(user, nudged, status=COMPLETED, enrolled_at=NOW - days(10))
            Certificate.objects.create(enrollment=enrollment, expires_at=NOW + days(5))
            quiet = make_user(f"q{n}")
            enroll_as(quiet, nudged, enrolled_at=NOW - days(10))
            enroll_as(quiet, drip_course, enrolled_at=NOW - days(20), expires_at=NOW - days(1))

    def cost():
        counts = {}
        for kind, finder in reminders.FINDERS.items():
            with CaptureQueriesContext(connection) as queries:
                assert finder(now=NOW)
            counts[kind] = len(queries)
        return counts

    add(2, 0)
    cost()  # warm up: lesson ids come from the cache beside each course's outline
    few = cost()
    add(8, 2)
    assert cost() == few


def test_running_twice_sends_once(drip_course):
    students(drip_course, ("opened", ACTIVE, {"enrolled_at": NOW - days(8)}))
    first = reminders.send_due_reminders(now=NOW)
    second = reminders.send_due_reminders(now=NOW)
    assert [went for _, went in first] == [True, True]
    assert second == []
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2
    # Even a reminder found before the other run recorded it goes once.
    assert reminders.deliver(first[0][0], NOW) is False
    assert len(mail.outbox) == 2


def test_opted_out_kind_is_not_sent(drip_course):
    student = students(
        drip_course, ("opened", ACTIVE, {"enrolled_at": NOW - days(8), "expires_at": NOW + days(2)})
    )
    user = student["opened"].user
    ReminderOptOut.objects.create(user=user, kind=ReminderKind.MODULE_OPEN)
    sent = reminders.send_due_reminders(now=NOW)
    assert {reminder.kind for reminder, _ in sent} == {ReminderKind.ACCESS_ENDING}
    assert len(mail.outbox) == 1


def test_email_has_text_html_unsubscribe_headers_and_no_gated_text(gated_course):
    gated_course.inactivity_reminder_days = 3
    gated_course.save()
    module = gated_course.get_children().first().specific
    module.release_after_days = 5
    module.save()
    student = make_user("reader")
    enroll_as(student, gated_course, enrolled_at=NOW - days(6), expires_at=NOW + days(2))
    Certificate.objects.create(
        enrollment=enroll_as(make_user("graduate"), gated_course, status=COMPLETED),
        expires_at=NOW + days(10),
    )

    sent = reminders.send_due_reminders(now=NOW)

    kinds = {reminder.kind for reminder, went in sent if went}
    assert kinds == {
        ReminderKind.MODULE_OPEN,
        ReminderKind.ACCESS_ENDING,
        ReminderKind.INACTIVITY,
        ReminderKind.CERTIFICATE_EXPIRING,
    }
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html"
        everything = "\n".join([message.subject, message.body, html, str(message.extra_headers)])
        for canary in ALL_CANARIES:
            assert canary not in everything
        assert "Body of lesson" not in everything and "Summary of lesson" not in everything
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://localhost/learn/unsubscribe/") and unsubscribe.endswith("/>")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = unsubscribe[1:-1]
        assert link in message.body and link in html
        assert "http://localhost/learn/account/reminders/" in message.body
        assert "http://localhost/learn/account/reminders/" in html
        assert "Gated Course" in message.subject
        assert "http://localhost/" in message.body
    module_email = next(m for m in mail.outbox if "is open" in m.subject)
    assert module.title in module_email.body


def unsubscribe_url(user, kind):
    return reverse("course:reminder_unsubscribe", args=[reminders.unsubscribe_token(user, kind)])


def test_unsubscribe_confirms_then_opts_out(db):
    user = make_user("leaver")
    url = unsubscribe_url(user, ReminderKind.INACTIVITY)
    client = client_for(None, enforce_csrf_checks=True)

    page = client.get(url)
    assert page.status_code == 200
    assert "Pick up where you left off" in body_of(page) and 'method="post"' in body_of(page)
    assert "no-store" in page["Cache-Control"]
    assert not ReminderOptOut.objects.exists()

    assert client.post(url).status_code == 403  # the confirmation form keeps its CSRF check
    assert not ReminderOptOut.objects.exists()

    token = page.cookies["csrftoken"].value
    done = client.post(url, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200 and "unsubscribed" in body_of(done)
    assert list(ReminderOptOut.objects.values_list("user__username", "kind")) == [("leaver", "inactivity")]


def test_rfc_8058_one_click_post_needs_no_csrf_token(db):
    user = make_user("leaver")
    client = client_for(None, enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(user, ReminderKind.ACCESS_ENDING), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert ReminderOptOut.objects.filter(user=user, kind=ReminderKind.ACCESS_ENDING).exists()
    # Twice is fine.
    assert (
        client.post(
            unsubscribe_url(user, ReminderKind.ACCESS_ENDING), {"List-Unsubscribe": "One-Click"}
        ).status_code
        == 200
    )
    assert ReminderOptOut.objects.count() == 1


def test_tampered_or_forged_unsubscribe_links_change_nothing(db):
    user, other = make_user("leaver"), make_user("victim")
    token = reminders.unsubscribe_token(user, ReminderKind.INACTIVITY)
    payload, signature = token.rsplit(":", 1)
    forged_payload = signing.b64_encode(f'{{"u":{other.pk},"k":"inactivity"}}'.encode()).decode()
    wrong_salt = signing.Signer(salt="something.else").sign_object({"u": other.pk, "k": "inactivity"})
    bad = [
        f"{payload}:{signature[:-2]}xx",
        f"{forged_payload}:{signature}",
        wrong_salt,
        reminders.unsubscribe_token(user, "not_a_kind"),
        "garbage",
    ]
    client = client_for(None)
    for token in bad:
        url = reverse("course:reminder_unsubscribe", args=[token])
        for response in (client.get(url), client.post(url, {"List-Unsubscribe": "One-Click"})):
            assert response.status_code == 400, token
            assert "This link does not work" in body_of(response)
    assert not ReminderOptOut.objects.exists()


def test_preference_page_needs_login_and_saves_choices(db):
    url = reverse("course:reminder_preferences")
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]

    user = make_user("chooser")
    ReminderOptOut.objects.create(user=user, kind=ReminderKind.INACTIVITY)
    client = client_for(user)
    page = body_of(client.get(url))
    for value, label in ReminderKind.choices:
        assert f'value="{value}"' in page and str(label) in page
    assert 'value="inactivity">' in page and 'value="module_open" checked>' in page
    assert url in body_of(client.get(reverse("course:account")))

    response = client.post(url, {"kinds": [ReminderKind.INACTIVITY, ReminderKind.MODULE_OPEN, "bogus"]})
    assert response.status_code == 302
    assert set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True)) == {
        ReminderKind.ACCESS_ENDING,
        ReminderKind.ACCESS_ENDED,
        ReminderKind.CERTIFICATE_EXPIRING,
    }
    client.post(url, {"kinds": ReminderKind.values})
    assert not ReminderOptOut.objects.filter(user=user).exists()


def test_command_dry_run_lists_then_sends(drip_course):
    students(drip_course, ("opened", ACTIVE, {"enrolled_at": timezone.now() - days(8)}))
    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "module_open\topened@example.com\tmodule:" in out.getvalue()
    assert "would be sent" in out.getvalue()
    assert not mail.outbox and not SentReminder.objects.exists()

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "A new module is open: 2" in out.getvalue() and "2 reminder(s) sent." in out.getvalue()
    assert len(mail.outbox) == 2

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "0 reminder(s) sent." in out.getvalue()


def test_task_sends_due_reminders(drip_course):
    students(drip_course, ("opened", ACTIVE, {"enrolled_at": timezone.now() - days(8)}))
    result = reminders.send_reminders.enqueue()
    assert result.return_value == {"module_open": 2}
    assert len(mail.outbox) == 2
