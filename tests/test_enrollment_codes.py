"""Enrollment codes cannot be guessed: wrong codes are rate-limited, and codes must be long enough."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from course import ratelimit
from course.models import CoursePage, Enrollment
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db

CODE = "PINE-7Q4K-2026"
WINDOW_START = 1_800_000_000  # a multiple of the default 15-minute window
LIMITED = "Too many wrong codes. Try again in 15 minutes."


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, at the start of a window; tests move it instead of sleeping."""
    fake = Clock(WINDOW_START)
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


@pytest.fixture
def course(catalogue):
    course, _ = make_course(
        catalogue, "Coded", slug="coded", modules=1, lessons=1, enrollment_mode="code", enrollment_code=CODE
    )
    return course


def student(username, ip="192.0.2.10"):
    client = Client(REMOTE_ADDR=ip)
    client.force_login(make_user(username))
    return client


def try_code(client, course, code):
    return client.post(course.url + "enroll/", {"code": code})


def test_after_five_wrong_codes_the_next_try_gets_429_with_message_and_retry_after(course, clock):
    client = student("ana")
    for n in range(5):
        response = try_code(client, course, f"WRONG-{n:04d}")
        assert response.status_code == 400
        assert "That enrollment code is not valid for this course." in response.content.decode()
    response = try_code(client, course, "WRONG-9999")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert LIMITED in html
    assert "enroll-box" in html  # the course page, with the message in its enrollment box
    assert "private" in response["Cache-Control"]


def test_the_right_code_is_refused_while_limited(course, clock):
    client = student("ana")
    for n in range(5):
        try_code(client, course, f"WRONG-{n:04d}")
    clock.now += 60
    response = try_code(client, course, CODE)
    assert response.status_code == 429
    assert response["Retry-After"] == "840"
    assert "Try again in 14 minutes." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_another_user_from_another_ip_is_not_affected(course, clock):
    guesser = student("guesser", ip="192.0.2.10")
    for n in range(6):
        try_code(guesser, course, f"WRONG-{n:04d}")
    assert try_code(guesser, course, CODE).status_code == 429

    response = try_code(student("bea", ip="198.51.100.7"), course, CODE)
    assert response.status_code == 302
    assert Enrollment.objects.get().user.username == "bea"


def test_the_per_user_limit_holds_across_courses(catalogue, course, clock):
    other, _ = make_course(
        catalogue, "Other", slug="other", modules=1, lessons=1, enrollment_mode="code", enrollment_code=CODE
    )
    third, _ = make_course(
        catalogue, "Third", slug="third", modules=1, lessons=1, enrollment_mode="code", enrollment_code=CODE
    )
    client = student("ana")
    for target in (course, other):
        for n in range(5):
            assert try_code(client, target, f"WRONG-{n:04d}").status_code == 400
    assert try_code(client, third, CODE).status_code == 429


def test_the_per_ip_limit_holds_across_users(course, clock):
    # 30 wrong codes per IP by default: six users make five each, then everyone there waits.
    for n in range(6):
        client = student(f"user{n}", ip="203.0.113.5")
        for attempt in range(5):
            assert try_code(client, course, f"WRONG-{attempt:04d}").status_code == 400
    newcomer = student("newcomer", ip="203.0.113.5")
    response = try_code(newcomer, course, CODE)
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert not Enrollment.objects.exists()
    assert try_code(student("elsewhere", ip="198.51.100.7"), course, CODE).status_code == 302


def test_ipv6_clients_are_counted_per_64_network(course, clock, settings):
    settings.PINEWOOD_ENROLLMENT_CODE_IP_ATTEMPTS = 2
    try_code(student("a", ip="2001:db8:1:2::10"), course, "WRONG-0001")
    try_code(student("b", ip="2001:db8:1:2::20"), course, "WRONG-0002")
    assert try_code(student("c", ip="2001:db8:1:2:ffff::1"), course, CODE).status_code == 429
    assert try_code(student("d", ip="2001:db8:1:3::10"), course, CODE).status_code == 302


def test_a_right_code_does_not_clear_the_ip_count_and_is_not_counted_against_it(
    course, catalogue, clock, settings
):
    settings.PINEWOOD_ENROLLMENT_CODE_IP_ATTEMPTS = 3
    first = student("first", ip="203.0.113.9")
    try_code(first, course, "WRONG-0001")
    try_code(first, course, "WRONG-0002")
    assert try_code(first, course, CODE).status_code == 302
    second = student("second", ip="203.0.113.9")
    assert try_code(second, course, "WRONG-0003").status_code == 400  # third wrong code from the IP
    assert try_code(second, course, CODE).status_code == 429


def test_a_right_code_clears_the_users_own_count(course, catalogue, clock):
    other, _ = make_course(
        catalogue, "Other", slug="other", modules=1, lessons=1, enrollment_mode="code", enrollment_code=CODE
    )
    client = student("ana")
    for n in range(4):
        try_code(client, course, f"WRONG-{n:04d}")
    assert try_code(client, course, CODE).status_code == 302
    for n in range(5):
        assert try_code(client, other, f"WRONG-{n:04d}").status_code == 400
    assert try_code(client, other, "WRONG-9999").status_code == 429


def test_posting_to_a_course_one_is_already_in_does_not_clear_the_count(catalogue, course, clock, settings):
    settings.PINEWOOD_ENROLLMENT_CODE_USER_ATTEMPTS = 3
    joined, _ = make_course(
        catalogue, "Joined", slug="joined", modules=1, lessons=1, enrollment_mode="code", enrollment_code=CODE
    )
    client = student("ana")
    assert try_code(client, joined, CODE).status_code == 302
    try_code(client, course, "WRONG-0001")
    try_code(client, course, "WRONG-0002")
    # Already enrolled: the code is not checked, so this proves nothing and clears nothing.
    assert try_code(client, joined, "ANY-CODE-AT-ALL").status_code == 302
    assert try_code(client, course, "WRONG-0003").status_code == 400
    assert try_code(client, course, CODE).status_code == 429


def test_limits_reset_after_the_window(course, clock):
    client = student("ana")
    for n in range(6):
        try_code(client, course, f"WRONG-{n:04d}")
    assert try_code(client, course, CODE).status_code == 429
    clock.now += 15 * 60
    assert try_code(client, course, CODE).status_code == 302
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


def test_missing_codes_and_open_courses_are_not_counted(catalogue, course, clock):
    client = student("ana")
    for _ in range(10):
        response = client.post(course.url + "enroll/", {"code": "  "})
        assert response.status_code == 400
        assert "Enter the enrollment code you were given." in response.content.decode()
    assert try_code(client, course, CODE).status_code == 302
    open_course, _ = make_course(catalogue, "Open", slug="open", modules=1, lessons=1)
    assert client.post(open_course.url + "enroll/").status_code == 302


# --- Code strength -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("PINE-26", "Use at least 8 characters, so the code cannot be guessed"),
        ("  short  ", "Use at least 8 characters, so the code cannot be guessed"),
        ("aaaaaaaaaaaa", "Use at least 5 different characters"),
        ("12121212", "Use at least 5 different characters"),
        ("", "Set an enrollment code, or choose another enrollment mode."),
    ],
)
def test_weak_codes_are_refused_with_a_clear_message(course, code, message):
    course.enrollment_code = code
    with pytest.raises(ValidationError) as raised:
        course.full_clean()
    assert any(message in error for error in raised.value.message_dict["enrollment_code"])


def test_codes_are_only_checked_in_code_mode_and_stored_stripped(course):
    course.enrollment_code = f"  {CODE}  "
    course.full_clean()
    assert course.enrollment_code == CODE
    course.enrollment_mode = CoursePage.EnrollmentMode.OPEN
    course.enrollment_code = "abc"
    course.full_clean()


def test_the_admin_edit_view_refuses_a_short_code(course):
    admin = make_user("boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "description": streamfield([]),
            "learning_outcomes": streamfield([]),
            "instructors": streamfield([]),
            "level": "beginner",
            "duration": "",
            "tags": "",
            "enrollment_mode": "code",
            "enrollment_code": "abc123",
            "capacity": "",
            "access_days": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form comes back instead of a redirect
    assert "Use at least 8 characters, so the code cannot be guessed" in response.content.decode()
    course.refresh_from_db()
    assert course.enrollment_code == CODE

    data["enrollment_code"] = "PINE-8R2M-2027"
    assert client.post(url, data).status_code == 302
    assert CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object().enrollment_code == (
        "PINE-8R2M-2027"
    )
