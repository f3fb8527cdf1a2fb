"""Invitations: enrolling someone who has no account yet, through an emailed link.

An administrator "adds" an email address (one at a time or by CSV import); when no account
uses it, `invite()` creates the invitation (or reuses the one still pending for that course and
address) and emails a link. The link carries the invitation's random key, signed
(`django.core.signing`, salted, timestamped), so a forged or altered link is refused before the
database is asked. It works until the invitation's `expires_at` (`PINEWOOD_INVITATION_DAYS`),
once, and not after it is cancelled.

Accepting (`accept()`) requires a logged-in account whose email is the invited address: the link
may be forwarded, the mailbox may not, and a seat is given to the person the administrator
chose. The claim is a conditional UPDATE in the same transaction as the enrollment, so two
clicks (or two people) never both succeed, and a refusal (course full) rolls the claim back,
leaving the invitation pending. Enrollment goes through `course.enrollments.enroll` with
source "admin" (an administrator chose the student; there is no "invitation" source), so
capacity is checked at acceptance and the welcome email follows.

Every change is logged on the invitation (`wagtail.log_actions`): sent, resent, cancelled,
accepted.
"""

import datetime
from dataclasses import dataclass
from functools import partial

from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task
from wagtail.log_actions import log

from course import conf
from course.enrollments import EnrollmentError, enroll
from course.models import Enrollment, Invitation
from course.models.branding import brand_for
from course.tasks import root_url_of

SIGNING_SALT = "course.invitation"

INVITATION_SENT = "pinewood.invitation_sent"
INVITATION_RESENT = "pinewood.invitation_resent"
INVITATION_CANCELLED = "pinewood.invitation_cancelled"
INVITATION_ACCEPTED = "pinewood.invitation_accepted"


class InvitationError(Exception):
    """A refusal with a message that can be shown as is; `status` is the HTTP status to answer."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class InviteResult:
    invitation: Invitation
    created: bool
    sent: bool


def normalise_email(email):
    """Addresses are stored lower-case, so "one pending invitation per address" holds whatever the case."""
    return email.strip().lower()


def _validity():
    return datetime.timedelta(days=conf.invitation_days())


def _may_send_again(invitation, now):
    if invitation.last_sent_at is None:
        return True
    return now - invitation.last_sent_at >= datetime.timedelta(seconds=conf.invitation_resend_interval())


def _send(invitation, now, *, by, action):
    """Record a sending, log it and email the link once the transaction commits."""
    invitation.expires_at = now + _validity()
    invitation.last_sent_at = now
    invitation.times_sent += 1
    invitation.save(update_fields=["expires_at", "last_sent_at", "times_sent"])
    log(invitation, action, user=by)
    transaction.on_commit(partial(send_invitation_email.enqueue, invitation.pk))


def pending_invitation(course, email):
    """The invitation still open (not accepted, not cancelled; perhaps expired) for the pair."""
    return Invitation.objects.filter(
        course=course, email=normalise_email(email), accepted_at__isnull=True, cancelled_at__isnull=True
    ).first()


def invite(email, course, *, by=None):
    """Invite `email` to `course`, or email the pending invitation again.

    An expired pending invitation is renewed (a new validity period). The same invitation is not
    emailed twice within `PINEWOOD_INVITATION_RESEND_INTERVAL` (re-adding or re-importing an
    address does not flood its mailbox): `sent` says whether this call sent it.
    """
    email = normalise_email(email)
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(course=course, email=email, accepted_at__isnull=True, cancelled_at__isnull=True)
            .first()
        )
        created = invitation is None
        if created:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        course=course, email=email, invited_by=by, expires_at=now + _validity()
                    )
            except IntegrityError:
                # Another administrator invited the same address at the same moment.
                return InviteResult(pending_invitation(course, email), created=False, sent=False)
        elif not _may_send_again(invitation, now) and invitation.expires_at > now:
            return InviteResult(invitation, created=False, sent=False)
        _send(invitation, now, by=by, action=INVITATION_SENT if created else INVITATION_RESENT)
    return InviteResult(invitation, created=created, sent=True)


def resend(invitation, *, by):
    """Email a pending invitation again with a fresh validity period; refused too soon after the last."""
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.cancelled_at is not None:
            raise InvitationError("closed", gettext("This invitation was already accepted or cancelled."))
        if not _may_send_again(invitation, now):
            minutes = max(1, conf.invitation_resend_interval() // 60)
            message = gettext("This invitation was sent less than %(minutes)s minutes ago; try again later.")
            raise InvitationError("too_soon", message % {"minutes": minutes}, 429)
        _send(invitation, now, by=by, action=INVITATION_RESENT)
    return invitation


def cancel(invitation, *, by):
    """Close a pending invitation: its link stops working. Returns whether it changed."""
    with transaction.atomic():
        changed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        if changed:
            invitation.refresh_from_db()
            log(invitation, INVITATION_CANCELLED, user=by)
    return bool(changed)


# --- the link ------------------------------------------------------------------------------


def token_for(invitation):
    return signing.dumps(invitation.key, salt=SIGNING_SALT)


def invitation_url(invitation):
    """The absolute link for the email, on the course's own Site (as the other course emails)."""
    return root_url_of(invitation.course) + reverse("course:invitation", args=[token_for(invitation)])


def invitation_for_token(token):
    """The invitation a link names, if it may still be accepted; otherwise `InvitationError`.

    The signature is checked first (no query for a forged link); the signed timestamp may be as old
    as the validity period, and the invitation's own `expires_at` (moved by a resend) decides.
    """
    try:
        key = signing.loads(token, salt=SIGNING_SALT, max_age=_validity())
    except signing.SignatureExpired as error:
        raise InvitationError("expired", gettext("This invitation link has expired."), 410) from error
    except signing.BadSignature as error:
        raise InvitationError("invalid", gettext("This invitation link is not valid."), 400) from error
    invitation = Invitation.objects.select_related("course").filter(key=key).first()
    if invitation is None:
        raise InvitationError("invalid", gettext("This invitation link is not valid."), 400)
    check_open(invitation)
    return invitation


def check_open(invitation):
    if invitation.cancelled_at is not None:
        raise InvitationError("cancelled", gettext("This invitation was cancelled by the course team."), 410)
    if invitation.accepted_at is not None:
        raise InvitationError("used", gettext("This invitation has already been used."), 410)
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired", gettext("This invitation has expired."), 410)
    if not invitation.course.live:
        raise InvitationError("unavailable", gettext("This course is not available."), 410)


def email_matches(user, invitation):
    """Whether `user` may accept: their account's email is the invited address.

    The host's account system vouches for the address (the demo's allauth lets nobody log in
    before verifying it)."""
    return bool(user.email) and normalise_email(user.email) == invitation.email


def accept(invitation, user):
    """Enroll `user` through `invitation`, once. Returns the enrollment.

    Raises `InvitationError` (nothing changes) when the invitation is no longer open, belongs to
    another address, or the course is full.
    """
    if not user.is_authenticated:
        raise InvitationError("login", gettext("Please log in to accept the invitation."), 403)
    if not email_matches(user, invitation):
        raise InvitationError(
            "email",
            gettext("This invitation is for %(email)s; you are logged in with another address.")
            % {"email": invitation.email},
            403,
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now
            ).update(accepted_at=now, accepted_by=user)
            if claimed != 1:
                invitation.refresh_from_db()
                check_open(invitation)  # says why (used, cancelled, expired)
                raise InvitationError("used", gettext("This invitation has already been used."), 410)
            result = enroll(user, invitation.course, source=Enrollment.Source.ADMIN)
            if not result.enrollment.grants_access():
                raise EnrollmentError("not_active", gettext("The enrollment could not be opened."))
            Invitation.objects.filter(pk=invitation.pk).update(enrollment=result.enrollment)
            invitation.refresh_from_db()
            log(invitation, INVITATION_ACCEPTED, user=user)
    except EnrollmentError as error:
        raise InvitationError(error.code, error.message, 409) from error
    return result.enrollment


# --- the email -----------------------------------------------------------------------------


@task()
def send_invitation_email(invitation_id):
    """The invitation with its link: the course's name and address, never lesson content."""
    invitation = Invitation.objects.select_related("course", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return False
    course = invitation.course
    brand = brand_for(course.get_site())
    context = {
        "brand": brand,
        "course_title": course.title,
        "course_url": course.get_full_url() or f"{root_url_of(course)}/",
        "invitation_url": invitation_url(invitation),
        "expires_at": invitation.expires_at,
        "email": invitation.email,
    }
    body = render_to_string("course/emails/invitation.txt", context)
    # Translators: the subject of the invitation email; "title" is the course title.
    subject = gettext("You are invited to %(title)s") % {"title": course.title}
    send_mail(subject, body, brand.from_email(), [invitation.email])
    return True
