"""Concurrent acceptance of invitations on PostgreSQL: single use, and no over-booking."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from course.invitations import InvitationError, accept, invite, resend
from course.models import Enrollment, Invitation
from tests.factories import make_catalogue, make_course
from tests.postgres.threads import run_at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def invitee(email):
    return get_user_model().objects.create_user(email.split("@")[0], email, "pw-123-long-enough")


def test_twenty_threads_accepting_one_invitation_enroll_once():
    course, _ = make_course(make_catalogue(), "One link", modules=1, lessons=1)
    invitation = invite("racer@example.com", course).invitation
    user = invitee("racer@example.com")
    results = run_at_once([lambda: accept(invitation, user)] * 20, ignore=InvitationError)
    assert sum(result is not None for result in results) == 1
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.enrollment is not None


def test_twenty_invitations_racing_for_five_seats():
    course, _ = make_course(make_catalogue(), "Small class", modules=1, lessons=1, capacity=5)
    pairs = [
        (invite(f"p{i}@example.com", course).invitation, invitee(f"p{i}@example.com")) for i in range(20)
    ]
    results = run_at_once([lambda pair=pair: accept(*pair) for pair in pairs], ignore=InvitationError)
    assert sum(result is not None for result in results) == 5
    assert Enrollment.objects.filter(course=course, status="active").count() == 5
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 5
    assert Invitation.objects.filter(accepted_at__isnull=True, cancelled_at__isnull=True).count() == 15


def test_twenty_resends_at_once_email_the_invitation_once():
    course, _ = make_course(make_catalogue(), "Patient", modules=1, lessons=1)
    invitation = invite("waiting@example.com", course).invitation
    long_ago = invitation.last_sent_at - datetime.timedelta(days=1)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=long_ago)
    results = run_at_once([lambda: resend(invitation, by=None)] * 20, ignore=InvitationError)
    assert sum(result is not None for result in results) == 1
    invitation.refresh_from_db()
    assert invitation.times_sent == 2  # the first sending and exactly one resend


def test_twenty_administrators_inviting_one_address_at_once_make_one_invitation():
    course, _ = make_course(make_catalogue(), "Popular", modules=1, lessons=1)
    results = run_at_once([lambda: invite("wanted@example.com", course)] * 20)
    assert sum(result.sent for result in results) == 1
    assert Invitation.objects.get(course=course, email="wanted@example.com").times_sent == 1
