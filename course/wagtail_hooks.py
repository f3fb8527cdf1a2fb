"""Wagtail hooks: other channels routed through the access policy, and the course admin area."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from course.access import document_access
from course.admin.actions import BULK_ACTIONS
from course.admin.enrollments import EnrollmentViewSet
from course.admin.panels import PendingApprovalsPanel, RecentEnrollmentsPanel
from course.admin.permissions import enrollment_policy
from course.admin.reports import CourseReportIndexView, CourseReportView, user_sees_reports
from course.completion import lesson_removed
from course.models import Enrollment
from course.views import access_refused


@hooks.register("before_serve_document")
def check_document_access(document, request):
    return None if document_access(request, document) else access_refused(request)


# --- course administration ------------------------------------------------------------------

register_permission_policy(Enrollment, enrollment_policy, exact_class=True)
register_snippet(EnrollmentViewSet)

for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)


@hooks.register("register_admin_urls")
def course_report_urls():
    urls = [
        path("", CourseReportIndexView.as_view(), name="index"),
        path("results/", CourseReportIndexView.as_view(results_only=True), name="index_results"),
        path("<int:course_id>/", CourseReportView.as_view(), name="course"),
    ]
    return [path("reports/courses/", include((urls, "course_reports"), namespace="course_reports"))]


class CourseReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_sees_reports(request.user)


@hooks.register("register_reports_menu_item")
def course_reports_menu_item():
    return CourseReportsMenuItem(
        "Course reports",
        reverse("course_reports:index"),
        name="course-reports",
        icon_name="table",
        order=100,
    )


@hooks.register("construct_homepage_panels")
def enrollment_panels(request, panels):
    panels.append(PendingApprovalsPanel(request))
    panels.append(RecentEnrollmentsPanel(request))


@hooks.register("after_delete_page")
def settle_progress_after_lesson_deleted(request, page):
    lesson_removed(page)
