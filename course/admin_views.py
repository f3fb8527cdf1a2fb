"""Admin views that are not plain listings: enrollment CSV import and the course reports."""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.ui.tables import NumberColumn, TitleColumn
from wagtail.admin.views.generic import PermissionCheckedMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView

from course import enrollment_import as importer
from course.models import CoursePage, Enrollment
from course.reports import course_report, report_sections
from course.viewsets import spreadsheet_safe

IMPORT_SIGNING_SALT = "course.enrollment-import"
TOKEN_MAX_AGE = 60 * 60  # an hour between preview and confirmation
REPORT_PERMISSION = "course.view_enrollment"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "A header row naming the columns “email” and “course” (course slug or exact title), "
            f"then one enrollment per row. UTF-8, at most {importer.MAX_ROWS} rows. "
            "Other columns are ignored."
        ),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.raw_rows = importer.read_csv(uploaded)
        except importer.ImportFileError as error:
            raise forms.ValidationError(error.message) from error
        return uploaded


class EnrollmentImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Upload → preview with a per-row report → confirm; the preview travels in a signed token."""

    model = Enrollment
    permission_required = "add"
    template_name = "course/admin/enrollments/import.html"
    page_title = "Import enrollments"
    header_icon = "upload"
    index_url_name = None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_enrollments:list"), "label": "Enrollments"},
            {"url": "", "label": self.page_title},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        rows = importer.plan(form.raw_rows)
        return self.preview(rows, form.raw_rows, filename=form.cleaned_data["file"].name)

    def preview(self, rows, raw_rows, filename, status=200):
        payload = {
            "user": self.request.user.pk,
            "file": filename,
            "rows": [[raw.line, raw.email, raw.course, raw.problem] for raw in raw_rows],
            "expect": importer.fingerprint(rows),
        }
        token = signing.dumps(payload, salt=IMPORT_SIGNING_SALT, compress=True)
        context = self.get_context_data(
            rows=rows, summary=importer.summary(rows), token=token, filename=filename
        )
        return self.render_to_response(context, status=status)

    def confirm(self, request):
        try:
            payload = signing.loads(request.POST["token"], salt=IMPORT_SIGNING_SALT, max_age=TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            return self.restart("The preview has expired; upload the file again.")
        except signing.BadSignature:
            return self.restart("The import could not be read back; upload the file again.")
        if payload.get("user") != request.user.pk:
            raise PermissionDenied
        raw_rows = [importer.RawRow(*values) for values in payload["rows"]]
        rows = importer.plan(raw_rows)
        if importer.fingerprint(rows) != payload["expect"]:
            messages.warning(
                request, "Enrollments changed since the preview. Check the rows again before confirming."
            )
            return self.preview(rows, raw_rows, payload["file"], status=409)
        try:
            applied = importer.apply(rows)
        except importer.ImportRefused as refusal:
            messages.error(
                request,
                f"Nothing was imported: line {refusal.row.line} ({refusal.row.email}) was refused: "
                f"{refusal.message}",
            )
            return self.preview(importer.plan(raw_rows), raw_rows, payload["file"], status=409)
        skipped = sum(1 for row in rows if not row.ok)
        note = f" {skipped} rows with errors were skipped." if skipped else ""
        messages.success(request, f"Imported {applied} enrollments from {payload['file']}.{note}")
        return redirect(reverse("course_enrollments:list") + "?source=import")

    def restart(self, message):
        messages.error(self.request, message)
        return redirect("course_enrollments:import")


# --- course reports -------------------------------------------------------------------------


class ReportPermissionMixin:
    """Reports show enrollment data, so they need the enrollment view permission."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(REPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CourseReportIndexView(ReportPermissionMixin, ReportView):
    """Every course with its enrollment counts (one aggregate query), linking to its report."""

    page_title = "Course reports"
    header_icon = "table"
    index_url_name = "course_reports:index"
    index_results_url_name = "course_reports:index_results"
    list_export = ["title", "students", "pending", "completed", "withdrawn"]
    export_headings = {"title": "Course", "students": "Students (active + completed)"}
    export_filename = "course-reports"

    def to_row_dict(self, item):
        # Course titles are text a spreadsheet could run as a formula; counts stay numbers.
        row = super().to_row_dict(item)
        return {
            field: spreadsheet_safe(value) if isinstance(value, str) else value
            for field, value in row.items()
        }

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label="Course",
                get_url=lambda course: reverse("course_reports:course", args=[course.pk]),
            ),
            NumberColumn("students", label="Students"),
            NumberColumn("pending", label="Pending"),
            NumberColumn("completed", label="Completed"),
            NumberColumn("withdrawn", label="Withdrawn"),
        ]

    def get_queryset(self):
        statuses = Enrollment.Status
        return CoursePage.objects.order_by("title").annotate(
            students=Count(
                "enrollments", filter=Q(enrollments__status__in=[statuses.ACTIVE, statuses.COMPLETED])
            ),
            pending=Count("enrollments", filter=Q(enrollments__status=statuses.PENDING)),
            completed=Count("enrollments", filter=Q(enrollments__status=statuses.COMPLETED)),
            withdrawn=Count("enrollments", filter=Q(enrollments__status=statuses.WITHDRAWN)),
        )


class CourseReportView(ReportPermissionMixin, WagtailAdminTemplateMixin, TemplateView):
    """One course: enrollments by status, completion, lesson funnel, plus sections other apps add."""

    template_name = "course/admin/reports/course.html"
    header_icon = "table"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.course = get_object_or_404(CoursePage, pk=kwargs["course_id"])

    def get_page_title(self):
        return f"Report: {self.course.title}"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_reports:index"), "label": "Course reports"},
            {"url": "", "label": self.course.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = course_report(self.course)
        context.update({"course": self.course, "report": report, "sections": report_sections(report)})
        return context
