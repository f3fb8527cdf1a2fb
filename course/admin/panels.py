"""Admin dashboard panels: enrollment requests waiting for approval and the latest enrollments.

Shown only to users who may see enrollments, and only with the enrollments of
courses they administer; each panel is one query of at most `LIMIT` rows (plus a count).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from course.admin.permissions import enrollment_policy
from course.models import Enrollment

LIMIT = 8


class EnrollmentPanel(Component):
    template_name = "course/admin/home/enrollments_panel.html"
    heading = ""
    panel_id = ""
    empty = ""

    def __init__(self, request):
        self.request = request

    def queryset(self, enrollments):
        """Narrow `enrollments` (those the user may see) to what the panel lists."""
        raise NotImplementedError

    def get_context_data(self, parent_context=None):
        user = self.request.user
        queryset = self.queryset(enrollment_policy.instances_user_has_permission_for(user, "view"))
        return {
            "heading": self.heading,
            "panel_id": self.panel_id,
            "empty": self.empty,
            "enrollments": list(queryset.select_related("user", "course")[:LIMIT]),
            "total": queryset.count(),
            "list_url": self.list_url(),
            "can_change": enrollment_policy.user_has_permission(user, "change"),
        }

    def render_html(self, parent_context=None):
        if not enrollment_policy.user_has_permission(self.request.user, "view"):
            return ""
        return super().render_html(parent_context)


class PendingApprovalsPanel(EnrollmentPanel):
    name = "pending_enrollments"
    order = 60
    heading = _("Enrollment requests waiting for approval")
    panel_id = "pending-enrollments"
    empty = _("No enrollment requests are waiting.")

    def queryset(self, enrollments):
        return enrollments.filter(status=Enrollment.Status.PENDING).order_by("enrolled_at")

    def list_url(self):
        return reverse("course_enrollments:list") + "?status=pending"


class RecentEnrollmentsPanel(EnrollmentPanel):
    name = "recent_enrollments"
    order = 70
    heading = _("Recent enrollments")
    panel_id = "recent-enrollments"
    empty = _("No enrollments yet.")

    def queryset(self, enrollments):
        return enrollments.order_by("-enrolled_at")

    def list_url(self):
        return reverse("course_enrollments:list")


def add_enrollment_panels(request, panels):
    """`construct_homepage_panels` hook: pending approvals and recent enrollments."""
    panels.append(PendingApprovalsPanel(request))
    panels.append(RecentEnrollmentsPanel(request))
