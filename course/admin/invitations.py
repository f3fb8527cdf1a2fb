"""The Invitations area of the Wagtail admin: invitations per course, with resend and cancel.

Invitations are made by "Add enrollment" and the CSV import (course/invitations.py); this is
where the course team sees them (pending, expired, accepted, cancelled) and acts on the open
ones. A plain `ViewSet` with three URLs, not a model viewset: nothing here is created or
edited by a form, and Wagtail's model and snippet viewsets would add inspect, history, usage
and chooser URLs that would each be one more listing of addresses to guard.

Who sees what follows the enrollments (course/admin/permissions.py): the list needs the
enrollment "view" permission and shows only the courses the user administers; resending and
cancelling need "add" (the right to invite) on the invitation's course. An invitation of
another course is "not found" (404), as for enrollments. Every action is logged on the
invitation (`wagtail.log_actions`; the formatters are registered by course/wagtail_hooks.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from course import invitations as service
from course.admin.permissions import enrollment_policy
from course.models import Invitation

STATES = {
    # Translators: the states of an invitation (links above the list, and its "State" column).
    "pending": pgettext_lazy("invitation state", "Pending"),
    "expired": pgettext_lazy("invitation state", "Expired"),
    "accepted": pgettext_lazy("invitation state", "Accepted"),
    "cancelled": pgettext_lazy("invitation state", "Cancelled"),
}


def state_filter(state, now):
    open_ = Q(accepted_at__isnull=True, cancelled_at__isnull=True)
    return {
        "pending": open_ & Q(expires_at__gt=now),
        "expired": open_ & Q(expires_at__lte=now),
        "accepted": Q(accepted_at__isnull=False),
        "cancelled": Q(cancelled_at__isnull=False),
    }[state]


def state_of(invitation, now):
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.cancelled_at is not None:
        return "cancelled"
    return "pending" if invitation.expires_at > now else "expired"


def index_url(course_id=None, state=None):
    query = "&".join(f"{k}={v}" for k, v in (("course", course_id), ("state", state)) if v)
    return reverse("course_invitations:index") + (f"?{query}" if query else "")


class InvitationIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Invitations of the courses the user administers, by state (pending first) and course."""

    template_name = "course/admin/invitations/index.html"
    page_title = _("Invitations")
    header_icon = "mail"
    per_page = 50

    def dispatch(self, request, *args, **kwargs):
        if not enrollment_policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("course_enrollments:list"), "label": gettext("Enrollments")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, now = self.request.user, timezone.now()
        courses = list(enrollment_policy.courses(user))
        state = self.request.GET.get("state", "pending")
        state = state if state in STATES else "pending"
        course_id = self.request.GET.get("course", "")
        course = next((c for c in courses if str(c.pk) == course_id), None)
        invitations = Invitation.objects.filter(course__in=[course] if course else courses).filter(
            state_filter(state, now)
        )
        page = Paginator(
            invitations.select_related("course", "invited_by", "accepted_by").order_by("-created_at"),
            self.per_page,
        ).get_page(self.request.GET.get("p"))
        can_act = set(enrollment_policy.courses(user, "add").values_list("pk", flat=True))
        for invitation in page:
            invitation.state = STATES[state_of(invitation, now)]
            invitation.can_act = invitation.course_id in can_act and invitation.accepted_at is None
            invitation.can_act = invitation.can_act and invitation.cancelled_at is None
        context.update(
            courses=courses,
            course=course,
            state=state,
            states=[(key, label, index_url(course and course.pk, key)) for key, label in STATES.items()],
            course_links=[(c, index_url(c.pk, state)) for c in courses],
            all_courses_url=index_url(None, state),
            page_obj=page,
            next_url=self.request.get_full_path(),
        )
        return context


class InvitationActionView(View):
    """POST only: resend or cancel one invitation, then back to the list."""

    action = None
    http_method_names = ["post"]

    def post(self, request, pk):
        user = request.user
        if not enrollment_policy.user_has_permission(user, "view"):
            raise PermissionDenied
        invitation = get_object_or_404(Invitation.objects.select_related("course"), pk=pk)
        if invitation.course_id not in enrollment_policy.course_ids(user):
            raise Http404
        if not enrollment_policy.courses(user, "add").filter(pk=invitation.course_id).exists():
            raise PermissionDenied
        if self.action == "resend":
            try:
                service.resend(invitation, by=user)
            except service.InvitationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("The invitation to %(email)s was sent again.") % {"email": invitation.email},
                )
        elif service.cancel(invitation, by=user):
            messages.success(
                request,
                gettext("The invitation to %(email)s is cancelled; its link no longer works.")
                % {"email": invitation.email},
            )
        else:
            messages.info(request, gettext("This invitation was already accepted or cancelled."))
        next_url = request.POST.get("next", "")
        if not next_url.startswith(reverse("course_invitations:index")):
            next_url = index_url(invitation.course_id)
        return redirect(next_url)


class InvitationViewSet(ViewSet):
    name = "invitations"
    url_prefix = "invitations"
    url_namespace = "course_invitations"
    icon = "mail"

    def get_urlpatterns(self):
        return [
            path("", InvitationIndexView.as_view(), name="index"),
            path("<int:pk>/resend/", InvitationActionView.as_view(action="resend"), name="resend"),
            path("<int:pk>/cancel/", InvitationActionView.as_view(action="cancel"), name="cancel"),
        ]


def register_log_actions(actions):
    """`register_log_actions` hook: what happens to an invitation, in Wagtail's history reports."""
    for action, label in (
        (service.INVITATION_SENT, _("Invitation sent")),
        (service.INVITATION_RESENT, _("Invitation resent")),
        (service.INVITATION_CANCELLED, _("Invitation cancelled")),
        (service.INVITATION_ACCEPTED, _("Invitation accepted")),
    ):
        actions.register_action(action, label, label)
