"""Wagtail hooks: registration only. What each hook does lives with its concern: the access
policy (course/access.py, course/views.py) and the course admin area (course/admin/)."""

from django.apps import apps
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from course.admin.actions import BULK_ACTIONS
from course.admin.certificates import register_log_actions as register_certificate_log_actions
from course.admin.enrollments import EnrollmentViewSet
from course.admin.invitations import InvitationViewSet
from course.admin.invitations import register_log_actions as register_invitation_log_actions
from course.admin.learner_records import register_log_actions
from course.admin.marketing import add_marketing_panel
from course.admin.panels import add_enrollment_panels
from course.admin.permissions import enrollment_policy
from course.admin.reports import report_urls, reports_menu_item
from course.completion import after_page_deleted
from course.models import Enrollment
from course.views import check_document_access

# Documents: every download asks the access policy (Wagtail's serve view must be used,
# `WAGTAILDOCS_SERVE_METHOD = "serve_view"`; course/checks.py says so when it is not).
hooks.register("before_serve_document", check_document_access)

# Course administration.
register_permission_policy(Enrollment, enrollment_policy, exact_class=True)
register_snippet(EnrollmentViewSet)
for bulk_action in BULK_ACTIONS:
    hooks.register("register_bulk_action", bulk_action)
hooks.register("register_admin_urls", report_urls)
hooks.register("register_reports_menu_item", reports_menu_item)
hooks.register("construct_homepage_panels", add_enrollment_panels)
hooks.register("construct_homepage_panels", add_marketing_panel)
# Resetting a lesson and completing it on a student's behalf, in the enrollment's history.
hooks.register("register_log_actions", register_log_actions)
# Invitations of people without an account (course/admin/invitations.py), and their history.
hooks.register("register_admin_viewset", InvitationViewSet)
hooks.register("register_log_actions", register_invitation_log_actions)
# Revoking and reissuing certificates (course/admin/certificates.py), in the enrollment's history.
hooks.register("register_log_actions", register_certificate_log_actions)

# Deleting a lesson can complete students' courses.
hooks.register("after_delete_page", after_page_deleted)

# On a host with wagtail-localize: its admin views held to page permissions
# (course/admin/translations.py, which imports wagtail-localize). Registered ahead of localize's
# own hooks (`order`), so the guarded URLs resolve before localize's at the same paths and the
# guard runs before localize's translation editor takes over the page edit view.
if apps.is_installed("wagtail_localize"):
    from course.admin import translations

    hooks.register("register_admin_urls", translations.guarded_urls, order=-1)
    hooks.register("before_edit_page", translations.check_translation_editor, order=-1)
