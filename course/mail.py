"""Every email goes through django-tasks: `QueuedEmailBackend` queues, `deliver_email` sends.

Set `QueuedEmailBackend` as the default email backend (`EMAIL_BACKEND`, or from Django 6.1 the
"default" entry of `MAILERS`) and everything that sends email through Django (allauth's account
emails, the plugin's own tasks, `mail_admins`) only builds the message in the request and queues
it; an unreachable mail server can no longer turn a sign-up into an error page. The message is
rendered before it is queued, so templates and request context are those of the request; only the
delivery is deferred.

`deliver_email` sends the message through the real backend: the `"delivery"` mailer of `MAILERS`
(Django 6.1+), else `PINEWOOD_EMAIL_DELIVERY_BACKEND` (SMTP by default; it reads `EMAIL_HOST` &
co.). A failed try is logged (attempt, number of recipients and the kind of error: never the
subject, body or addresses) and, when the task backend can defer tasks (django-tasks-db's), tried
again after `PINEWOOD_EMAIL_RETRY_DELAY` seconds, doubling each time, up to
`PINEWOOD_EMAIL_MAX_ATTEMPTS` tries; then, or at once with a backend that cannot defer (the
immediate one of development and tests), it is given up with an error log. It never raises for a
delivery problem.

The message travels as JSON (django-tasks-db stores task arguments so): subject, body, sender,
recipients, reply-to, extra headers, alternatives and attachments (bytes as base64). It is sent
again as an `EmailMultiAlternatives`: attributes of other message classes (an email service's
template ids, for instance) do not travel.
"""

import base64
import email
import logging
import smtplib
from datetime import timedelta
from email.message import Message
from email.mime.base import MIMEBase
from email.policy import compat32
from email.policy import default as default_policy

import django
import django.core.mail
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailAlternative, EmailAttachment
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from course import conf

logger = logging.getLogger(__name__)

# The MAILERS alias (Django 6.1+) of the backend that really sends.
DELIVERY_MAILER = "delivery"


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message as a `deliver_email` task instead of sending it.

    Returns how many messages were queued (those without recipients are skipped, as Django's
    backends do). Sending fails only if the task cannot be queued at all (the task database is
    down), never because the mail server is.
    """

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver_email.enqueue(serialize_message(message))
            queued += 1
        return queued


# --- the message as JSON -------------------------------------------------------------------


def _data(content):
    """Text as it is; bytes as {"base64": …}."""
    if isinstance(content, bytes):
        return {"base64": base64.b64encode(content).decode("ascii")}
    return str(content)


def _content(data):
    if isinstance(data, dict):
        return base64.b64decode(data["base64"])
    return data


def _addresses(addresses):
    return [str(address) for address in addresses or ()]


def _attachment(attachment):
    if isinstance(attachment, Message):  # a MIME part attached as it is (MIMEBase, MIMEPart)
        return {"mime": _data(attachment.as_bytes())}
    filename, content, mimetype = attachment
    return {"filename": filename, "content": _data(content), "mimetype": mimetype}


# Multipart subtypes a message may change before Django 6.0 (which drops them); kept when changed.
CUSTOM_SUBTYPES = ("mixed_subtype", "alternative_subtype")


def serialize_message(message):
    """A JSON-serialisable copy of an `EmailMessage` (or `EmailMultiAlternatives`)."""
    data = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": _addresses(message.to),
        "cc": _addresses(message.cc),
        "bcc": _addresses(message.bcc),
        "reply_to": _addresses(message.reply_to),
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "alternatives": [
            {"content": _data(content), "mimetype": mimetype}
            for content, mimetype in getattr(message, "alternatives", None) or ()
        ],
        "attachments": [_attachment(attachment) for attachment in message.attachments],
    }
    for name in CUSTOM_SUBTYPES:
        value = getattr(message, name, None)
        if value is not None and value != getattr(EmailMultiAlternatives, name, None):
            data[name] = value
    if isinstance(message.encoding, str):
        data["encoding"] = message.encoding
    return data


class _ParsedMIMEBase(MIMEBase):
    """A parsed MIME part Django before 6.0 takes as an attachment (it accepts MIMEBase only)."""

    def __init__(self, policy=compat32):
        Message.__init__(self, policy=policy)


def _mime_part(raw):
    if django.VERSION >= (6, 0):  # takes `email.message.MIMEPart`, and deprecates MIMEBase
        return email.message_from_bytes(raw, policy=default_policy)
    return email.message_from_bytes(raw, _class=_ParsedMIMEBase)


def deserialize_message(data):
    """The `EmailMultiAlternatives` that `serialize_message` described."""
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[
            EmailAlternative(_content(alternative["content"]), alternative["mimetype"])
            for alternative in data["alternatives"]
        ],
    )
    for attachment in data["attachments"]:
        if "mime" in attachment:
            message.attachments.append(_mime_part(_content(attachment["mime"])))
        else:
            message.attachments.append(
                EmailAttachment(
                    attachment["filename"], _content(attachment["content"]), attachment["mimetype"]
                )
            )
    message.content_subtype = data["content_subtype"]
    for name in CUSTOM_SUBTYPES:
        if name in data:
            setattr(message, name, data[name])
    if "encoding" in data:
        message.encoding = data["encoding"]
    return message


# --- delivery ------------------------------------------------------------------------------


def delivery_connection():
    """The backend that really sends: never the queue itself, which would only queue again."""
    if django.VERSION >= (6, 1) and hasattr(settings, "MAILERS"):
        mailers = django.core.mail.mailers  # Django 6.1+
        if DELIVERY_MAILER in mailers:
            connection = mailers[DELIVERY_MAILER]
        else:
            connection = import_string(conf.email_delivery_backend())(alias=DELIVERY_MAILER)
    else:
        connection = get_connection(conf.email_delivery_backend())
    if isinstance(connection, QueuedEmailBackend):
        raise ImproperlyConfigured(
            "The email delivery backend is course.mail.QueuedEmailBackend: it would queue forever. "
            "Set PINEWOOD_EMAIL_DELIVERY_BACKEND (or, from Django 6.1, MAILERS['delivery']) to the "
            "backend that sends, e.g. django.core.mail.backends.smtp.EmailBackend."
        )
    return connection


def _reason(error):
    """What went wrong, without what the server may echo back (addresses, message text)."""
    reason = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{reason} {error.smtp_code}"
    if isinstance(error, OSError) and error.strerror:
        return f"{reason} ({error.strerror})"
    return reason


def _plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@task(takes_context=True)
def deliver_email(context, message, attempt=1):
    """Send one queued message (`serialize_message`'s form); True once it went.

    On failure it queues itself again later (see the module's docstring) and returns False; it
    never raises because the mail server is unreachable or refuses.
    """
    email_message = deserialize_message(message)
    recipients = _plural(len(email_message.recipients()), "recipient")
    max_attempts = conf.email_max_attempts()
    try:
        connection = delivery_connection()
        connection.send_messages([email_message])
    except ImproperlyConfigured as error:  # trying again would not help
        logger.error(
            "Email delivery gave up (%s): the delivery backend is misconfigured: %s", recipients, error
        )
        return False
    except Exception as error:
        logger.warning(
            "Email delivery failed (attempt %s of %s, %s): %s",
            attempt,
            max_attempts,
            recipients,
            _reason(error),
        )
        this_task = context.task_result.task  # its backend and queue, for the next try
        if attempt < max_attempts and this_task.get_backend().supports_defer:
            delay = conf.email_retry_delay() * 2 ** (attempt - 1)
            this_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                message, attempt=attempt + 1
            )
            logger.info("Email delivery will be tried again in %s seconds (%s).", delay, recipients)
        else:
            logger.error(
                "Email delivery gave up after %s (%s): %s",
                _plural(attempt, "attempt"),
                recipients,
                _reason(error),
            )
        return False
    return True
