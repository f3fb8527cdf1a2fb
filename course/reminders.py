"""Reminder emails: who is due which reminder, and sending each exactly once.

Five kinds (`ReminderKind`): a drip module has opened, access ends soon, access has ended,
nothing done in a course for a while, a certificate expires soon. Each finder costs a fixed
number of queries whatever the number of students, and leaves out inactive users, users
without an email address, users who turned that kind off (`ReminderOptOut`), pending and
withdrawn enrollments, and reminders already sent.

Sending is idempotent: the `SentReminder` row (unique per user, kind and subject) is written
first, in its own transaction, and only the writer sends; a second run, or a second worker at
the same moment, gets an `IntegrityError` and skips. If the email then fails, the row is
removed so that the next run tries again.

Emails carry titles and dates only, never lesson text, and a signed one-click unsubscribe link
for their kind (RFC 8058) beside a link to the reminder preferences.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext
from django_tasks import task
from wagtail.models import Page

from course import conf
from course.access import opening_date
from course.models import (
    Certificate,
    Enrollment,
    LessonCompletion,
    ModulePage,
    ReminderKind,
    ReminderOptOut,
    SentReminder,
)
from course.models.branding import brand_for
from course.outline import lesson_ids_by_course, lesson_models
from course.people import display_name
from course.tasks import root_url_of

# A reminder about something that happened longer ago than this (a module that opened, access
# that ended) is no longer news: it is not sent late, and turning reminders on for an old site
# does not email about the past.
CATCH_UP_DAYS = 7

UNSUBSCRIBE_SALT = "course.reminders.unsubscribe"


@dataclass(frozen=True)
class Reminder:
    """One reminder due to one user; `subject` identifies what it is about (see `SentReminder`)."""

    kind: str
    user: object
    subject: str
    course: object
    date: datetime.date  # the module's opening, the access's or certificate's end, the last activity
    enrollment: object = None
    module: object = None
    certificate: object = None


def _wanted(queryset, kind, user_field="user"):
    """`queryset` without inactive or email-less users and those who turned `kind` off."""
    opted_out = ReminderOptOut.objects.filter(user=OuterRef(user_field), kind=kind)
    return (
        queryset.filter(**{f"{user_field}__is_active": True})
        .exclude(**{f"{user_field}__email": ""})
        .filter(~Exists(opted_out))
    )


def _enrollments(kind, statuses, now):
    """Enrollments in live courses that still grant access at `now`, with user and course."""
    queryset = Enrollment.objects.filter(status__in=statuses, course__live=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return _wanted(queryset, kind).select_related("user", "course")


def _not_sent(reminders, kind):
    """`reminders` less those already in the sent log (one query)."""
    if not reminders:
        return []
    sent = set(
        SentReminder.objects.filter(kind=kind, user_id__in={r.user.pk for r in reminders}).values_list(
            "user_id", "subject"
        )
    )
    return [r for r in reminders if (r.user.pk, r.subject) not in sent]


def _local(moment):
    return timezone.localdate(moment)


def modules_opened(now=None):
    """ "A new module is open": a live drip module that has opened for an active enrollment in the
    last `CATCH_UP_DAYS` days and was still closed on the day the student enrolled."""
    now = now or timezone.now()
    today = _local(now)
    kind = ReminderKind.MODULE_OPEN
    modules = list(
        ModulePage.objects.live().filter(Q(release_on__isnull=False) | Q(release_after_days__gt=0))
    )
    if not modules:
        return []
    by_course_path = {}
    for module in modules:
        by_course_path.setdefault(module.path[: -Page.steplen], []).append(module)
    enrollments = _enrollments(kind, [Enrollment.Status.ACTIVE], now).filter(
        course__path__in=list(by_course_path)
    )
    due = []
    for enrollment in enrollments:
        enrolled_on = _local(enrollment.enrolled_at)
        for module in by_course_path[enrollment.course.path]:
            opens = opening_date(module, enrollment)
            if opens is None or not enrolled_on < opens <= today:
                continue
            if (today - opens).days >= CATCH_UP_DAYS:
                continue
            due.append(
                Reminder(
                    kind,
                    enrollment.user,
                    f"module:{module.pk}:enrollment:{enrollment.pk}",
                    enrollment.course,
                    opens,
                    enrollment=enrollment,
                    module=module,
                )
            )
    return _not_sent(due, kind)


def access_ending(now=None):
    """ "Your access ends soon": enrollments that grant access and expire within
    `PINEWOOD_ACCESS_ENDING_DAYS` days. The subject carries the end date, so an extension
    reminds again before the new one."""
    now = now or timezone.now()
    kind = ReminderKind.ACCESS_ENDING
    soon = now + datetime.timedelta(days=conf.access_ending_days())
    enrollments = _enrollments(kind, Enrollment.GRANTING, now).filter(expires_at__lte=soon)
    due = [_about_access(kind, enrollment) for enrollment in enrollments]
    return _not_sent(due, kind)


def access_ended(now=None):
    """ "Your access has ended": once per end date, for enrollments whose access ran out in the last
    `CATCH_UP_DAYS` days (an extension that ends again reminds again)."""
    now = now or timezone.now()
    kind = ReminderKind.ACCESS_ENDED
    queryset = Enrollment.objects.filter(
        status__in=Enrollment.GRANTING,
        course__live=True,
        expires_at__lte=now,
        expires_at__gt=now - datetime.timedelta(days=CATCH_UP_DAYS),
    )
    enrollments = _wanted(queryset, kind).select_related("user", "course")
    due = [_about_access(kind, enrollment) for enrollment in enrollments]
    return _not_sent(due, kind)


def _about_access(kind, enrollment):
    ends = _local(enrollment.expires_at)
    return Reminder(
        kind,
        enrollment.user,
        f"enrollment:{enrollment.pk}:expires:{ends.isoformat()}",
        enrollment.course,
        ends,
        enrollment=enrollment,
    )


def inactive_students(now=None):
    """Inactivity nudge: an active enrollment in a course with `inactivity_reminder_days` whose last
    activity is that many days old. The last activity is the latest of the enrollment, the
    student's lesson completions in the course and what they did in its lessons beyond
    completing them (quiz attempts, places in audio and video), which the lesson app reports
    through the lesson contract (`latest_activity_of`, a fixed number of queries per lesson
    model). The subject carries the date of that activity, so each quiet spell reminds once."""
    now = now or timezone.now()
    kind = ReminderKind.INACTIVITY
    last_completion = (
        LessonCompletion.objects.filter(
            user=OuterRef("user"), lesson__path__startswith=OuterRef("course__path")
        )
        .order_by("-completed_at")
        .values("completed_at")[:1]
    )
    enrollments = list(
        _enrollments(kind, [Enrollment.Status.ACTIVE], now)
        .filter(course__inactivity_reminder_days__isnull=False)
        .annotate(last_completion=Subquery(last_completion))
    )
    lesson_activity = _latest_lesson_activity(enrollments)
    due = []
    for enrollment in enrollments:
        moments = (
            enrollment.enrolled_at,
            enrollment.last_completion,
            lesson_activity.get((enrollment.user_id, enrollment.course_id)),
        )
        last = max(moment for moment in moments if moment)
        if now - last < datetime.timedelta(days=enrollment.course.inactivity_reminder_days):
            continue
        last_day = _local(last)
        due.append(
            Reminder(
                kind,
                enrollment.user,
                f"enrollment:{enrollment.pk}:last:{last_day.isoformat()}",
                enrollment.course,
                last_day,
                enrollment=enrollment,
            )
        )
    return _not_sent(due, kind)


def _latest_lesson_activity(enrollments):
    """{(user id, course id): the latest activity in the course's lessons beyond completions}."""
    if not enrollments:
        return {}
    lessons_by_course = lesson_ids_by_course({enrollment.course for enrollment in enrollments})
    course_of_lesson = {pk: course_id for course_id, ids in lessons_by_course.items() for pk in ids}
    user_ids = {enrollment.user_id for enrollment in enrollments}
    latest = {}
    lesson_ids = list(course_of_lesson)
    for model in lesson_models():
        for (user_id, lesson_id), moment in model.latest_activity_of(user_ids, lesson_ids).items():
            key = (user_id, course_of_lesson.get(lesson_id))
            latest[key] = max(latest[key], moment) if key in latest else moment
    return latest


def certificates_expiring(now=None):
    """ "Your certificate expires soon": unrevoked certificates whose `expires_at` falls within
    `PINEWOOD_CERTIFICATE_EXPIRING_DAYS` days."""
    now = now or timezone.now()
    kind = ReminderKind.CERTIFICATE_EXPIRING
    soon = now + datetime.timedelta(days=conf.certificate_expiring_days())
    queryset = Certificate.objects.filter(
        revoked_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=soon,
        enrollment__status__in=Enrollment.GRANTING,
    )
    certificates = _wanted(queryset, kind, user_field="enrollment__user").select_related(
        "enrollment__user", "enrollment__course"
    )
    due = []
    for certificate in certificates:
        ends = _local(certificate.expires_at)
        due.append(
            Reminder(
                kind,
                certificate.enrollment.user,
                f"certificate:{certificate.pk}:expires:{ends.isoformat()}",
                certificate.enrollment.course,
                ends,
                enrollment=certificate.enrollment,
                certificate=certificate,
            )
        )
    return _not_sent(due, kind)


FINDERS = {
    ReminderKind.MODULE_OPEN: modules_opened,
    ReminderKind.ACCESS_ENDING: access_ending,
    ReminderKind.ACCESS_ENDED: access_ended,
    ReminderKind.INACTIVITY: inactive_students,
    ReminderKind.CERTIFICATE_EXPIRING: certificates_expiring,
}


def due_reminders(now=None):
    """Every reminder due at `now`, kind by kind."""
    now = now or timezone.now()
    return [reminder for finder in FINDERS.values() for reminder in finder(now)]


# One-click unsubscribe: a signed (user id, kind), tamper-proof and without expiry.


def unsubscribe_token(user, kind):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": str(kind)})


def read_unsubscribe_token(token):
    """(user id, kind) from a token `unsubscribe_token` made; `signing.BadSignature` otherwise."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError) as error:
        raise signing.BadSignature("Bad unsubscribe token") from error
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or data.get("k") not in ReminderKind.values
    ):
        raise signing.BadSignature("Bad unsubscribe token")
    return data["u"], data["k"]


def opt_out(user_id, kind):
    """Turn `kind` off for the user; doing it twice changes nothing."""
    ReminderOptOut.objects.get_or_create(user_id=user_id, kind=kind)


# Sending.


def _title(reminder, course, module):
    """The email's subject (and the heading of its HTML part), in the active language."""
    values = {
        "course": course.title,
        "module": getattr(module, "title", ""),
        "date": format_date(reminder.date, "j F Y"),
    }
    subjects = {
        # Translators: reminder email subjects; "course" is the course title, "module" a module title.
        ReminderKind.MODULE_OPEN: gettext("New in %(course)s: %(module)s is open"),
        ReminderKind.ACCESS_ENDING: gettext("Your access to %(course)s ends on %(date)s"),
        ReminderKind.ACCESS_ENDED: gettext("Your access to %(course)s has ended"),
        ReminderKind.INACTIVITY: gettext("Pick up where you left off in %(course)s"),
        ReminderKind.CERTIFICATE_EXPIRING: gettext("Your certificate for %(course)s expires on %(date)s"),
    }
    return subjects[reminder.kind] % values


def _enrollment_of(reminder):
    if reminder.enrollment is not None:
        return reminder.enrollment
    return reminder.certificate.enrollment if reminder.certificate is not None else None


def in_language(page, language):
    """`page`'s live translation in `language`, else `page` (a module named in a reminder)."""
    if page is None or not language:
        return page
    translation = page.get_translations().filter(locale__language_code=language).live().first()
    return translation.specific if translation is not None else page


def build_email(reminder):
    """The reminder's email (plain text and HTML), with its List-Unsubscribe headers, in the
    student's language (`Enrollment.language_code`) and about the course in that language."""
    enrollment = _enrollment_of(reminder)
    language = enrollment.language_code if enrollment is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        return _build_email(reminder, enrollment)


def _build_email(reminder, enrollment):
    user = reminder.user
    course = enrollment.course_in_language() if enrollment is not None else reminder.course
    module = in_language(reminder.module, enrollment.language if enrollment is not None else "")
    root = root_url_of(course)
    brand = brand_for(course.get_site())
    unsubscribe_url = root + reverse(
        "course:reminder_unsubscribe", args=[unsubscribe_token(user, reminder.kind)]
    )
    certificate = reminder.certificate
    context = {
        "brand": brand,
        "name": display_name(user),
        "title": _title(reminder, course, module),
        "kind": reminder.kind,
        "kind_label": ReminderKind(reminder.kind).label,
        "course_title": course.title,
        "course_url": course.get_full_url() or f"{root}/",
        "dashboard_url": root + reverse("course:dashboard"),
        "module_title": getattr(module, "title", ""),
        "date": reminder.date,
        "certificate_url": root + certificate.get_absolute_url() if certificate else "",
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": root + reverse("course:reminder_preferences"),
    }
    template = f"course/emails/reminder_{reminder.kind}"
    message = EmailMultiAlternatives(
        context["title"],
        render_to_string(f"{template}.txt", context),
        brand.from_email(),
        [user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def deliver(reminder, now=None):
    """Send `reminder` unless it was already sent; True if this call sent it."""
    try:
        with transaction.atomic():
            claim = SentReminder.objects.create(
                user=reminder.user,
                kind=reminder.kind,
                subject=reminder.subject,
                sent_at=now or timezone.now(),
            )
    except IntegrityError:
        return False  # sent before, or by another worker right now
    try:
        build_email(reminder).send()
    except Exception:
        claim.delete()  # let the next run try again
        raise
    return True


def send_due_reminders(now=None, dry_run=False):
    """Find and send every due reminder; [(reminder, sent)] (with `dry_run`, sent is always False)."""
    now = now or timezone.now()
    return [(reminder, False if dry_run else deliver(reminder, now)) for reminder in due_reminders(now)]


@task()
def send_reminders():
    """Send every due reminder (cron: `manage.py send_reminders`, or enqueue this from a scheduler);
    how many of each kind went."""
    sent = {}
    for reminder, went in send_due_reminders():
        if went:
            sent[reminder.kind] = sent.get(reminder.kind, 0) + 1
    return {str(kind): count for kind, count in sent.items()}
