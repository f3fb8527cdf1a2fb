"""The Enrollments area of the Wagtail admin: listing, filters, search, CSV export and import.

A `SnippetViewSet` (not a plain `ModelViewSet`) because only snippets get
Wagtail's bulk-action framework, which the approve / withdraw / extend actions
use (course/admin/actions.py). Every change goes through the services in
course/enrollments.py, so capacity and emails work as for students.

Every view shows and changes only enrollments in courses the user administers
(course/admin/permissions.py). The snippet chooser Wagtail adds to every snippet
is not registered: nothing chooses an enrollment, and a chooser would be one
more listing of students to guard.
"""

from urllib.parse import quote

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.widgets import AdminDateTimeInput, HeaderButton
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.snippets.views import snippets

from course.admin.certificates import certificate_actions, certificate_urls
from course.admin.csv_import import EnrollmentImportView
from course.admin.gradebook import GradebookView
from course.admin.learner_records import record_urls
from course.admin.permissions import AdministeredEnrollmentMixin, enrollment_policy
from course.admin.spreadsheets import spreadsheet_safe
from course.enrollments import EnrollmentError, enroll
from course.invitations import invite
from course.models import Enrollment, LessonCompletion
from course.progress import progress_by_enrollment


def administered_courses(request):
    return enrollment_policy.courses(request.user) if request is not None else Enrollment.objects.none()


class EnrollmentFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(queryset=administered_courses, empty_label=_("All courses"))
    status = django_filters.ChoiceFilter(
        choices=Enrollment.Status.choices,
        widget=forms.RadioSelect,
        # Translators: the "no filter" choice of the enrollments' status and source filters.
        empty_label=_("All"),
    )
    source = django_filters.ChoiceFilter(
        choices=Enrollment.Source.choices, widget=forms.RadioSelect, empty_label=_("All")
    )
    # Translators: the filter and column of the date a student enrolled.
    enrolled_at = django_filters.DateFromToRangeFilter(label=_("Enrolled"), widget=DateRangePickerWidget)

    class Meta:
        model = Enrollment
        fields = ["course", "status", "source", "enrolled_at"]


class AddEnrollmentForm(forms.ModelForm):
    """Enroll one student by email; the enrollment service decides the rest (source: admin)."""

    email = forms.EmailField(
        label=_("Student email"),
        help_text=_("An account is enrolled at once; an address without an account gets an invitation."),
    )

    class Meta:
        model = Enrollment
        fields = ["course"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only courses the administrator may add students to; for_user is always given by the view.
        self.fields["course"].queryset = enrollment_policy.courses(for_user, "add")
        self.order_fields(["email", "course"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        users = list(get_user_model().objects.filter(email__iexact=email)[:2])
        self.student = None  # no account: the view invites the address (course/invitations.py)
        if len(users) > 1:
            raise forms.ValidationError(
                gettext("Several accounts use this email address; enroll them another way.")
            )
        self.student = users[0] if users else None
        return email


class EditEnrollmentForm(forms.ModelForm):
    """Only the end of access is edited by hand; status changes are actions with their own rules."""

    class Meta:
        model = Enrollment
        fields = ["expires_at"]
        widgets = {"expires_at": AdminDateTimeInput}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)


def progress_label(enrollment):
    """ "3/10 · 14 Mar 2026": lessons done of the course's lessons, and the last completion."""
    progress = getattr(enrollment, "progress", None)
    if progress is None:
        return ""
    label = f"{progress.done}/{progress.total}"
    if progress.last_activity:
        label += f" · {date_format(localtime(progress.last_activity), 'j M Y')}"
    return label


class EnrollmentIndexView(snippets.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        # The student's record in the course, lesson by lesson (course/admin/learner_records.py).
        buttons.append(
            Button(
                gettext("Learner record"),
                url=reverse("course_enrollments:record", args=[instance.pk]),
                icon_name="user",
                priority=5,
            )
        )
        if not self.user_has_permission("change"):
            return buttons
        # Revoke or reissue the certificate (course/admin/certificates.py), read with the row.
        for priority, (label, url) in enumerate(
            certificate_actions(instance, getattr(instance, "certificate", None)), start=10
        ):
            buttons.append(Button(label, url=url, icon_name="doc-full", priority=priority))
        actions = []
        if instance.status == Enrollment.Status.PENDING:
            actions.append(("approve", gettext("Approve"), "check"))
        if instance.status not in (Enrollment.Status.WITHDRAWN, Enrollment.Status.COMPLETED):
            actions.append(("withdraw", gettext("Withdraw"), "cross"))
        if instance.expires_at is not None:
            actions.append(("extend", gettext("Extend access"), "date"))
        for priority, (action, label, icon) in enumerate(actions, start=1):
            buttons.append(
                Button(
                    label,
                    url=action_url(action, [instance.pk], self.request),
                    icon_name=icon,
                    priority=priority,
                )
            )
        return buttons

    def _get_title_column(self, field_name, *args, **kwargs):
        # Names stay whole on a phone: the listing scrolls sideways instead of breaking
        # "Sam Student" into syllables (Wagtail shrinks the title column first).
        return super()._get_title_column(field_name, *args, classname="w-whitespace-nowrap", **kwargs)

    def get_table(self, object_list):
        # Progress for the whole page of rows at once (course/progress.py), read by its column.
        progress = progress_by_enrollment(object_list)
        for enrollment in object_list:
            enrollment.progress = progress.get(enrollment.pk)
        return super().get_table(object_list)

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    gettext("Import CSV"), url=reverse("course_enrollments:import"), icon_name="upload"
                )
            )
        buttons.append(
            HeaderButton(gettext("Invitations"), url=reverse("course_invitations:index"), icon_name="mail")
        )
        return buttons

    def to_row_dict(self, item):
        return {field: spreadsheet_safe(value) for field, value in super().to_row_dict(item).items()}

    def filtered_course(self):
        """The course the list is filtered to, if the user administers it (for its gradebook)."""
        course_id = self.request.GET.get("course", "")
        if not course_id.isdigit():
            return None
        return enrollment_policy.courses(self.request.user).filter(pk=course_id).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gradebook_course"] = self.filtered_course()
        return context


def action_url(action, ids, request):
    """The bulk-action confirmation page for `ids`, returning to the current listing."""
    query = "&".join(f"id={pk}" for pk in ids)
    back = request.get_full_path() if request else reverse("course_enrollments:list")
    return (
        reverse("wagtail_bulk_action", args=["course", "enrollment", action]) + f"?{query}&next={quote(back)}"
    )


class EnrollmentCreateView(snippets.CreateView):
    def get_form_kwargs(self):
        # Wagtail passes for_user only to panel-built forms; the course choices depend on it.
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def form_valid(self, form):
        """Create through `enroll(source=ADMIN)` so capacity rules and the welcome email apply;
        an address without an account is invited instead."""
        if form.student is None:
            return self.invite(form)
        try:
            result = enroll(form.student, form.cleaned_data["course"], source=Enrollment.Source.ADMIN)
        except EnrollmentError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        self.form = form
        self.object = result.enrollment
        log(self.object, "wagtail.create", user=self.request.user)
        return self.save_action()

    def get_success_message(self, instance):
        return gettext("%(student)s is enrolled in %(course)s (%(status)s).") % {
            "student": instance.student_name,
            "course": instance.course,
            "status": instance.get_status_display(),
        }

    def invite(self, form):
        course, email = form.cleaned_data["course"], form.cleaned_data["email"]
        result = invite(email, course, by=self.request.user)
        values = {"email": email, "course": course}
        if result.sent:
            messages.success(
                self.request,
                gettext("No account uses %(email)s: an invitation to %(course)s was sent.") % values,
            )
        else:
            messages.info(
                self.request,
                gettext("%(email)s was invited to %(course)s a few minutes ago; not sent again.") % values,
            )
        return redirect(reverse("course_invitations:index") + f"?course={course.pk}")


class EnrollmentEditView(AdministeredEnrollmentMixin, snippets.EditView):
    pass


class EnrollmentDeleteView(AdministeredEnrollmentMixin, snippets.DeleteView):
    pass


class EnrollmentInspectView(AdministeredEnrollmentMixin, snippets.InspectView):
    """The enrollment, and the student's progress lesson by lesson (the list's Progress link)."""

    def get_field_label(self, field_name, field):
        if field_name == "lesson_progress":
            return gettext("Lessons")
        return super().get_field_label(field_name, field)

    @cached_property
    def header_buttons(self):
        url = reverse("course_enrollments:record", args=[self.object.pk])
        buttons = [HeaderButton(gettext("Learner record"), url=url, icon_name="user")]
        if enrollment_policy.user_has_permission_for_instance(self.request.user, "change", self.object):
            certificate = getattr(self.object, "certificate", None)
            for label, action_url in certificate_actions(self.object, certificate):
                buttons.append(HeaderButton(label, url=action_url, icon_name="doc-full"))
        return buttons

    def get_expires_at_display_value(self):
        expires_at = self.object.expires_at
        if expires_at is None:
            return gettext("No end (lifetime access)")
        return date_format(localtime(expires_at), "j M Y, H:i")

    def get_lesson_progress_display_value(self):
        enrollment = self.object
        outline = enrollment.course.outline
        progress = progress_by_enrollment([enrollment])[enrollment.pk]
        completed = dict(
            LessonCompletion.objects.filter(
                user_id=enrollment.user_id, lesson_id__in=progress.completed_ids
            ).values_list("lesson_id", "completed_at")
        )
        rows = [
            (
                entry.page.title,
                # Translators: a lesson's line in an enrollment's progress: "completed 3 Mar 2026, 14:05".
                gettext("completed %(date)s")
                % {"date": date_format(localtime(completed[entry.page.pk]), "j M Y, H:i")}
                if entry.page.pk in completed
                else gettext("not completed"),
            )
            for entry in outline.lessons
        ]
        text = gettext(
            '%(done)s of %(total)s lessons completed. <a href="%(url)s">Learner record</a>: quizzes, audio '
            "and video, and resetting or completing a lesson."
        ) % {
            "done": progress.done,
            "total": progress.total,
            "url": conditional_escape(reverse("course_enrollments:record", args=[enrollment.pk])),
        }
        # The text is the catalogue's (as a template's blocktranslate), its values numbers and an escaped URL.
        summary = format_html("<p>{}</p>", mark_safe(text))  # noqa: S308
        items = format_html_join("", "<li>{}: {}</li>", rows)
        return format_html('{}<ol class="pinewood-lesson-progress">{}</ol>', summary, items)


class EnrollmentUsageView(AdministeredEnrollmentMixin, snippets.UsageView):
    pass


class EnrollmentHistoryView(AdministeredEnrollmentMixin, snippets.HistoryView):
    pass


class EnrollmentViewSet(snippets.SnippetViewSet):
    model = Enrollment
    icon = "group"
    menu_label = _("Enrollments")
    menu_name = "enrollments"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "enrollments"
    url_namespace = "course_enrollments"
    copy_view_enabled = False
    inspect_view_enabled = True

    index_view_class = EnrollmentIndexView
    # The results carry the gradebook links of the course the list is filtered to.
    index_results_template_name = "course/admin/enrollments/index_results.html"
    add_view_class = EnrollmentCreateView
    edit_view_class = EnrollmentEditView
    delete_view_class = EnrollmentDeleteView
    inspect_view_class = EnrollmentInspectView
    usage_view_class = EnrollmentUsageView
    history_view_class = EnrollmentHistoryView

    list_per_page = 50
    ordering = ["-enrolled_at"]
    list_display = [
        "student_name",  # the title column (links and row actions): the name, never the username
        Column("email", label=_("Email"), accessor="user.email", sort_key="user__email"),
        "course",
        "status",
        "source",
        DateColumn("enrolled_at", label=_("Enrolled"), sort_key="enrolled_at"),
        DateColumn("expires_at", label=_("Access until"), sort_key="expires_at"),
        # Links to the enrollment's inspect view, which lists the student's lessons one by one.
        TitleColumn(
            "progress",
            label=_("Progress"),
            accessor=progress_label,
            get_url=lambda enrollment: reverse("course_enrollments:inspect", args=[enrollment.pk]),
        ),
    ]
    filterset_class = EnrollmentFilterSet
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    search_backend_name = None  # plain database lookups: Enrollment is not in the search index

    list_export = [
        "student_name",
        "user.email",
        "course.title",
        "course.slug",
        "status",
        "source",
        "enrolled_at",
        "expires_at",
        "completed_at",
    ]
    export_headings = {
        "student_name": _("Student"),
        "user.email": _("Email"),
        "course.title": _("Course"),
        "course.slug": _("Course slug"),
        "status": _("Status"),
        "source": _("Source"),
        "enrolled_at": _("Enrolled at"),
        "expires_at": _("Expires at"),
        "completed_at": _("Completed at"),
    }
    export_filename = "enrollments"
    inspect_view_fields = [
        "student_name",
        "user",
        "course",
        "status",
        "source",
        "enrolled_at",
        "expires_at",
        "completed_at",
        "lesson_progress",
    ]

    def get_queryset(self, request):
        """The listing and its exports: only enrollments in courses the user administers."""
        return enrollment_policy.instances_user_has_permission_for(request.user, "view").select_related(
            "user", "course", "certificate"
        )

    def get_form_class(self, for_update=False):
        return EditEnrollmentForm if for_update else AddEnrollmentForm

    # Plain forms (no panels): the add form has a non-model email field and the edit form one field.
    def get_add_view_kwargs(self, **kwargs):
        return {**super().get_add_view_kwargs(**kwargs), "panel": None}

    def get_edit_view_kwargs(self, **kwargs):
        return {**super().get_edit_view_kwargs(**kwargs), "panel": None}

    @property
    def import_view(self):
        return self.construct_view(EnrollmentImportView, model=Enrollment, header_icon=self.icon)

    def get_urlpatterns(self):
        return (
            super().get_urlpatterns()
            + [
                path("import/", self.import_view, name="import"),
                path(
                    "gradebook/<int:course_id>/<slug:spreadsheet_format>/",
                    GradebookView.as_view(),
                    name="gradebook",
                ),
            ]
            + record_urls()
            + certificate_urls()
        )

    def register_chooser_viewset(self):
        """No enrollment chooser (see the module docstring)."""
