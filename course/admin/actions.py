"""Approve, withdraw and extend-access as Wagtail bulk actions on enrollments.

The same confirmation pages serve one enrollment (the row's menu links here
with a single id) and many (the listing's bulk-action bar). Each action calls
the enrollment service, so capacity limits and emails behave exactly as
elsewhere; an enrollment a service refuses (e.g. a full course) is reported
and the others still go through. Only enrollments in courses the user
administers are ever loaded (course/admin/permissions.py); other ids are ignored.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.utils.functional import classproperty
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from course import enrollments as services
from course.admin.permissions import enrollment_policy
from course.models import Enrollment


class EnrollmentBulkAction(SnippetBulkAction):
    template_name = "course/admin/enrollments/bulk_confirm.html"
    classes = set()
    verb = ""  # "approve", shown on the confirmation page
    not_applicable = ""  # why an enrollment is skipped

    @classproperty
    def models(cls):
        return [Enrollment]

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [pk for pk in object_ids if str(pk).isdigit()]
        return list(Enrollment.objects.select_related("user", "course").filter(pk__in=ids))

    def dispatch(self, request, *args, **kwargs):
        if not enrollment_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def applies_to(self, enrollment):
        return True

    def check_perm(self, enrollment):
        return enrollment_policy.user_has_permission_for_instance(self.request.user, "change", enrollment)

    def get_all_objects_in_listing_query(self, parent_id):
        return enrollment_policy.instances_user_has_permission_for(self.request.user, "change").values_list(
            "pk", flat=True
        )

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        # Wagtail lists objects failing check_perm by name; enrollments of other courses are
        # dropped without a trace instead.
        extra["items_with_no_access"] = []
        extra["items_skipped"] = [obj for obj in objects if not self.applies_to(obj)]
        return [obj for obj in objects if self.applies_to(obj)], extra

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"verb": self.verb, "not_applicable": self.not_applicable, "action": self})
        return context

    def get_execution_context(self):
        return {**super().get_execution_context(), "days": self.cleaned_days()}

    def cleaned_days(self):
        return None

    @classmethod
    def perform(cls, enrollment, **kwargs):
        raise NotImplementedError

    @classmethod
    def execute_action(cls, objects, **kwargs):
        view = kwargs["self"]
        changed, view.refusals = 0, []
        for enrollment in objects:
            try:
                result = cls.perform(enrollment, **kwargs)
            except services.EnrollmentError as error:
                view.refusals.append(
                    gettext("%(student)s in %(course)s: %(message)s")
                    % {
                        "student": enrollment.student_name,
                        "course": enrollment.course,
                        "message": error.message,
                    }
                )
                continue
            changed += int(result.changed)
        return changed, 0

    def refusal_message(self, refusal):
        """What the warning says about an enrollment the service refused: "Not approved: …"."""
        raise NotImplementedError

    def done_message(self, count):
        """The success message: "3 enrollments approved."."""
        raise NotImplementedError

    def get_success_message(self, num_parent_objects, num_child_objects):
        for refusal in getattr(self, "refusals", []):
            messages.warning(self.request, self.refusal_message(refusal))
        return self.done_message(num_parent_objects)


class ApproveBulkAction(EnrollmentBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected enrollment requests")
    action_priority = 10
    # Translators: completes "Are you sure you want to … this enrollment?", "Yes, …" and "Nothing to …".
    verb = _("approve")
    not_applicable = _("Only pending requests can be approved; these are skipped:")

    def applies_to(self, enrollment):
        return enrollment.status == Enrollment.Status.PENDING

    def refusal_message(self, refusal):
        return gettext("Not approved: %(refusal)s") % {"refusal": refusal}

    def done_message(self, count):
        return ngettext("%(count)s enrollment approved.", "%(count)s enrollments approved.", count) % {
            "count": count
        }

    @classmethod
    def perform(cls, enrollment, **kwargs):
        return services.approve(enrollment)


class WithdrawBulkAction(EnrollmentBulkAction):
    display_name = _("Withdraw")
    action_type = "withdraw"
    aria_label = _("Withdraw selected enrollments")
    action_priority = 20
    classes = {"serious"}
    # Translators: completes "Are you sure you want to … this enrollment?", "Yes, …" and "Nothing to …".
    verb = _("withdraw")
    not_applicable = _("Already withdrawn, or completed (a completion stays on the record); skipped:")

    def applies_to(self, enrollment):
        return enrollment.status not in (Enrollment.Status.WITHDRAWN, Enrollment.Status.COMPLETED)

    def refusal_message(self, refusal):
        return gettext("Not withdrawn: %(refusal)s") % {"refusal": refusal}

    def done_message(self, count):
        return ngettext("%(count)s enrollment withdrawn.", "%(count)s enrollments withdrawn.", count) % {
            "count": count
        }

    @classmethod
    def perform(cls, enrollment, **kwargs):
        return services.withdraw(enrollment)


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Extend access by (days)"),
        min_value=1,
        max_value=3650,
        initial=30,
        help_text=_("Counted from the current end of access, or from today if access has already ended."),
    )


class ExtendAccessBulkAction(EnrollmentBulkAction):
    display_name = _("Extend access")
    action_type = "extend"
    aria_label = _("Extend access for selected enrollments")
    action_priority = 30
    form_class = ExtendForm
    # Translators: completes "Are you sure you want to … this enrollment?", "Yes, …" and "Nothing to …".
    verb = _("extend access for")
    not_applicable = _("Lifetime access, nothing to extend; skipped:")

    def applies_to(self, enrollment):
        return enrollment.expires_at is not None

    def refusal_message(self, refusal):
        return gettext("Not extended: %(refusal)s") % {"refusal": refusal}

    def done_message(self, count):
        return ngettext("%(count)s enrollment extended.", "%(count)s enrollments extended.", count) % {
            "count": count
        }

    def cleaned_days(self):
        return self.cleaned_form.cleaned_data["days"]

    @classmethod
    def perform(cls, enrollment, *, days, **kwargs):
        return services.extend_access(enrollment, days)


BULK_ACTIONS = [ApproveBulkAction, WithdrawBulkAction, ExtendAccessBulkAction]
