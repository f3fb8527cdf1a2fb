"""Invitations of people without an account (course/invitations.py, course/admin/invitations.py).

An administrator adds an address no account uses, one at a time or by CSV import; the address
gets a signed link that works once, until it expires, for the account with that address only.
"""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from course import invitations as service
from course.admin.invitations import InvitationViewSet
from course.admin.roles import setup_roles
from course.models import Enrollment, Invitation
from tests.admin_outcomes import DENIED, LOGIN, MISSING, OK, POST_ONLY, outcome
from tests.canaries import BODY_CANARY, GATED_BLOCK_CANARY
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course_admin,
    make_invitation,
    make_marketer,
    make_superuser,
    make_user,
)

PASSWORD = "a-long-enough-pass-99"
OTHER_INVITEE_CANARY = "zqotherinvitee"


def link_in(message):
    (path,) = re.findall(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    return path


def csv_file(text):
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the emails) at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- inviting ---------------------------------------------------------------------------------


def test_add_enrollment_with_an_unknown_address_invites_it(
    course_admin_client, course_admin, gated_course, committed
):
    with committed():
        response = course_admin_client.post(
            "/admin/enrollments/add/", {"email": " New.Person@Example.com ", "course": gated_course.pk}
        )
    assert response.status_code == 302
    assert response.url == reverse("course_invitations:index") + f"?course={gated_course.pk}"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.course, invitation.invited_by) == (
        "new.person@example.com",
        gated_course,
        course_admin,
    )
    assert invitation.times_sent == 1 and invitation.last_sent_at is not None
    assert invitation.expires_at - invitation.last_sent_at == datetime.timedelta(days=14)  # the default
    assert not Enrollment.objects.exists()

    (message,) = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert gated_course.title in message.subject
    # An absolute link on the course's Site, to a page that knows the invitation.
    assert re.search(r"http://localhost(:\d+)?/invitations/[^/\s]+/", message.body)
    assert Client().get(link_in(message)).status_code == 200
    assert BODY_CANARY not in message.body and GATED_BLOCK_CANARY not in message.body
    assert ModelLogEntry.objects.filter(action=service.INVITATION_SENT, user=course_admin).count() == 1


def test_adding_the_same_address_again_reuses_the_pending_invitation(
    course_admin_client, gated_course, committed
):
    with committed():
        for _ in range(2):
            course_admin_client.post(
                "/admin/enrollments/add/", {"email": "twice@example.com", "course": gated_course.pk}
            )
    invitation = Invitation.objects.get()
    assert invitation.times_sent == 1 and len(mail.outbox) == 1, (
        "not emailed twice within the resend interval"
    )


@override_settings(PINEWOOD_INVITATION_DAYS=3)
def test_the_validity_is_a_setting(gated_course):
    invitation, _ = make_invitation(gated_course)
    assert (invitation.expires_at - timezone.now()).days == 2  # 3 days minus a moment


def test_an_expired_pending_invitation_is_renewed_when_invited_again(gated_course):
    invitation, _ = make_invitation(gated_course)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    again = service.invite("invitee@example.com", gated_course)
    assert again.invitation.pk == invitation.pk and again.sent and not again.created
    assert again.invitation.expires_at > timezone.now() + datetime.timedelta(days=13)


def test_csv_import_invites_unknown_addresses_and_says_so(course_admin_client, gated_course, committed):
    make_user("known")
    make_user("sleeper", is_active=False)
    make_invitation(gated_course, "again@example.com")
    text = (
        "email,course\n"
        "known@example.com,gated-course\n"
        "stranger@example.com,gated-course\n"
        "again@example.com,gated-course\n"
        "Stranger@example.com,gated-course\n"
        "sleeper@example.com,gated-course\n"
    )
    preview = course_admin_client.post("/admin/enrollments/import/", {"file": csv_file(text)})
    rows = {row.line: row for row in preview.context["rows"]}
    assert [rows[line].action for line in (2, 3, 4)] == ["enroll", "invite", "reinvite"]
    assert "Duplicate of line 3" in rows[5].error
    assert "deactivated" in rows[6].error
    assert preview.context["summary"] == {
        "total": 5,
        "errors": 2,
        "changes": 3,
        "enrolls": 1,
        "invites": 2,
        "unchanged": 0,
    }
    html = body_of(preview)
    assert re.search(r'data-line="2" data-action="enroll">.*?Will be enrolled\s', html, re.S)
    assert re.search(r'data-line="3" data-action="invite">.*?Will be invited \(no account', html, re.S)
    assert re.search(r'data-line="4" data-action="reinvite">.*?Will be invited again', html, re.S)
    assert "1 to enroll, 2 to invite" in html
    assert not Invitation.objects.filter(email="stranger@example.com").exists(), "nothing before confirming"

    with committed():
        confirmed = course_admin_client.post(
            "/admin/enrollments/import/", {"token": preview.context["token"]}, follow=True
        )
    assert "Imported 1 enrollments and invited 2 people without an account" in body_of(confirmed)
    assert Enrollment.objects.get().user.username == "known"
    assert Invitation.objects.filter(email="stranger@example.com", course=gated_course).count() == 1
    assert Invitation.objects.filter(email="again@example.com").count() == 1, "the pending one is reused"
    assert sorted(message.to[0] for message in mail.outbox if "invited" in message.subject) == [
        "stranger@example.com"
    ], "the pending invitation was sent minutes ago: not again"


# --- accepting --------------------------------------------------------------------------------


def test_logged_out_the_page_offers_sign_up_with_the_address_and_log_in(gated_course):
    _, link = make_invitation(gated_course)
    response = Client().get(link)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    html = body_of(response)
    assert gated_course.title in html and "invitee@example.com" in html
    assert "/accounts/signup/?email=invitee%40example.com&amp;next=%2Finvitations%2F" in html
    assert "/accounts/login/?next=%2Finvitations%2F" in html
    assert "Accept invitation" not in html


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_sign_up_from_the_link_comes_back_and_accepts(gated_course, committed):
    invitation, link = make_invitation(gated_course)
    signup = Client()
    form = signup.get(f"/accounts/signup/?email=invitee%40example.com&next={link}")
    assert 'value="invitee@example.com"' in body_of(form)  # pre-filled
    signup.post(
        f"/accounts/signup/?next={link}",
        {
            "email": "invitee@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Ivy",
            "last_name": "Invitee",
            "next": link,
        },
    )
    (confirmation,) = mail.outbox
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", confirmation.body).group(1)
    back = signup.post(confirm_path)
    assert back.status_code == 302 and back.url == link, "verified and logged in, back to the invitation"
    page = signup.get(link)
    assert "Accept invitation" in body_of(page)
    accepted = signup.post(link)
    assert accepted.status_code == 302 and accepted.url == gated_course.url
    enrollment = Enrollment.objects.get(user__email="invitee@example.com", course=gated_course)
    assert (enrollment.status, enrollment.source) == ("active", "admin")
    invitation.refresh_from_db()
    assert invitation.accepted_by == enrollment.user and invitation.enrollment == enrollment


def test_logged_in_with_the_invited_address_accepts_at_once(gated_course, committed):
    invitation, link = make_invitation(gated_course)
    user = get_user_model().objects.create_user("ivy", "Invitee@Example.com", PASSWORD)
    client = client_for(user)
    assert "Accept invitation" in body_of(client.get(link))
    with committed():
        response = client.post(link)
    assert response.status_code == 302
    assert Enrollment.objects.get(user=user, course=gated_course).grants_access()
    assert ModelLogEntry.objects.filter(action=service.INVITATION_ACCEPTED, user=user).count() == 1
    assert any("You are enrolled" in message.subject for message in mail.outbox), "the welcome email follows"


def test_an_anonymous_post_is_sent_to_log_in_and_enrolls_nobody(gated_course):
    _, link = make_invitation(gated_course)
    response = Client().post(link)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
    assert not Enrollment.objects.exists()


def test_another_account_cannot_accept(gated_course):
    """The link may be forwarded; the seat is for the invited address."""
    invitation, link = make_invitation(gated_course)
    client = client_for(make_user("colleague"))
    page = client.get(link)
    assert page.status_code == 403
    assert "Only the account using invitee@example.com" in body_of(page)
    assert "Accept invitation" not in body_of(page)
    assert client.post(link).status_code == 403
    assert not Enrollment.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_full_course_refuses_and_the_invitation_stays_pending(gated_course):
    gated_course.capacity = 1
    gated_course.save()
    enroll_as(make_user("first"), gated_course)
    invitation, link = make_invitation(gated_course)
    client = client_for(make_user("invitee"))
    response = client.post(link)
    assert response.status_code == 409
    assert "Sorry, this course is full." in body_of(response)
    assert not Enrollment.objects.filter(user__username="invitee").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.accepted_at is None

    Enrollment.objects.filter(user__username="first").update(status=Enrollment.Status.WITHDRAWN)
    assert client.post(link).status_code == 302, "a seat freed: the same link now works"


def forged(link):
    return "/invitations/not-a-real-token/"


def tampered(link):
    token = link.split("/")[2]
    key, rest = token.split(":", 1)
    return f"/invitations/{key[:-1]}{'A' if key[-1] != 'A' else 'B'}:{rest}/"


def unsigned_key(link):
    return f"/invitations/{Invitation.objects.get().key}/"


@pytest.mark.parametrize("make_link", [forged, tampered, unsigned_key])
def test_forged_or_tampered_links_are_refused(gated_course, make_link):
    _, link = make_invitation(gated_course)
    client = client_for(make_user("invitee"))
    bad = make_link(link)
    for response in (client.get(bad), client.post(bad)):
        assert response.status_code == 400
        assert "This invitation link is not valid." in body_of(response)
    assert not Enrollment.objects.exists()


def expire(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def cancel(invitation):
    service.cancel(invitation, by=None)


def use(invitation):
    service.accept(invitation, get_user_model().objects.get(email="invitee@example.com"))


@pytest.mark.parametrize(
    "close, message",
    [
        (expire, "This invitation has expired."),
        (cancel, "This invitation was cancelled by the course team."),
        (use, "This invitation has already been used."),
    ],
)
def test_expired_cancelled_or_used_links_are_gone(gated_course, close, message):
    invitation, link = make_invitation(gated_course)
    user = make_user("invitee")
    close(invitation)
    enrolled_before = Enrollment.objects.count()
    client = client_for(user)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert message in body_of(response) and "Nobody was enrolled" in body_of(response)
    assert Enrollment.objects.count() == enrolled_before


def test_a_link_signed_longer_ago_than_the_validity_is_refused(gated_course):
    invitation, _ = make_invitation(gated_course)
    with mock.patch("django.core.signing.time.time", return_value=timezone.now().timestamp() - 15 * 86400):
        old_link = f"/invitations/{service.token_for(invitation)}/"
    response = client_for(make_user("invitee")).post(old_link)
    assert response.status_code == 410
    assert not Enrollment.objects.exists()


def test_accept_is_single_use_even_when_called_twice(gated_course):
    invitation, _ = make_invitation(gated_course)
    user = make_user("invitee")
    service.accept(invitation, user)
    with pytest.raises(service.InvitationError) as refused:
        service.accept(invitation, user)
    assert refused.value.code == "used"
    assert Enrollment.objects.filter(user=user).count() == 1


def test_the_token_is_salted():
    """A value signed for another purpose (same key, no salt) is not an invitation token."""
    with pytest.raises(signing.BadSignature):
        signing.loads(signing.dumps("some-key"), salt=service.SIGNING_SALT)


# --- the admin list, resend and cancel ---------------------------------------------------------


def test_the_list_shows_invitations_by_state(course_admin_client, gated_course):
    make_invitation(gated_course, "waiting@example.com")
    old, _ = make_invitation(gated_course, "late@example.com")
    expire(old)
    used, _ = make_invitation(gated_course, "invitee@example.com")
    service.accept(used, make_user("invitee"))
    url = reverse("course_invitations:index")
    pending = body_of(course_admin_client.get(url))
    assert "waiting@example.com" in pending and "late@example.com" not in pending
    assert "late@example.com" in body_of(course_admin_client.get(url + "?state=expired"))
    accepted = body_of(course_admin_client.get(url + "?state=accepted"))
    assert "invitee@example.com" in accepted and "waiting@example.com" not in accepted
    assert "Invitations" in body_of(course_admin_client.get(reverse("course_enrollments:list")))


def test_resend_is_rate_limited_then_sends_and_logs(
    course_admin_client, course_admin, gated_course, committed
):
    invitation, _ = make_invitation(gated_course)
    url = reverse("course_invitations:resend", args=[invitation.pk])
    with committed():
        too_soon = course_admin_client.post(url, follow=True)
    assert "was sent less than 10 minutes ago" in body_of(too_soon)
    invitation.refresh_from_db()
    assert invitation.times_sent == 1 and not mail.outbox

    earlier = timezone.now() - datetime.timedelta(hours=1)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=earlier)
    with committed():
        course_admin_client.post(url)
    invitation.refresh_from_db()
    assert invitation.times_sent == 2 and invitation.last_sent_at > earlier
    (message,) = mail.outbox
    assert message.to == ["invitee@example.com"]
    assert ModelLogEntry.objects.filter(action=service.INVITATION_RESENT, user=course_admin).count() == 1


def test_cancel_closes_the_link_and_logs(course_admin_client, course_admin, gated_course):
    invitation, link = make_invitation(gated_course)
    response = course_admin_client.post(reverse("course_invitations:cancel", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert ModelLogEntry.objects.filter(action=service.INVITATION_CANCELLED, user=course_admin).count() == 1
    assert client_for(make_user("invitee")).post(link).status_code == 410
    # A new invitation of the same address is possible once the old one is closed.
    assert service.invite("invitee@example.com", gated_course).created


# --- every URL, every role ---------------------------------------------------------------------


@pytest.fixture
def setting(gated_course, other_course):
    setup_roles()
    own, _ = make_invitation(gated_course, "owninvitee@example.com")
    other, _ = make_invitation(other_course, f"{OTHER_INVITEE_CANARY}@example.com")
    marketer = make_marketer()
    course_team = make_course_admin(gated_course, "courseteam")
    other_team = make_course_admin(other_course, "otherteam")
    all_courses = make_course_admin(None, "allcourses")
    users = {
        "anonymous": None,
        "student": make_user("student"),
        "marketer": marketer,
        "other_course_admin": other_team,
        "course_admin": course_team,
        "course_administrators": all_courses,
        "superuser": make_superuser(),
    }
    return {"own": own, "other": other, "users": users}


NO_RIGHTS = {"anonymous": LOGIN, "student": LOGIN, "marketer": DENIED}
ALL_STAFF = ["other_course_admin", "course_admin", "course_administrators", "superuser"]


def action_url(name, which):
    return lambda s: reverse(f"course_invitations:{name}", args=[s[which].pk])


# What a GET answers. The actions answer POST only, before any permission check (a GET reveals
# nothing); what a POST does per role is below.
GET_ACTION = {"anonymous": LOGIN, "student": LOGIN, **dict.fromkeys(["marketer", *ALL_STAFF], POST_ONLY)}
URLS = {
    "index": (lambda s: reverse("course_invitations:index"), {**NO_RIGHTS, **dict.fromkeys(ALL_STAFF, OK)}),
    "resend (own)": (action_url("resend", "own"), GET_ACTION),
    "resend (other)": (action_url("resend", "other"), GET_ACTION),
    "cancel (own)": (action_url("cancel", "own"), GET_ACTION),
    "cancel (other)": (action_url("cancel", "other"), GET_ACTION),
}
DONE = "done"  # carried out, and back to the list
POSTED = {
    "own": {
        **NO_RIGHTS,
        "other_course_admin": MISSING,
        "course_admin": DONE,
        "course_administrators": DONE,
        "superuser": DONE,
    },
    "other": {
        **NO_RIGHTS,
        "other_course_admin": DONE,
        "course_admin": MISSING,
        "course_administrators": DONE,
        "superuser": DONE,
    },
}


def posted_outcome(response):
    if response.status_code == 302 and response.url.startswith(reverse("course_invitations:index")):
        return DONE
    return outcome(response)


SEES_OTHER_COURSE = {"other_course_admin", "course_administrators", "superuser"}


def test_the_matrix_covers_every_registered_invitation_url():
    registered = {pattern.name for pattern in InvitationViewSet().get_urlpatterns()}
    covered = {key.split(" (")[0] for key in URLS}
    assert registered == covered


@pytest.mark.parametrize("role", list(POSTED["own"]))
def test_every_invitation_url_per_role(setting, role):
    client = client_for(setting["users"][role])
    seen = {}
    for key, (url_for, _) in URLS.items():
        response = client.get(url_for(setting))
        seen[key] = outcome(response)
        if role not in SEES_OTHER_COURSE:
            assert OTHER_INVITEE_CANARY not in body_of(response), f"{key} shows another course's invitee"
    assert seen == {key: expected[role] for key, (_, expected) in URLS.items()}


@pytest.mark.parametrize("role", list(POSTED["own"]))
@pytest.mark.parametrize("which", ["own", "other"])
def test_cancel_per_role(setting, role, which):
    client = client_for(setting["users"][role])
    response = client.post(reverse("course_invitations:cancel", args=[setting[which].pk]))
    assert posted_outcome(response) == POSTED[which][role]
    setting[which].refresh_from_db()
    assert (setting[which].cancelled_at is not None) == (POSTED[which][role] == DONE)


@pytest.mark.parametrize("role", list(POSTED["own"]))
@pytest.mark.parametrize("which", ["own", "other"])
def test_resend_per_role(setting, role, which):
    Invitation.objects.update(last_sent_at=timezone.now() - datetime.timedelta(hours=1))
    client = client_for(setting["users"][role])
    response = client.post(reverse("course_invitations:resend", args=[setting[which].pk]))
    assert posted_outcome(response) == POSTED[which][role]
    setting[which].refresh_from_db()
    assert (setting[which].times_sent == 2) == (POSTED[which][role] == DONE)


def test_the_list_shows_only_administered_courses(setting):
    html = body_of(client_for(setting["users"]["course_admin"]).get(reverse("course_invitations:index")))
    assert "owninvitee@example.com" in html and OTHER_INVITEE_CANARY not in html


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_has_one_pending_invitation_and_sends_nothing(db):
    for _ in range(2):  # idempotent
        call_command("load_demo", "--allow-demo-passwords", stdout=io.StringIO())
    (invitation,) = Invitation.objects.all()
    assert invitation.email == "invitee@example.com" and invitation.is_pending
    assert invitation.course.slug == "mesotherapy-lower-back-pain"
    assert not [message for message in mail.outbox if "invited" in message.subject]
