"""Enrollments in the Wagtail admin, through the real views as a course administrator."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from course.admin import csv_import as enrollment_import
from course.admin.roles import MARKETERS, setup_roles
from course.enrollments import EnrollmentError
from course.models import Enrollment
from tests.factories import enroll_as, make_course, make_user

LIST_URL = "/admin/enrollments/"
IMPORT_URL = "/admin/enrollments/import/"


def action_url(action, *enrollments):
    ids = "&".join(f"id={e.pk}" for e in enrollments)
    return f"/admin/bulk/course/enrollment/{action}/?{ids}&next={LIST_URL}"


@pytest.fixture
def approval_course(catalogue):
    course, _ = make_course(
        catalogue, "Approval Course", slug="approval-course", modules=1, lessons=1, enrollment_mode="approval"
    )
    return course


@pytest.fixture
def marketer(catalogue):
    """A member of the Marketers role: admin access, articles, nothing about enrollments."""
    setup_roles()
    user = make_user("marketer")
    user.groups.add(Group.objects.get(name=MARKETERS))
    assert user.has_perm("wagtailadmin.access_admin")
    return user


def csv_file(text, name="enrollments.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding) if isinstance(text, str) else text, "text/csv")


# --- listing, filters, search ---------------------------------------------------------------


def test_list_filters_and_search(course_admin_client, approval_course, other_course):
    alice = make_user("alice", first_name="Alice", last_name="Ng")
    bob = make_user("bob")
    enroll_as(alice, approval_course, Enrollment.Status.PENDING)
    enroll_as(bob, approval_course)
    enroll_as(bob, other_course, Enrollment.Status.WITHDRAWN)

    response = course_admin_client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 3

    pending = course_admin_client.get(LIST_URL, {"status": "pending"}).context["object_list"]
    assert [e.user for e in pending] == [alice]
    in_course = course_admin_client.get(LIST_URL, {"course": other_course.pk}).context["object_list"]
    assert [(e.user, e.status) for e in in_course] == [(bob, "withdrawn")]
    by_email = course_admin_client.get(LIST_URL, {"q": "alice@example"}).context["object_list"]
    assert [e.user for e in by_email] == [alice]
    by_name = course_admin_client.get(LIST_URL, {"q": "Ng"}).context["object_list"]
    assert [e.user for e in by_name] == [alice]
    today = timezone.localdate().isoformat()
    dated = course_admin_client.get(LIST_URL, {"enrolled_at_from": today, "enrolled_at_to": today}).context[
        "object_list"
    ]
    assert len(dated) == 3
    assert not course_admin_client.get(
        LIST_URL, {"enrolled_at_from": "2000-01-01", "enrolled_at_to": "2000-01-02"}
    ).context["object_list"]


def test_list_query_count_does_not_grow_with_rows(
    course_admin_client, approval_course, django_assert_max_num_queries
):
    for n in range(30):
        enroll_as(make_user(f"student{n}"), approval_course, Enrollment.Status.PENDING)
    with django_assert_max_num_queries(40):
        response = course_admin_client.get(LIST_URL)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 30


# --- actions --------------------------------------------------------------------------------


def test_course_admin_approves_a_pending_enrollment(
    course_admin_client, approval_course, django_capture_on_commit_callbacks
):
    student = make_user("waiting")
    enrollment = enroll_as(student, approval_course, Enrollment.Status.PENDING)

    confirm = course_admin_client.get(action_url("approve", enrollment))
    assert confirm.status_code == 200
    assert "waiting@example.com" in confirm.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.PENDING  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = course_admin_client.post(action_url("approve", enrollment))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert [message.to for message in mail.outbox] == [["waiting@example.com"]]


def test_bulk_approve_reports_a_full_course_and_approves_the_rest(course_admin_client, approval_course):
    approval_course.capacity = 1
    approval_course.save()
    first = enroll_as(make_user("first"), approval_course, Enrollment.Status.PENDING)
    second = enroll_as(make_user("second"), approval_course, Enrollment.Status.PENDING)
    withdrawn = enroll_as(make_user("third"), approval_course, Enrollment.Status.WITHDRAWN)

    response = course_admin_client.post(action_url("approve", first, second, withdrawn), follow=True)
    text = response.content.decode()
    statuses = sorted(
        Enrollment.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["active", "pending"]
    assert "course is full" in text
    assert Enrollment.objects.get(pk=withdrawn.pk).status == "withdrawn"  # not pending: skipped


def test_withdraw_and_extend_access(course_admin_client, gated_course):
    ends = timezone.now() + datetime.timedelta(days=5)
    enrollment = enroll_as(make_user("learner"), gated_course, expires_at=ends)

    bad = course_admin_client.post(action_url("extend", enrollment), {"days": "0"})
    assert bad.status_code == 200
    assert "greater than or equal to 1" in bad.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.expires_at == ends

    assert course_admin_client.post(action_url("extend", enrollment), {"days": "30"}).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.expires_at == ends + datetime.timedelta(days=30)

    assert course_admin_client.post(action_url("withdraw", enrollment)).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_withdrawing_skips_completed_enrollments(course_admin_client, gated_course):
    """A completion stays on the record: the bulk action lists it as skipped and leaves it alone."""
    done_at = timezone.now()
    graduate = enroll_as(
        make_user("graduate"), gated_course, Enrollment.Status.COMPLETED, completed_at=done_at
    )
    active = enroll_as(make_user("active"), gated_course)
    confirm = course_admin_client.get(action_url("withdraw", graduate, active))
    assert "completed (a completion stays on the record); skipped" in confirm.content.decode()
    response = course_admin_client.post(action_url("withdraw", graduate, active), follow=True)
    assert "1 enrollment withdrawn." in response.content.decode()
    graduate.refresh_from_db()
    active.refresh_from_db()
    assert (graduate.status, graduate.completed_at) == (Enrollment.Status.COMPLETED, done_at)
    assert active.status == Enrollment.Status.WITHDRAWN


def test_bulk_action_ignores_malformed_ids(course_admin_client):
    response = course_admin_client.get("/admin/bulk/course/enrollment/approve/?id=abc&id=1%20OR%201")
    assert response.status_code == 200
    assert "Nothing to approve" in response.content.decode()


def test_add_enrollment_by_email_uses_the_service(course_admin_client, approval_course):
    make_user("newcomer")
    response = course_admin_client.post(
        "/admin/enrollments/add/", {"email": "NEWCOMER@example.com", "course": approval_course.pk}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user__username="newcomer")
    assert (enrollment.status, enrollment.source) == ("active", "admin")  # admin bypasses approval

    # An address without an account is invited (tests/test_invitations.py), not refused.
    unknown = course_admin_client.post(
        "/admin/enrollments/add/", {"email": "nobody@example.com", "course": approval_course.pk}
    )
    assert unknown.status_code == 302
    assert Enrollment.objects.count() == 1


# --- CSV export -----------------------------------------------------------------------------


def test_export_csv_has_header_and_filtered_rows(course_admin_client, approval_course, other_course):
    alice = make_user("alice", first_name="=HYPERLINK(1)", last_name="Ng")
    enroll_as(alice, approval_course, Enrollment.Status.PENDING, source="import")
    enroll_as(make_user("bob"), other_course)

    response = course_admin_client.get(LIST_URL, {"export": "csv", "course": approval_course.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="enrollments.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "Student",
        "Email",
        "Course",
        "Course slug",
        "Status",
        "Source",
        "Enrolled at",
        "Expires at",
        "Completed at",
    ]
    assert len(rows) == 2
    assert rows[1][:6] == [
        "'=HYPERLINK(1) Ng",  # the student's name, neutralised for spreadsheets
        "alice@example.com",
        "Approval Course",
        "approval-course",
        "pending",
        "import",
    ]


# --- CSV import -----------------------------------------------------------------------------

GOOD_AND_BAD = """email,course
good1@example.com,approval-course
Good2@Example.com,Other Course
nobody@example.com,approval-course
good1@example.com,no-such-course
good1@example.com,approval-course
not-an-email,approval-course
only-one-column
already@example.com,other-course
"""


def test_import_previews_then_applies_only_good_rows_on_confirmation(
    course_admin_client, approval_course, other_course
):
    good1, good2 = make_user("good1"), make_user("good2")
    already = make_user("already")
    enroll_as(already, other_course)

    preview = course_admin_client.post(IMPORT_URL, {"file": csv_file(GOOD_AND_BAD)})
    assert preview.status_code == 200
    rows = {row.line: row for row in preview.context["rows"]}
    assert rows[2].ok and rows[2].action == "enroll"
    assert rows[3].ok and rows[3].course == other_course
    assert rows[4].ok and rows[4].action == "invite"  # no account: invited on confirmation
    assert "Unknown course" in rows[5].error
    assert "Duplicate of line 2" in rows[6].error
    assert "not a valid email" in rows[7].error
    assert "Expected 2 columns, found 1" in rows[8].error
    assert rows[9].ok and rows[9].action == "no_change"
    assert preview.context["summary"] == {
        "total": 8,
        "errors": 4,
        "changes": 3,
        "enrolls": 2,
        "invites": 1,
        "unchanged": 1,
    }
    text = preview.content.decode()
    assert "Will be invited (no account uses this address yet)" in text
    assert Enrollment.objects.count() == 1, "nothing is saved before confirmation"

    confirmed = course_admin_client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    created = Enrollment.objects.filter(source="import").order_by("user__username")
    assert [(e.user, e.course_id, e.status) for e in created] == [
        (good1, approval_course.pk, "active"),
        (good2, other_course.pk, "active"),
    ]
    assert Enrollment.objects.count() == 3

    again = course_admin_client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert again.status_code == 409, "the data changed since the preview; nothing is applied twice"
    assert Enrollment.objects.count() == 3


def test_import_is_all_or_nothing_when_a_row_is_refused(course_admin_client, approval_course, monkeypatch):
    make_user("one")
    make_user("two")
    preview = course_admin_client.post(
        IMPORT_URL,
        {
            "file": csv_file(
                "email,course\none@example.com,approval-course\ntwo@example.com,approval-course\n"
            )
        },
    )
    real_enroll = enrollment_import.enroll

    def enroll_then_refuse(user, course, **kwargs):
        if user.username == "two":
            raise EnrollmentError("full", "Sorry, this course is full.")
        return real_enroll(user, course, **kwargs)

    monkeypatch.setattr(enrollment_import, "enroll", enroll_then_refuse)
    response = course_admin_client.post(IMPORT_URL, {"token": preview.context["token"]})
    assert response.status_code == 409
    assert "Nothing was imported" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_import_capacity_is_checked_in_the_preview(course_admin_client, approval_course):
    approval_course.capacity = 1
    approval_course.save()
    make_user("one")
    make_user("two")
    preview = course_admin_client.post(
        IMPORT_URL,
        {
            "file": csv_file(
                "Email,Course,Note\none@example.com,approval-course,x\ntwo@example.com,approval-course,y\n"
            )
        },
    )
    rows = preview.context["rows"]
    assert rows[0].ok and not rows[1].ok
    assert "is full" in rows[1].error


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "file is empty"),
        (b"  \n\n", "The file is empty."),
        ("email,course\nzoë@example.com,x\n".encode("latin-1"), "not UTF-8"),
        (b"name,title\nx,y\n", "must name the columns"),
        (b"email;course\na@example.com;x\n", "separated by semicolons"),
        (b"email,course\n", "no enrollments"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not UTF-8"),
        (b"email,course\n\x00,\x00\n", "does not look like a CSV"),
        (b'email,course\n"unterminated,x\n', "not valid CSV"),
        (b"email,email,course\na,b,c\n", "appears twice"),
    ],
)
def test_import_rejects_bad_files_with_a_message(course_admin_client, content, message):
    response = course_admin_client.post(IMPORT_URL, {"file": csv_file(content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "rows" not in response.context or response.context.get("rows") is None
    assert not Enrollment.objects.exists()


def test_import_rejects_huge_files_and_too_many_rows(course_admin_client, monkeypatch):
    monkeypatch.setattr(enrollment_import, "MAX_BYTES", 100)
    huge = course_admin_client.post(
        IMPORT_URL, {"file": csv_file("email,course\n" + "a@example.com,x\n" * 20)}
    )
    assert "too large" in huge.content.decode()
    monkeypatch.setattr(enrollment_import, "MAX_BYTES", 10_000)
    monkeypatch.setattr(enrollment_import, "MAX_ROWS", 3)
    many = course_admin_client.post(
        IMPORT_URL, {"file": csv_file("email,course\n" + "a@example.com,x\n" * 4)}
    )
    assert "at most 3 at a time" in many.content.decode()


def test_import_without_a_file_and_with_a_forged_token(course_admin_client):
    missing = course_admin_client.post(IMPORT_URL, {})
    assert missing.status_code == 200
    assert "This field is required" in missing.content.decode()
    forged = course_admin_client.post(IMPORT_URL, {"token": "forged"}, follow=True)
    assert "could not be read back" in forged.content.decode()
    assert not Enrollment.objects.exists()


# --- who may use these views ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [LIST_URL, LIST_URL + "?export=csv", IMPORT_URL, "/admin/enrollments/add/", "/admin/reports/courses/"],
)
def test_marketer_and_student_are_refused(client, marketer, gated_course, url):
    student = make_user("student")
    enrollment = enroll_as(student, gated_course, Enrollment.Status.PENDING)

    client.force_login(marketer)
    for response in (
        client.get(url),
        client.get(f"/admin/reports/courses/{gated_course.pk}/"),
        client.post(action_url("approve", enrollment)),
    ):
        # Wagtail answers PermissionDenied in its admin with a redirect to the dashboard.
        assert response.status_code == 403 or (
            response.status_code == 302 and response["Location"] == "/admin/"
        )

    client.force_login(student)
    for target in (url, action_url("approve", enrollment)):
        response = client.get(target)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(action_url("approve", enrollment)).status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.PENDING


def test_dashboard_panels_show_pending_and_recent(course_admin_client, client, approval_course, marketer):
    enroll_as(make_user("waiting"), approval_course, Enrollment.Status.PENDING)
    enroll_as(make_user("fresh"), approval_course)
    text = course_admin_client.get("/admin/").content.decode()
    assert "Enrollment requests waiting for approval" in text
    assert "waiting@example.com" in text
    assert "Recent enrollments" in text and "fresh@example.com" in text

    assert "/admin/enrollments/" in text and "/admin/reports/courses/" in text  # menu items

    client.force_login(marketer)
    text = client.get("/admin/").content.decode()
    assert "waiting@example.com" not in text and "Recent enrollments" not in text
    assert "/admin/enrollments/" not in text and "/admin/reports/courses/" not in text


def test_row_actions_and_edit_form(course_admin_client, approval_course):
    enrollment = enroll_as(make_user("waiting"), approval_course, Enrollment.Status.PENDING)
    listing = course_admin_client.get(LIST_URL).content.decode()
    assert f"/admin/bulk/course/enrollment/approve/?id={enrollment.pk}" in listing
    assert "/admin/enrollments/import/" in listing

    edit_url = f"/admin/enrollments/edit/{enrollment.pk}/"
    assert course_admin_client.get(edit_url).status_code == 200
    assert course_admin_client.get(f"/admin/enrollments/inspect/{enrollment.pk}/").status_code == 200
    response = course_admin_client.post(edit_url, {"expires_at": "2031-01-02 10:00"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.expires_at.year == 2031
    assert enrollment.status == Enrollment.Status.PENDING  # status is not editable by hand
    bad = course_admin_client.post(edit_url, {"expires_at": "not a date"})
    assert bad.status_code == 200 and "Enter a valid date" in bad.content.decode()
