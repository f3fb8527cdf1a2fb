"""CSV import of enrollments: read, check every row, then apply the good rows in one transaction.

The administrator first sees a preview built by `plan()` (nothing is written),
then confirms (`EnrollmentImportView`, mounted by the Enrollments viewset). Rows
may name only courses the administrator may add students to; any other course
is reported as unknown. `apply()` re-runs through the enrollment service inside one
transaction: if any row is refused at that point (say the course filled up in
the meantime) the whole import is rolled back, so nothing is half-applied.

An address no account uses is not an error: the row invites it (course/invitations.py), and
the preview says so ("will invite" rather than "will enroll"). Invitations take no seat until
they are accepted, so they are not counted against capacity here.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import PermissionCheckedMixin, WagtailAdminTemplateMixin

from course.admin.permissions import enrollment_policy
from course.enrollments import EnrollmentError, enroll
from course.invitations import invite, normalise_email
from course.models import Enrollment, Invitation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("email", "course")

# What confirming a row will do.
ENROLL = "enroll"
REACTIVATE = "reactivate"
APPROVE = "approve"
NO_CHANGE = "no_change"
INVITE = "invite"
REINVITE = "reinvite"
INVITING = (INVITE, REINVITE)
ACTION_LABELS = {
    # Translators: what confirming a row of a CSV import will do, in the "Result" column of its preview.
    ENROLL: _("Will be enrolled"),
    INVITE: _("Will be invited (no account uses this address yet)"),
    REINVITE: _("Will be invited again (an invitation is already pending)"),
    REACTIVATE: _("Will be enrolled again (was withdrawn or expired)"),
    APPROVE: _("Pending request will be approved"),
    NO_CHANGE: _("Already enrolled; no change"),
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown under the upload field."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class RawRow:
    line: int
    email: str
    course: str
    problem: str = ""  # set when the row itself is malformed


@dataclass
class ImportRow:
    line: int
    email: str
    course_ref: str
    user: object = None
    course: object = None
    error: str = ""
    action: str = ""

    @property
    def ok(self):
        return not self.error

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, "")

    @property
    def changes_something(self):
        return self.ok and self.action != NO_CHANGE


def read_csv(uploaded):
    """[RawRow] from an uploaded CSV with a header naming the columns `email` and `course`."""
    too_large = gettext("The file is too large; the limit is %(megabytes)s MB.") % {
        "megabytes": MAX_BYTES // (1024 * 1024)
    }
    if uploaded.size is not None and uploaded.size > MAX_BYTES:
        raise ImportFileError(too_large)
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(too_large)
    if not data.strip():
        raise ImportFileError(gettext("The file is empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            gettext("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again.")
        ) from error
    if "\x00" in text:
        raise ImportFileError(gettext("This does not look like a CSV file."))
    try:
        lines = [(reader_line, row) for reader_line, row in _rows(text)]
    except csv.Error as error:
        # Translators: "error" is Python's description of the problem, in English.
        raise ImportFileError(gettext("The file is not valid CSV: %(error)s.") % {"error": error}) from error
    if not lines:
        raise ImportFileError(gettext("The file is empty."))

    header_line, header = lines[0]
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        if len(names) == 1 and ";" in names[0]:
            raise ImportFileError(
                gettext("The columns are separated by semicolons; save the file as comma-separated CSV.")
            )
        # Translators: what the first row of a CSV file holds when it names no column.
        found = ", ".join(name for name in names if name) or gettext("nothing")
        # Translators: "email" and "course" are the column names the CSV file must use; they stay in English.
        message = gettext("The first row must name the columns “email” and “course” (found: %(found)s).")
        raise ImportFileError(message % {"found": found})
    if len(set(names)) != len(names):
        raise ImportFileError(gettext("A column name appears twice in the first row."))
    email_at, course_at = names.index("email"), names.index("course")

    rows = []
    for line, values in lines[1:]:
        if len(values) != len(names):
            problem = gettext("Expected %(expected)s columns, found %(found)s.") % {
                "expected": len(names),
                "found": len(values),
            }
            rows.append(RawRow(line, "", "", problem=problem))
            continue
        rows.append(RawRow(line, values[email_at].strip(), values[course_at].strip()))
    if not rows:
        raise ImportFileError(gettext("The file has a header row but no enrollments."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            gettext("The file has %(rows)s rows; import at most %(max_rows)s at a time.")
            % {"rows": len(rows), "max_rows": MAX_ROWS}
        )
    return rows


def _rows(text):
    """(line number, values) for each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    for values in reader:
        if any(value.strip() for value in values):
            yield reader.line_num, values


def _users_by_email(emails):
    """{lower-case email: [active users]}; more than one user means the address is ambiguous.
    An address used only by deactivated accounts maps to [] (neither enrolled nor invited)."""
    found = {}
    users = get_user_model().objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    for user in users:
        matches = found.setdefault(user.email_lower, [])
        if user.is_active:
            matches.append(user)
    return found


def _course_lookup(courses):
    """{slug / lower-case title / id: [courses]} for the given courses (there are few)."""
    lookup = {}
    for course in courses.order_by("path"):
        for key in {course.slug.lower(), course.title.strip().lower(), str(course.pk)}:
            lookup.setdefault(key, []).append(course)
    return lookup


def _check(raw, users, courses):
    """An ImportRow for `raw` with the user and course resolved, or an error."""
    row = ImportRow(raw.line, raw.email, raw.course)
    if raw.problem:
        row.error = raw.problem
        return row
    if not raw.email:
        row.error = gettext("The email is missing.")
        return row
    try:
        validate_email(raw.email)
    except ValidationError:
        row.error = gettext("“%(email)s” is not a valid email address.") % {"email": raw.email}
        return row
    if not raw.course:
        row.error = gettext("The course is missing.")
        return row
    matches = users.get(raw.email.lower())
    if matches == []:
        row.error = gettext("The account using this email address is deactivated.")
        return row
    if matches is not None and len(matches) > 1:
        row.error = gettext("Several accounts use this email address; enroll this student by hand.")
        return row
    course_matches = courses.get(raw.course.lower(), [])
    if not course_matches:
        row.error = gettext(
            "Unknown course “%(course)s” (use the slug or exact title of a course you administer)."
        ) % {"course": raw.course}
        return row
    if len({course.pk for course in course_matches}) > 1:
        row.error = gettext("Several courses match “%(course)s”; use the course's slug.") % {
            "course": raw.course
        }
        return row
    row.user, row.course = (matches[0] if matches else None), course_matches[0]
    return row


def plan(raw_rows, courses):
    """Check every row against `courses` (those the importer may enroll into) and decide what
    confirming would do; writes nothing. A fixed number of queries whatever the number of rows.
    """
    emails = {raw.email.lower() for raw in raw_rows if raw.email}
    users = _users_by_email(emails)
    courses = _course_lookup(courses)
    rows = [_check(raw, users, courses) for raw in raw_rows]

    invited = [row for row in rows if row.ok and row.user is None]
    resolved = [row for row in rows if row.ok and row.user is not None]
    _plan_invitations(invited)
    existing = {
        (e.user_id, e.course_id): e
        for e in Enrollment.objects.filter(
            user_id__in={row.user.pk for row in resolved}, course_id__in={row.course.pk for row in resolved}
        )
    }
    seats = dict(
        Enrollment.objects.filter(
            course_id__in={row.course.pk for row in resolved}, status__in=Enrollment.GRANTING
        )
        .values_list("course_id")
        .annotate(n=Count("id"))
    )
    seen = {}
    for row in resolved:
        key = (row.user.pk, row.course.pk)
        if key in seen:
            row.error = gettext("Duplicate of line %(line)s.") % {"line": seen[key]}
            continue
        seen[key] = row.line
        enrollment = existing.get(key)
        if enrollment is None:
            row.action = ENROLL
        elif enrollment.grants_access():
            row.action = NO_CHANGE
            continue
        elif enrollment.status == Enrollment.Status.PENDING:
            row.action = APPROVE
        else:
            row.action = REACTIVATE
        capacity = row.course.capacity
        if capacity is not None:
            if seats.get(row.course.pk, 0) >= capacity:
                row.error = gettext("%(course)s is full (capacity %(capacity)s).") % {
                    "course": row.course.title,
                    "capacity": capacity,
                }
                row.action = ""
                continue
            seats[row.course.pk] = seats.get(row.course.pk, 0) + 1
    return rows


def _plan_invitations(rows):
    """Rows whose address has no account: invite, or invite again when one is pending."""
    pending = set(
        Invitation.objects.filter(
            course_id__in={row.course.pk for row in rows},
            email__in={normalise_email(row.email) for row in rows},
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
        ).values_list("email", "course_id")
    )
    seen = {}
    for row in rows:
        key = (normalise_email(row.email), row.course.pk)
        if key in seen:
            row.error = gettext("Duplicate of line %(line)s.") % {"line": seen[key]}
            continue
        seen[key] = row.line
        row.action = REINVITE if key in pending else INVITE


def summary(rows):
    counts = Counter("error" if not row.ok else row.action for row in rows)
    invites = counts[INVITE] + counts[REINVITE]
    changes = sum(1 for row in rows if row.changes_something)
    return {
        "total": len(rows),
        "errors": counts["error"],
        "changes": changes,
        "enrolls": changes - invites,
        "invites": invites,
        "unchanged": counts[NO_CHANGE],
    }


def fingerprint(rows):
    """What confirming will change, to notice if the data moved between preview and confirmation."""
    return sorted(
        [
            row.user.pk if row.user else 0,
            "" if row.user else normalise_email(row.email),
            row.course.pk,
            row.action,
        ]
        for row in rows
        if row.changes_something
    )


class ImportRefused(Exception):
    def __init__(self, row, message):
        super().__init__(message)
        self.row = row
        self.message = message


def apply(rows, by=None):
    """Enroll (source: import) or invite every good row in one transaction; all or nothing.
    Returns the number of enrollments; invitations are counted by `summary()`."""
    applied = 0
    with transaction.atomic():
        for row in rows:
            if not row.changes_something:
                continue
            if row.action in INVITING:
                invite(row.email, row.course, by=by)
                continue
            try:
                enroll(row.user, row.course, source=Enrollment.Source.IMPORT)
            except EnrollmentError as error:
                raise ImportRefused(row, error.message) from error
            applied += 1
    return applied


# --- the admin view ------------------------------------------------------------------------

IMPORT_SIGNING_SALT = "course.enrollment-import"
TOKEN_MAX_AGE = 60 * 60  # an hour between preview and confirmation


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            # Translators: "email" and "course" are the column names the CSV file must use; they stay in
            # English.
            "A header row naming the columns “email” and “course” (course slug or exact title), "
            "then one enrollment per row. UTF-8, at most %(max_rows)s rows. "
            "Other columns are ignored."
        ) % {"max_rows": MAX_ROWS}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.raw_rows = read_csv(uploaded)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from error
        return uploaded


class EnrollmentImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Upload → preview with a per-row report → confirm; the preview travels in a signed token."""

    model = Enrollment
    permission_required = "add"
    template_name = "course/admin/enrollments/import.html"
    page_title = _("Import enrollments")
    header_icon = "upload"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_enrollments:list"), "label": gettext("Enrollments")},
            {"url": "", "label": self.page_title},
        ]

    def courses(self):
        return enrollment_policy.courses(self.request.user, "add")

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        rows = plan(form.raw_rows, self.courses())
        return self.preview(rows, form.raw_rows, filename=form.cleaned_data["file"].name)

    def preview(self, rows, raw_rows, filename, status=200):
        payload = {
            "user": self.request.user.pk,
            "file": filename,
            "rows": [[raw.line, raw.email, raw.course, raw.problem] for raw in raw_rows],
            "expect": fingerprint(rows),
        }
        token = signing.dumps(payload, salt=IMPORT_SIGNING_SALT, compress=True)
        context = self.get_context_data(rows=rows, summary=summary(rows), token=token, filename=filename)
        return self.render_to_response(context, status=status)

    def confirm(self, request):
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SIGNING_SALT, max_age=TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            return self.restart(gettext("The preview has expired; upload the file again."))
        except signing.BadSignature:
            return self.restart(gettext("The import could not be read back; upload the file again."))
        if payload.get("user") != request.user.pk:
            raise PermissionDenied
        raw_rows = [RawRow(*values) for values in payload["rows"]]
        rows = plan(raw_rows, self.courses())
        if fingerprint(rows) != payload["expect"]:
            messages.warning(
                request,
                gettext("Enrollments changed since the preview. Check the rows again before confirming."),
            )
            return self.preview(rows, raw_rows, payload["file"], status=409)
        try:
            applied = apply(rows, by=request.user)
        except ImportRefused as refusal:
            messages.error(
                request,
                gettext("Nothing was imported: line %(line)s (%(email)s) was refused: %(reason)s")
                % {"line": refusal.row.line, "email": refusal.row.email, "reason": refusal.message},
            )
            return self.preview(plan(raw_rows, self.courses()), raw_rows, payload["file"], status=409)
        skipped = sum(1 for row in rows if not row.ok)
        invited = summary(rows)["invites"]
        values = {"count": applied, "invited": invited, "file": payload["file"], "skipped": skipped}
        if invited:
            message = gettext(
                "Imported %(count)s enrollments and invited %(invited)s people without an account "
                "from %(file)s."
            )
        else:
            message = gettext("Imported %(count)s enrollments from %(file)s.")
        message %= values
        if skipped:
            message += " " + gettext("%(skipped)s rows with errors were skipped.") % values
        messages.success(request, message)
        return redirect(reverse("course_enrollments:list") + "?source=import")

    def restart(self, message):
        messages.error(self.request, message)
        return redirect("course_enrollments:import")
