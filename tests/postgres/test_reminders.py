"""A reminder goes once when many workers send it at the same moment: the unique sent-log row
is written before the email, and only its writer sends."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from course import reminders
from course.models import ReminderKind, SentReminder
from tests.factories import enroll_as, make_catalogue, make_course, make_user
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKERS = 20


def test_twenty_workers_sending_the_same_reminder_send_one_email():
    course, _ = make_course(make_catalogue(), "Timed Course", modules=1, lessons=1)
    now = timezone.now()
    enroll_as(make_user("racer"), course, expires_at=now + datetime.timedelta(days=3))
    (reminder,) = reminders.access_ending(now=now)
    mail.outbox = []

    results = run_at_once([lambda: reminders.deliver(reminder, now) for _ in range(WORKERS)])

    assert results.count(True) == 1 and results.count(False) == WORKERS - 1
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(kind=ReminderKind.ACCESS_ENDING).count() == 1


def test_twenty_concurrent_runs_send_each_reminder_once():
    course, _ = make_course(make_catalogue(), "Timed Course", modules=1, lessons=1)
    now = timezone.now()
    for n in range(3):
        enroll_as(make_user(f"racer{n}"), course, expires_at=now + datetime.timedelta(days=3))
    mail.outbox = []

    run_at_once([lambda: reminders.send_due_reminders(now=now) for _ in range(WORKERS)])

    assert sorted(message.to[0] for message in mail.outbox) == [f"racer{n}@example.com" for n in range(3)]
    assert SentReminder.objects.count() == 3
