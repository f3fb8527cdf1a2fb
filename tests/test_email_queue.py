"""Every email, allauth's included, goes through django-tasks (course/mail.py).

A mail server that is down or hangs up fails no request: the request only queues the message.
The task that delivers it logs a failure without the message's content, tries again later with a
doubling delay when a worker runs the tasks (django-tasks-db), and gives up after the last try.
"""

import json
import logging
import re
import smtplib
from datetime import timedelta
from email.message import MIMEPart
from email.mime.text import MIMEText

import django
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from course.tasks import send_enrollment_email
from lms_site.settings.base import mail_settings
from tests.factories import enroll_as, make_catalogue, make_course, make_user, png_bytes
from tests.processes import run_with_production_settings

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SERVER_DOWN = "tests.test_email_queue.MailServerDown"
SERVER_HANGS_UP = "tests.test_email_queue.MailServerHangsUp"
FLAKY_SERVER = "tests.test_email_queue.FlakyMailServer"
QUEUE = "course.mail.QueuedEmailBackend"
DELIVER = "course.mail.deliver_email"

PASSWORD = "a-Strong-passphrase-91"
NEWCOMER = "newcomer@example.com"
CONFIRM_LINK = re.compile(r"http://testserver/accounts/confirm-email/[^/\s]+/")
SECRET = "The body says: meet at the old oak at noon"


class MailServerDown(BaseEmailBackend):
    """SMTP to a host where nothing listens."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


class MailServerHangsUp(BaseEmailBackend):
    """SMTP to a server that drops the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyMailServer(LocmemBackend):
    """Down for the first `failures` tries, then delivers to `mail.outbox`."""

    failures = 2
    tries = 0

    def send_messages(self, email_messages):
        FlakyMailServer.tries += 1
        if FlakyMailServer.tries <= self.failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


def queued(delivery):
    """Email queued as tasks and delivered by `delivery`, in the form this Django reads (MAILERS
    from 6.1); inside a test, so after the test runner switched email to locmem."""
    return override_settings(**mail_settings(delivery, queued=True))


def with_worker():
    """Tasks kept in the database for `manage.py db_worker`, as in production."""
    return override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def waiting():
    """The queued email deliveries a worker has yet to run, oldest first."""
    return list(
        DBTaskResult.objects.filter(task_path=DELIVER, status=TaskResultStatus.READY).order_by("enqueued_at")
    )


def run(row):
    """Run one queued task as `manage.py db_worker` does once it picked it up (its loop, which
    also waits for `run_after`, takes an exclusive transaction that a test cannot)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name=row.backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    row.claim(worker.worker_id)
    worker.run_task(row)
    row.refresh_from_db()
    return row


def run_all():
    while rows := waiting():
        for row in rows:
            run(row)


def sign_up(email=NEWCOMER):
    return Client().post(
        "/accounts/signup/",
        {"email": email, "first_name": "Nina", "password1": PASSWORD, "password2": PASSWORD},
    )


def mail_log(caplog):
    return [
        (record.levelname, record.getMessage()) for record in caplog.records if record.name == "course.mail"
    ]


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO, logger="course.mail")
    return caplog


@pytest.fixture
def catalogue(db):
    return make_catalogue()


# --- sign-up while the mail server is down -------------------------------------------------


@pytest.mark.parametrize("server", [SERVER_DOWN, SERVER_HANGS_UP])
def test_sign_up_succeeds_while_the_mail_server_fails(catalogue, server, log):
    with queued(server):
        response = sign_up()

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert get_user_model().objects.filter(email=NEWCOMER).exists()
    assert mail.outbox == []
    # The immediate task backend (development, tests) cannot try again later: one try, given up.
    reason = (
        "ConnectionRefusedError (Connection refused)" if server == SERVER_DOWN else "SMTPServerDisconnected"
    )
    assert mail_log(log) == [
        ("WARNING", f"Email delivery failed (attempt 1 of 5, 1 recipient): {reason}"),
        ("ERROR", f"Email delivery gave up after 1 attempt (1 recipient): {reason}"),
    ]
    # Neither the address, nor the subject, nor the body (its confirmation link) is logged.
    assert NEWCOMER not in log.text
    assert "Confirm" not in log.text
    assert "confirm-email" not in log.text


def test_with_a_worker_the_sign_up_only_queues_the_confirmation(catalogue, log):
    with queued(SERVER_DOWN), with_worker():
        response = sign_up()
        assert response.status_code == 302
        assert get_user_model().objects.filter(email=NEWCOMER).exists()
        assert mail_log(log) == []  # nothing was tried in the request
        (row,) = waiting()
        assert row.args_kwargs["kwargs"] == {}
        assert row.args_kwargs["args"][0]["to"] == [NEWCOMER]

        before = timezone.now()
        assert run(row).status == TaskResultStatus.SUCCESSFUL  # the task itself does not fail
        (retry,) = waiting()
        assert retry.args_kwargs["kwargs"] == {"attempt": 2}
        assert before + timedelta(seconds=60) <= retry.run_after <= timezone.now() + timedelta(seconds=60)
    assert [level for level, _ in mail_log(log)] == ["WARNING", "INFO"]


# --- delivery when the mail server works ---------------------------------------------------


def test_the_confirmation_is_delivered_as_allauth_rendered_it_in_the_request(catalogue):
    with override_settings(**mail_settings(LOCMEM)):
        sign_up("direct@example.com")
    (direct,) = mail.outbox
    mail.outbox.clear()

    with queued(LOCMEM), with_worker():
        sign_up()
        assert mail.outbox == []  # queued, not sent
        run_all()  # after the request: no request is at hand any more
    (delivered,) = mail.outbox

    assert delivered.to == [NEWCOMER]
    assert delivered.subject == direct.subject
    assert "Please Confirm Your Email Address" in delivered.subject
    assert delivered.from_email == direct.from_email
    # The link names the host of the request that signed up, so the body was rendered there.
    assert CONFIRM_LINK.search(delivered.body)
    assert CONFIRM_LINK.sub("LINK", delivered.body) == CONFIRM_LINK.sub("LINK", direct.body).replace(
        "direct@example.com", NEWCOMER
    )
    assert delivered.alternatives == direct.alternatives


def mime_part():
    """A MIME part attached as it is, in the form this Django takes."""
    if django.VERSION >= (6, 0):
        part = MIMEPart()
        part.set_content("A note in a part of its own.", disposition="attachment", filename="note.txt")
        return part
    return MIMEText("A note in a part of its own.")


def test_every_part_of_a_message_survives_the_queue():
    picture = png_bytes()
    message = EmailMultiAlternatives(
        subject="Your certificate",
        body="Plain text",
        from_email="Academy <academy@example.com>",
        to=["ann@example.com"],
        cc=["carl@example.com"],
        bcc=["bea@example.com"],
        reply_to=["help@example.com"],
        headers={"List-Unsubscribe": "<https://example.com/unsubscribe/>", "X-Course": "42"},
    )
    message.attach_alternative("<p>Rich <b>text</b></p>", "text/html")
    message.attach("logo.png", picture, "image/png")
    message.attach("notes.txt", "Ünïcode notes", "text/plain")
    message.attach("Zertifikat ä.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    message.attach(mime_part())
    html_only = EmailMessage(subject="HTML only", body="<p>Hi</p>", to=["dan@example.com"])
    html_only.content_subtype = "html"

    with queued(LOCMEM), with_worker():
        assert (message.send(), html_only.send()) == (1, 1)  # queued
        for row in waiting():  # stored as JSON in the task table
            json.dumps(row.args_kwargs)
        assert mail.outbox == []
        run_all()

    delivered, html = mail.outbox
    assert delivered.subject == message.subject
    assert delivered.body == message.body
    assert delivered.from_email == message.from_email
    assert (delivered.to, delivered.cc, delivered.bcc) == (message.to, message.cc, message.bcc)
    assert delivered.reply_to == message.reply_to
    assert delivered.extra_headers == message.extra_headers
    assert delivered.alternatives == [("<p>Rich <b>text</b></p>", "text/html")]
    assert delivered.attachments[:3] == message.attachments[:3]
    assert delivered.attachments[0].content == picture  # bytes, not text
    assert delivered.attachments[3].as_bytes() == message.attachments[3].as_bytes()
    sent = delivered.message()
    assert sent["List-Unsubscribe"] == "<https://example.com/unsubscribe/>"
    assert "Zertifikat" in sent.as_string()
    assert (html.body, html.content_subtype, html.to) == ("<p>Hi</p>", "html", ["dan@example.com"])


def test_the_plugins_own_emails_go_through_the_queue(catalogue):
    course, _ = make_course(catalogue, title="Pottery")
    enrollment = enroll_as(make_user("ann"), course)
    with queued(LOCMEM), with_worker():
        send_enrollment_email.enqueue(enrollment.pk)
        (enrollment_task,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        run(enrollment_task)
        assert mail.outbox == []
        (delivery,) = waiting()  # the email it sent is one more task
        run(delivery)
    (sent,) = mail.outbox
    assert sent.to == ["ann@example.com"]
    assert sent.subject == "You are enrolled: Pottery"


# --- retries -------------------------------------------------------------------------------


def test_a_failing_delivery_is_tried_again_with_doubling_delays_then_given_up(log):
    with queued(SERVER_DOWN), with_worker():
        assert send_mail("Meeting", SECRET, None, ["ann@example.com", "bob@example.com"]) == 1
        delays = []
        for attempt in range(1, 6):
            (row,) = waiting()
            assert row.args_kwargs["kwargs"] == ({"attempt": attempt} if attempt > 1 else {})
            before = timezone.now()
            run(row)
            assert row.status == TaskResultStatus.SUCCESSFUL
            assert row.return_value is False
            if attempt < 5:
                (retry,) = waiting()
                delay = retry.run_after - before
                assert delay >= timedelta(seconds=60 * 2 ** (attempt - 1))
                delays.append(round(delay.total_seconds() / 10) * 10)
        assert waiting() == []  # given up: nothing is left to try

    assert delays == [60, 120, 240, 480]
    records = mail_log(log)
    warnings = [message for level, message in records if level == "WARNING"]
    assert warnings == [
        f"Email delivery failed (attempt {n} of 5, 2 recipients): ConnectionRefusedError (Connection refused)"
        for n in range(1, 6)
    ]
    assert records[-1] == (
        "ERROR",
        "Email delivery gave up after 5 attempts (2 recipients): ConnectionRefusedError (Connection refused)",
    )
    assert SECRET not in log.text
    assert "Meeting" not in log.text
    assert "ann@example.com" not in log.text


@override_settings(PINEWOOD_EMAIL_MAX_ATTEMPTS=3, PINEWOOD_EMAIL_RETRY_DELAY=5)
def test_attempts_and_delay_are_settings(log):
    with queued(SERVER_HANGS_UP), with_worker():
        send_mail("Meeting", SECRET, None, ["ann@example.com"])
        (first,) = waiting()
        before = timezone.now()
        run(first)
        (second,) = waiting()
        assert before + timedelta(seconds=5) <= second.run_after <= timezone.now() + timedelta(seconds=5)
        run_all()
    assert [level for level, _ in mail_log(log)] == ["WARNING", "INFO", "WARNING", "INFO", "WARNING", "ERROR"]
    assert mail_log(log)[-1][1].startswith("Email delivery gave up after 3 attempts")


def test_a_delivery_that_fails_twice_arrives_on_the_third_try(log):
    FlakyMailServer.tries = 0
    with queued(FLAKY_SERVER), with_worker():
        send_mail("Meeting", SECRET, None, ["ann@example.com"])
        run_all()
    (sent,) = mail.outbox
    assert (sent.subject, sent.body) == ("Meeting", SECRET)
    assert FlakyMailServer.tries == 3
    assert [level for level, _ in mail_log(log)] == ["WARNING", "INFO", "WARNING", "INFO"]


def test_the_queue_as_its_own_delivery_backend_is_refused_not_looped(log):
    with queued(QUEUE):
        assert send_mail("Meeting", SECRET, None, ["ann@example.com"]) == 1
    assert mail.outbox == []
    ((level, message),) = mail_log(log)
    assert level == "ERROR"
    assert "misconfigured" in message
    assert "PINEWOOD_EMAIL_DELIVERY_BACKEND" in message


def test_without_a_delivery_mailer_the_delivery_backend_setting_is_used():
    """Django 6.1 with MAILERS but no "delivery" mailer, and Django before 6.1 (no MAILERS at
    all), both deliver through PINEWOOD_EMAIL_DELIVERY_BACKEND."""
    if django.VERSION >= (6, 1):
        queued = {"MAILERS": {"default": {"BACKEND": QUEUE}}}
    else:
        queued = {"EMAIL_BACKEND": QUEUE}
    with override_settings(**queued, PINEWOOD_EMAIL_DELIVERY_BACKEND=LOCMEM):
        send_mail("Meeting", SECRET, None, ["ann@example.com"])
    (sent,) = mail.outbox
    assert sent.subject == "Meeting" and sent.to == ["ann@example.com"]
    if django.VERSION >= (6, 1):
        assert sent.sent_using == "delivery"


# --- production -----------------------------------------------------------------------------

SHOW_MAIL = (
    "import json; from django.core import mail; from course.mail import delivery_connection; "
    "delivery = delivery_connection(); "
    "print(json.dumps([type(mail.get_connection()).__name__, type(delivery).__module__, delivery.host]))"
)


def test_production_queues_every_email_and_delivers_by_smtp():
    result = run_with_production_settings("shell", "-c", SHOW_MAIL, EMAIL_HOST="smtp.example.com")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "QueuedEmailBackend",
        "django.core.mail.backends.smtp",
        "smtp.example.com",
    ]
