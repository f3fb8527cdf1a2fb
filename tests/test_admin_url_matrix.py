"""Every admin URL that shows or changes enrollments, walked for every role.

The Enrollments viewset registers more URLs than the menu shows (inspect,
history, usage, results, the snippet chooser Wagtail adds by default, the
learner record with its lesson actions, the gradebook); the reports and the
import add their own. Each is requested as each role, with an
enrollment of the role's own course and one of another course. The other
course's student (a canary email) must never appear for anyone who does not
administer that course.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from course.admin.permissions import enrollment_policy
from course.admin.roles import setup_roles
from course.models import Certificate, Enrollment
from tests.admin_outcomes import DENIED, LOGIN, MISSING, OK, POST_ONLY, outcome
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course_admin,
    make_marketer,
    make_superuser,
    make_user,
)

OTHER_STUDENT_CANARY = "zqothercoursestudent"


@pytest.fixture
def setting(gated_course, other_course, editor):
    """Two courses with one student each, and a user per role."""
    setup_roles()
    own = enroll_as(make_user("ownstudent"), gated_course, Enrollment.Status.PENDING)
    other_student = get_user_model().objects.create_user(
        username="otherstudent", email=f"{OTHER_STUDENT_CANARY}@example.com", password="pw-123-long-enough"
    )
    other = enroll_as(other_student, other_course, Enrollment.Status.PENDING)
    for enrollment in (own, other):  # for the certificate actions' URLs
        Certificate.objects.create(enrollment=enrollment)

    marketer = make_marketer()
    course_team = make_course_admin(gated_course, "courseteam")
    all_courses = make_course_admin(None, "allcourses")
    superuser = make_superuser()
    users = {
        "anonymous": None,
        "student": make_user("student"),
        "marketer": marketer,
        "course_editor": editor,  # page rights on the course, no enrollment permissions
        "course_team": course_team,  # administrators of the gated course only
        "course_administrators": all_courses,
        "superuser": superuser,
    }
    return {
        "own": own,
        "other": other,
        "own_lesson": gated_course.lessons[0],
        "other_lesson": other_course.outline.lessons[0].page,
        "own_course": gated_course,
        "other_course": other_course,
        "users": users,
    }


def enrollment_url(name, which):
    return lambda s: reverse(f"course_enrollments:{name}", args=[s[which].pk])


def lesson_action_url(name, which):
    """A lesson action of the learner record: the enrollment `which` and a lesson of its course."""
    return lambda s: reverse(f"course_enrollments:{name}", args=[s[which].pk, s[f"{which}_lesson"].pk])


def gradebook_url(which, spreadsheet_format):
    return lambda s: reverse(
        "course_enrollments:gradebook", args=[s[f"{which}_course"].pk, spreadsheet_format]
    )


# Every URL, by the name it is registered under, with what each role gets for it.
# A student has no admin access at all: Wagtail sends them to its login page.
NOT_ENROLLMENT_STAFF = {"student": LOGIN, "marketer": DENIED, "course_editor": DENIED}
CAN_SEE_ALL = {"course_administrators": OK, "superuser": OK}
ANYONE_IN_STAFF = {"anonymous": LOGIN, **NOT_ENROLLMENT_STAFF}
LISTING = {**ANYONE_IN_STAFF, "course_team": OK, **CAN_SEE_ALL}
OWN_OBJECT = LISTING
OTHER_OBJECT = {**ANYONE_IN_STAFF, "course_team": MISSING, **CAN_SEE_ALL}
# The lesson actions' own URLs answer POST only (tests/test_admin_learner_record.py posts them).
POSTED_OWN = {
    **ANYONE_IN_STAFF,
    "course_team": POST_ONLY,
    "course_administrators": POST_ONLY,
    "superuser": POST_ONLY,
}
POSTED_OTHER = {**POSTED_OWN, "course_team": MISSING}
NOBODY = {
    "anonymous": LOGIN,
    "student": LOGIN,
    **dict.fromkeys(["marketer", "course_editor", "course_team", *CAN_SEE_ALL], MISSING),
}

URLS = {
    "list": (lambda s: reverse("course_enrollments:list"), LISTING),
    "list_results": (lambda s: reverse("course_enrollments:list_results"), LISTING),
    "list (CSV export)": (lambda s: reverse("course_enrollments:list") + "?export=csv", LISTING),
    "list (XLSX export)": (lambda s: reverse("course_enrollments:list") + "?export=xlsx", LISTING),
    "add": (lambda s: reverse("course_enrollments:add"), LISTING),
    "import": (lambda s: reverse("course_enrollments:import"), LISTING),
    "edit (own)": (enrollment_url("edit", "own"), OWN_OBJECT),
    "edit (other)": (enrollment_url("edit", "other"), OTHER_OBJECT),
    "inspect (own)": (enrollment_url("inspect", "own"), OWN_OBJECT),
    "inspect (other)": (enrollment_url("inspect", "other"), OTHER_OBJECT),
    "history (own)": (enrollment_url("history", "own"), OWN_OBJECT),
    "history (other)": (enrollment_url("history", "other"), OTHER_OBJECT),
    "history_results (own)": (enrollment_url("history_results", "own"), OWN_OBJECT),
    "history_results (other)": (enrollment_url("history_results", "other"), OTHER_OBJECT),
    "usage (own)": (enrollment_url("usage", "own"), OWN_OBJECT),
    "usage (other)": (enrollment_url("usage", "other"), OTHER_OBJECT),
    # Deleting enrollment records is for superusers only: administrators withdraw instead.
    "delete (own)": (
        enrollment_url("delete", "own"),
        {**OWN_OBJECT, "course_team": DENIED, "course_administrators": DENIED},
    ),
    "delete (other)": (enrollment_url("delete", "other"), {**OTHER_OBJECT, "course_administrators": DENIED}),
    # The learner record, its confirmation pages and actions (course/admin/learner_records.py).
    "record (own)": (enrollment_url("record", "own"), OWN_OBJECT),
    "record (other)": (enrollment_url("record", "other"), OTHER_OBJECT),
    "record_confirm_reset (own)": (lesson_action_url("record_confirm_reset", "own"), OWN_OBJECT),
    "record_confirm_reset (other)": (lesson_action_url("record_confirm_reset", "other"), OTHER_OBJECT),
    "record_confirm_complete (own)": (lesson_action_url("record_confirm_complete", "own"), OWN_OBJECT),
    "record_confirm_complete (other)": (lesson_action_url("record_confirm_complete", "other"), OTHER_OBJECT),
    "record_reset (own)": (lesson_action_url("record_reset", "own"), POSTED_OWN),
    "record_reset (other)": (lesson_action_url("record_reset", "other"), POSTED_OTHER),
    "record_complete (own)": (lesson_action_url("record_complete", "own"), POSTED_OWN),
    "record_complete (other)": (lesson_action_url("record_complete", "other"), POSTED_OTHER),
    # Revoking and reissuing a certificate (course/admin/certificates.py).
    "certificate_confirm_revoke (own)": (enrollment_url("certificate_confirm_revoke", "own"), OWN_OBJECT),
    "certificate_confirm_revoke (other)": (
        enrollment_url("certificate_confirm_revoke", "other"),
        OTHER_OBJECT,
    ),
    "certificate_confirm_reissue (own)": (enrollment_url("certificate_confirm_reissue", "own"), OWN_OBJECT),
    "certificate_confirm_reissue (other)": (
        enrollment_url("certificate_confirm_reissue", "other"),
        OTHER_OBJECT,
    ),
    "certificate_revoke (own)": (enrollment_url("certificate_revoke", "own"), POSTED_OWN),
    "certificate_revoke (other)": (enrollment_url("certificate_revoke", "other"), POSTED_OTHER),
    "certificate_reissue (own)": (enrollment_url("certificate_reissue", "own"), POSTED_OWN),
    "certificate_reissue (other)": (enrollment_url("certificate_reissue", "other"), POSTED_OTHER),
    # The gradebook of a course (course/admin/gradebook.py).
    "gradebook (own, CSV)": (gradebook_url("own", "csv"), LISTING),
    "gradebook (own, XLSX)": (gradebook_url("own", "xlsx"), LISTING),
    "gradebook (other, CSV)": (gradebook_url("other", "csv"), OTHER_OBJECT),
    "gradebook (other, XLSX)": (gradebook_url("other", "xlsx"), OTHER_OBJECT),
    # Wagtail gives every snippet a chooser; enrollments have none (it listed every student to anyone).
    "chooser": (lambda s: "/admin/snippets/choose/course/enrollment/", NOBODY),
    "chooser results": (lambda s: "/admin/snippets/choose/course/enrollment/results/", NOBODY),
    "chosen (other)": (lambda s: f"/admin/snippets/choose/course/enrollment/chosen/{s['other'].pk}/", NOBODY),
    # Bulk actions (also behind each row's menu): confirmation pages list the chosen enrollments.
    "bulk approve (own)": (lambda s: f"/admin/bulk/course/enrollment/approve/?id={s['own'].pk}", LISTING),
    "bulk approve (other)": (
        lambda s: f"/admin/bulk/course/enrollment/approve/?id={s['other'].pk}",
        {**ANYONE_IN_STAFF, "course_team": OK, **CAN_SEE_ALL},  # an empty confirmation for course_team
    ),
    "bulk withdraw (all)": (lambda s: "/admin/bulk/course/enrollment/withdraw/?id=all", LISTING),
    "bulk extend (other)": (lambda s: f"/admin/bulk/course/enrollment/extend/?id={s['other'].pk}", LISTING),
    # Reports.
    "report index": (lambda s: reverse("course_reports:index"), LISTING),
    "report index results": (lambda s: reverse("course_reports:index_results"), LISTING),
    "report index (CSV export)": (lambda s: reverse("course_reports:index") + "?export=csv", LISTING),
    "course report (own)": (lambda s: reverse("course_reports:course", args=[s["own_course"].pk]), LISTING),
    "course report (other)": (
        lambda s: reverse("course_reports:course", args=[s["other_course"].pk]),
        {**ANYONE_IN_STAFF, "course_team": MISSING, **CAN_SEE_ALL},
    ),
}

ROLES = [
    "anonymous",
    "student",
    "marketer",
    "course_editor",
    "course_team",
    "course_administrators",
    "superuser",
]
SEES_OTHER_COURSE = {"course_administrators", "superuser"}


def test_the_matrix_covers_every_registered_enrollment_url():
    """A URL Wagtail adds in a later release must be added to the matrix."""
    registered = {pattern.name for pattern in Enrollment.snippet_viewset.get_urlpatterns()}
    covered = {key.split(" (")[0] for key in URLS}
    assert registered <= covered, registered - covered


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url_per_role(setting, role):
    client = client_for(setting["users"][role])
    seen = {}
    for key, (url_for, _) in URLS.items():
        response = client.get(url_for(setting))
        seen[key] = outcome(response)
        if role not in SEES_OTHER_COURSE:
            assert OTHER_STUDENT_CANARY not in body_of(response), f"{key} shows another course's student"
        if key == "list" and role in SEES_OTHER_COURSE:
            assert OTHER_STUDENT_CANARY in body_of(response)  # the canary is findable where it is allowed
    assert seen == {key: expected[role] for key, (_, expected) in URLS.items()}


def test_course_team_cannot_change_another_courses_enrollment(setting):
    client = client_for(setting["users"]["course_team"])
    own, other = setting["own"], setting["other"]
    for action in ("approve", "withdraw"):
        client.post(f"/admin/bulk/course/enrollment/{action}/?id={own.pk}&id={other.pk}")
    client.post(reverse("course_enrollments:edit", args=[other.pk]), {"expires_at": "2030-01-01 10:00"})
    other.refresh_from_db()
    own.refresh_from_db()
    assert (other.status, other.expires_at) == (Enrollment.Status.PENDING, None)
    assert own.status == Enrollment.Status.WITHDRAWN  # approved, then withdrawn: their own course works


def test_course_team_adds_and_imports_only_into_their_course(setting):
    client = client_for(setting["users"]["course_team"])
    newcomer = make_user("newcomer")
    response = client.post(
        reverse("course_enrollments:add"), {"email": newcomer.email, "course": setting["other_course"].pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in body_of(response)
    assert not Enrollment.objects.filter(user=newcomer).exists()

    course_choices = response.context["form"].fields["course"].queryset
    assert list(course_choices) == [setting["own_course"]]

    upload = f"email,course\n{newcomer.email},{setting['other_course'].slug}\n"
    preview = client.post(
        reverse("course_enrollments:import"),
        {"file": SimpleUploadedFile("e.csv", upload.encode(), "text/csv")},
    )
    assert "a course you administer" in body_of(preview)
    assert preview.context["summary"]["changes"] == 0


def test_dashboard_panels_show_only_administered_courses(setting):
    client = client_for(setting["users"]["course_team"])
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "ownstudent" in body_of(response)
    assert OTHER_STUDENT_CANARY not in body_of(response)
    assert "otherstudent" not in body_of(response)


def test_filter_offers_only_administered_courses(setting):
    response = client_for(setting["users"]["course_team"]).get(reverse("course_enrollments:list"))
    options = response.context["filters"].form.fields["course"].queryset
    assert list(options) == [setting["own_course"]]
    assert setting["other_course"].title not in body_of(response)


def test_policy_names_who_administers_an_enrollment(setting):
    users = setting["users"]
    own_admins = set(enrollment_policy.users_with_permission_for_instance("change", setting["own"]))
    other_admins = set(enrollment_policy.users_with_permission_for_instance("change", setting["other"]))
    assert own_admins == {users["course_team"], users["course_administrators"], users["superuser"]}
    assert other_admins == {users["course_administrators"], users["superuser"]}
