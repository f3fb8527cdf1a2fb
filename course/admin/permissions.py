"""Who may do what with enrollments in the admin: model permissions say *what*, courses say *where*.

A user needs both the enrollment model permission for an action (view, add,
change, delete) and the course to be one they administer
(`course.access.administered_courses`, which follows page permissions). So an
editor of one course sees and changes only that course's students, the "Course
administrators" role (page permissions on every catalogue) sees all, a user
with page rights but no enrollment permission is refused, and a user with the
enrollment permissions but no course sees empty listings.

Every admin surface that shows enrollment data asks `enrollment_policy`: the
Enrollments viewset (Wagtail registers it as the model's permission policy, so
bulk actions use it too), the CSV import, the course reports and the dashboard
panels.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.models import GroupPagePermission
from wagtail.permission_policies import ModelPermissionPolicy

from course.access import administered_courses
from course.models import CoursePage, Enrollment

# Cached on the user object, which lives for one request (like Wagtail's own page permission cache).
_CACHE_ATTRIBUTE = "_pinewood_administered_course_ids"


class EnrollmentPermissionPolicy(ModelPermissionPolicy):
    def __init__(self):
        super().__init__(Enrollment)

    def course_ids(self, user):
        """Ids of the courses `user` administers, computed once per user object."""
        if not hasattr(user, _CACHE_ATTRIBUTE):
            setattr(
                user, _CACHE_ATTRIBUTE, frozenset(administered_courses(user).values_list("pk", flat=True))
            )
        return getattr(user, _CACHE_ATTRIBUTE)

    def courses(self, user, action="view"):
        """The courses where `user` may perform `action` on enrollments, by title."""
        if user is None or not self.user_has_permission(user, action):
            return CoursePage.objects.none()
        return CoursePage.objects.filter(pk__in=self.course_ids(user)).order_by("title")

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and instance.course_id in self.course_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Enrollment.objects.none()
        return Enrollment.objects.filter(course_id__in=self.course_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        """Users with the model permission who administer the enrollment's course."""
        course_groups = GroupPagePermission.objects.filter(
            permission__codename="change_page", page__in=instance.course.get_ancestors(inclusive=True)
        ).values("group")
        return (
            self.users_with_any_permission(actions)
            .filter(Q(is_superuser=True) | Q(groups__in=course_groups))
            .distinct()
        )


enrollment_policy = EnrollmentPermissionPolicy()


class AdministeredEnrollmentMixin:
    """For admin views of one enrollment: an enrollment outside the user's courses is not found.

    Wagtail loads the object before it checks permissions, so users without any
    enrollment rights are refused here first (403, as for the listing); for the
    others, 404 rather than 403, so ids of other courses' students reveal nothing.
    """

    def get_object(self, *args, **kwargs):
        user = self.request.user
        if not enrollment_policy.user_has_permission(user, "view"):
            raise PermissionDenied
        enrollment = super().get_object(*args, **kwargs)
        if enrollment.course_id not in enrollment_policy.course_ids(user):
            raise Http404
        return enrollment
