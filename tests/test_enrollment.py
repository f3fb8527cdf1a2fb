"""Enrollment modes, capacity and the enroll/withdraw routes."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from course.enrollments import EnrollmentError, approve, enroll, expire, withdraw
from course.models import Enrollment
from tests.factories import client_for, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(catalogue):
    course, _ = make_course(catalogue, "Enrolling", modules=1, lessons=1)
    return course


def set_mode(course, **fields):
    for name, value in fields.items():
        setattr(course, name, value)
    course.save()
    return course


def test_open_course_enrolls_at_once_and_is_idempotent(course):
    user = make_user("ana")
    first = enroll(user, course)
    again = enroll(user, course)
    assert first.created and first.enrollment.status == Enrollment.Status.ACTIVE
    assert not again.created and not again.changed
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_access_days_set_expiry(course):
    set_mode(course, access_days=30)
    enrollment = enroll(make_user("ana"), course).enrollment
    assert (enrollment.expires_at - enrollment.enrolled_at).days == 30


def test_approval_mode_creates_pending_only_until_approved(course):
    set_mode(course, enrollment_mode="approval")
    enrollment = enroll(make_user("ana"), course).enrollment
    assert enrollment.status == Enrollment.Status.PENDING
    assert not enrollment.grants_access()
    assert approve(enrollment).enrollment.status == Enrollment.Status.ACTIVE
    assert not approve(enrollment).changed


def test_code_mode_requires_the_right_code(course):
    set_mode(course, enrollment_mode="code", enrollment_code="PINE-2026")
    user = make_user("ana")
    with pytest.raises(EnrollmentError, match="not valid"):
        enroll(user, course, code="wrong")
    assert not Enrollment.objects.exists()
    result = enroll(user, course, code=" PINE-2026 ")
    assert result.enrollment.source == Enrollment.Source.CODE and result.enrollment.grants_access()


def test_closed_course_refuses(course):
    set_mode(course, enrollment_mode="closed")
    with pytest.raises(EnrollmentError, match="closed"):
        enroll(make_user("ana"), course)
    assert not Enrollment.objects.exists()


def test_capacity_holds(course):
    set_mode(course, capacity=2)
    enroll(make_user("a"), course)
    enroll(make_user("b"), course)
    with pytest.raises(EnrollmentError, match="full"):
        enroll(make_user("c"), course)
    assert Enrollment.objects.filter(status="active").count() == 2


def test_capacity_also_holds_for_approvals(course):
    set_mode(course, enrollment_mode="approval", capacity=1)
    first = enroll(make_user("a"), course).enrollment
    second = enroll(make_user("b"), course).enrollment
    approve(first)
    with pytest.raises(EnrollmentError, match="full"):
        approve(second)
    second.refresh_from_db()
    assert second.status == Enrollment.Status.PENDING


def test_withdraw_and_expire_end_access_and_re_enrolling_restores_it(course):
    user = make_user("ana")
    enrollment = enroll(user, course).enrollment
    assert withdraw(enrollment).enrollment.status == Enrollment.Status.WITHDRAWN
    assert not withdraw(enrollment).changed
    assert enroll(user, course).enrollment.grants_access()
    expired = expire(Enrollment.objects.get(user=user)).enrollment
    assert not expired.grants_access()
    assert enroll(user, course).enrollment.grants_access()
    assert Enrollment.objects.filter(user=user).count() == 1


# --- HTTP routes --------------------------------------------------------------------------------


def test_enroll_route_enrolls_the_requesting_user(course):
    user = make_user("ana")
    response = client_for(user).post(course.url + "enroll/")
    assert response.status_code == 302
    assert Enrollment.objects.get(course=course).user == user


def test_get_on_enroll_changes_nothing(course):
    response = client_for(make_user("ana")).get(course.url + "enroll/")
    assert response.status_code == 405
    assert not Enrollment.objects.exists()


def test_enroll_requires_login(course):
    response = Client().post(course.url + "enroll/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrollment.objects.exists()


def test_csrf_is_enforced(course):
    client = client_for(make_user("ana"), enforce_csrf_checks=True)
    assert client.post(course.url + "enroll/").status_code == 403
    assert client.post(course.url + "withdraw/").status_code == 403
    assert not Enrollment.objects.exists()


def test_mass_assignment_fields_are_ignored(course):
    set_mode(course, enrollment_mode="approval")
    victim = make_user("victim")
    attacker = make_user("attacker")
    client_for(attacker).post(
        course.url + "enroll/",
        {"status": "active", "user": victim.pk, "user_id": victim.pk, "source": "admin", "expires_at": ""},
    )
    enrollment = Enrollment.objects.get()
    assert enrollment.user == attacker
    assert enrollment.status == Enrollment.Status.PENDING
    assert enrollment.source == Enrollment.Source.SELF


def test_wrong_code_shows_a_clear_message(course):
    set_mode(course, enrollment_mode="code", enrollment_code="PINE-2026")
    client = client_for(make_user("ana"))
    response = client.post(course.url + "enroll/", {"code": "nope"})
    assert response.status_code == 400
    assert "That enrollment code is not valid for this course." in response.content.decode()
    response = client.post(course.url + "enroll/", {})
    assert "Enter the enrollment code you were given." in response.content.decode()
    assert not Enrollment.objects.exists()
    assert client.post(course.url + "enroll/", {"code": "PINE-2026"}).status_code == 302
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


def test_closed_and_full_courses_explain_themselves(course):
    set_mode(course, enrollment_mode="closed")
    response = client_for(make_user("ana")).post(course.url + "enroll/")
    assert "Enrollment for this course is closed." in response.content.decode()
    set_mode(course, enrollment_mode="open", capacity=1)
    enroll(make_user("first"), course)
    response = client_for(make_user("late")).post(course.url + "enroll/")
    assert "Sorry, this course is full." in response.content.decode()


def test_withdraw_route(course):
    user = make_user("ana")
    enroll(user, course)
    client = client_for(user)
    assert client.get(course.url + "withdraw/").status_code == 405
    client.post(course.url + "withdraw/")
    assert Enrollment.objects.get().status == Enrollment.Status.WITHDRAWN


def test_course_page_shows_enrollment_state(course):
    user = make_user("ana")
    client = client_for(user)
    assert "Enroll now" in client.get(course.url).content.decode()
    enroll(user, course)
    html = client.get(course.url).content.decode()
    assert "You are enrolled" in html and "Start learning" in html


def test_dashboard_lists_my_courses_with_status(course, catalogue):
    other, _ = make_course(catalogue, "Approval Course", modules=1, lessons=1, enrollment_mode="approval")
    user = make_user("ana")
    enroll(user, course)
    enroll(user, other)
    html = client_for(user).get("/learn/").content.decode()
    assert "Enrolling" in html and "Approval Course" in html
    assert "Waiting for approval" in html
    assert Client().get("/learn/").status_code == 302


def test_signup_ignores_role_fields(db):
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "a-Strong-passphrase-91",
            "password2": "a-Strong-passphrase-91",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": "1",
            "user_permissions": "1",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new@example.com")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()


def test_account_pages_render_in_site_design(db):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        response = Client().get(url)
        assert response.status_code == 200
        assert "Skip to main content" in response.content.decode()


def test_login_is_rate_limited(db):
    make_user("ana")
    client = Client()
    for _ in range(6):
        client.post("/accounts/login/", {"login": "ana@example.com", "password": "wrong"})
    # Even the right password is refused while the limit holds.
    response = client.post("/accounts/login/", {"login": "ana@example.com", "password": "pw-123-long-enough"})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
