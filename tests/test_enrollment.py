"""Enrollment modes, capacity and the enroll/withdraw routes."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from course.enrollments import EnrollmentError, approve, enroll, expire, withdraw
from course.models import Certificate, Enrollment
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


def test_get_on_enroll_changes_nothing_and_goes_back_to_the_course(course):
    for client in (client_for(make_user("ana")), Client()):
        response = client.get(course.url + "enroll/")
        assert (response.status_code, response["Location"]) == (302, course.url)
        assert "private" in response["Cache-Control"]
    assert not Enrollment.objects.exists()


def test_enroll_requires_login(course):
    response = Client().post(course.url + "enroll/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrollment.objects.exists()


def test_csrf_is_enforced(course):
    client = client_for(make_user("ana"), enforce_csrf_checks=True)
    assert client.post(course.url + "enroll/").status_code == 403
    assert client.post(course.url + "withdraw/").status_code == 403
    assert client.post(course.url).status_code == 403  # the enrollment form's own target
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


def test_leaving_a_course_asks_for_confirmation_first(course):
    user = make_user("ana")
    enroll(user, course)
    client = client_for(user)
    page = client.get(course.url)
    assert f'href="{course.url}withdraw/"' in page.content.decode()  # a link, not a one-click form
    confirm = client.get(course.url + "withdraw/")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "private" in confirm["Cache-Control"]
    assert f"Leave {course.title}?" in html and "Your progress is kept" in html
    assert f'action="{course.url}withdraw/"' in html and "Stay in the course" in html
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE  # asking changed nothing
    assert client.post(course.url + "withdraw/")["Location"] == course.url
    assert Enrollment.objects.get().status == Enrollment.Status.WITHDRAWN
    # Nothing left to leave: the confirmation page sends the visitor back to the course.
    assert client.get(course.url + "withdraw/")["Location"] == course.url
    assert Client().get(course.url + "withdraw/").status_code == 302  # to log in


def test_cancelling_a_request_asks_for_confirmation(course):
    set_mode(course, enrollment_mode="approval")
    user = make_user("ana")
    enroll(user, course)
    client = client_for(user)
    assert "Cancel your enrollment request?" in client.get(course.url + "withdraw/").content.decode()
    client.post(course.url + "withdraw/")
    assert Enrollment.objects.get().status == Enrollment.Status.WITHDRAWN


def test_a_graduate_cannot_leave_and_keeps_completion_and_certificate(course):
    user = make_user("grad")
    enrollment = enroll(user, course).enrollment
    completed_at = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=completed_at
    )
    certificate = Certificate.objects.create(enrollment=enrollment)
    client = client_for(user)
    assert "Leave course" not in client.get(course.url).content.decode()
    for response in (client.get(course.url + "withdraw/"), client.post(course.url + "withdraw/")):
        assert response["Location"] == course.url
    with pytest.raises(EnrollmentError, match="completed course stays on the record"):
        withdraw(enrollment)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_at) == (Enrollment.Status.COMPLETED, completed_at)
    assert Certificate.objects.get(enrollment=enrollment) == certificate
    assert course.title in client.get("/learn/").content.decode()


def test_codes_are_compared_without_case_or_surrounding_spaces(course):
    set_mode(course, enrollment_mode="code", enrollment_code="BACK2026-pine")
    client = client_for(make_user("ana"))
    assert client.post(course.url + "enroll/", {"code": "  back2026-PINE "}).status_code == 302
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE
    with pytest.raises(EnrollmentError, match="not valid"):
        enroll(make_user("bob"), course, code="back2026-pin")


def test_a_former_student_of_a_code_course_comes_back_without_the_code(course):
    set_mode(course, enrollment_mode="code", enrollment_code="PINE-2026-X")
    user = make_user("ana")
    enrollment = enroll(user, course, code="pine-2026-x").enrollment
    withdraw(enrollment)
    client = client_for(user)
    html = client.get(course.url).content.decode()
    assert 'name="code"' not in html and "Enroll now" in html
    assert client.post(course.url + "enroll/")["Location"] == course.url
    assert Enrollment.objects.get().grants_access()


def test_a_cancelled_request_or_an_enrollment_from_before_the_code_needs_the_code(course):
    user = make_user("ana")
    withdraw(enroll(user, course).enrollment)  # enrolled while the course was open
    set_mode(course, enrollment_mode="code", enrollment_code="PINE-2026-X")
    client = client_for(user)
    assert 'name="code"' in client.get(course.url).content.decode()
    client.post(course.url + "enroll/")
    assert Enrollment.objects.get().status == Enrollment.Status.WITHDRAWN
    with pytest.raises(EnrollmentError, match="not valid"):
        enroll(user, course)


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
            "first_name": "Nina",
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


def test_a_csrf_failure_gets_a_branded_page_that_changes_nothing(course):
    client = client_for(make_user("ana"), enforce_csrf_checks=True)
    response = client.post(course.url + "enroll/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Your form has expired" in html and "Nothing was changed." in html
    assert '<link rel="stylesheet"' in html  # inside the site's layout, not Django's bare page
    assert not Enrollment.objects.exists()


def test_the_header_offers_admin_to_whoever_may_enter_the_wagtail_admin(course, course_admin):
    """Course administrators are not `is_staff`; Wagtail's own permission decides."""
    assert not course_admin.is_staff
    assert '<a href="/admin/">Admin</a>' in client_for(course_admin).get(course.url).content.decode()
    assert '<a href="/admin/">Admin</a>' not in client_for(make_user("ana")).get(course.url).content.decode()


def test_a_refused_enrollment_is_shown_on_the_course_page_at_its_own_address(course):
    """The form posts to the course page: a wrong code re-renders it there, with the error."""
    set_mode(course, enrollment_mode="code", enrollment_code="PINE-2026-X")
    client = client_for(make_user("ana"))
    assert f'action="{course.url}#enroll"' in client.get(course.url).content.decode()
    response = client.post(course.url, {"code": "wrong-code"})
    html = response.content.decode()
    assert response.status_code == 400 and "private" in response["Cache-Control"]
    assert "That enrollment code is not valid for this course." in html and 'aria-invalid="true"' in html
    assert ">Syllabus</h2>" in html  # the course page itself
    assert not Enrollment.objects.exists()
    assert client.post(course.url, {"code": "pine-2026-x"})["Location"] == course.url
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE
    assert Client().post(course.url).status_code == 302  # anonymous: to log in
