"""Admin dashboard panels: enrollment requests waiting for approval and the latest enrollments.

Shown only to users who may see enrollments; each panel is one query of at most
`LIMIT` rows (plus a count).
"""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from course.models import Enrollment

LIMIT = 8
VIEW_PERMISSION = "course.view_enrollment"


class EnrollmentPanel(Component):
    template_name = "course/admin/home/enrollments_panel.html"
    heading = ""
    panel_id = ""
    empty = ""

    def __init__(self, request):
        self.request = request

    def queryset(self):
        raise NotImplementedError

    def get_context_data(self, parent_context=None):
        queryset = self.queryset()
        return {
            "heading": self.heading,
            "panel_id": self.panel_id,
            "empty": self.empty,
            "enrollments": list(queryset.select_related("user", "course")[:LIMIT]),
            "total": queryset.count(),
            "list_url": self.list_url(),
            "can_change": self.request.user.has_perm("course.change_enrollment"),
        }

    def render_html(self, parent_context=None):
        if not self.request.user.has_perm(VIEW_PERMISSION):
            return ""
        return super().render_html(parent_context)


class PendingApprovalsPanel(EnrollmentPanel):
    name = "pending_enrollments"
    order = 60
    heading = "Enrollment requests waiting for approval"
    panel_id = "pending-enrollments"
    empty = "No enrollment requests are waiting."

    def queryset(self):
        return Enrollment.objects.filter(status=Enrollment.Status.PENDING).order_by("enrolled_at")

    def list_url(self):
        return reverse("course_enrollments:list") + "?status=pending"


class RecentEnrollmentsPanel(EnrollmentPanel):
    name = "recent_enrollments"
    order = 70
    heading = "Recent enrollments"
    panel_id = "recent-enrollments"
    empty = "No enrollments yet."

    def queryset(self):
        return Enrollment.objects.order_by("-enrolled_at")

    def list_url(self):
        return reverse("course_enrollments:list")
