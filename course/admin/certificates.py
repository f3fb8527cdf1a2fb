"""Revoking and reissuing a student's certificate, for the administrators of its course.

- "Revoke certificate" (a reason is required): the verification page then says REVOKED with the
  date, the holder can no longer download the PDF or the credential. The reason stays in the
  admin (the enrollment's History), never on the public page.
- "Reissue certificate": a new code, today's date, the course's current terms and the holder's
  current name, a new expiry, and no revocation; the old code is kept (`ReplacedCertificateCode`)
  so verifying it says REPLACED (course/certificate_records.py).

Each is reached from the enrollment's inspect view and the Enrollments list row menu, asks for
confirmation on a page of its own and is then a POST (CSRF) to a URL that answers nothing else,
logged on the enrollment (`wagtail.log_actions`). Rights follow the learner record's: changing
the enrollment (course/admin/permissions.py); another course's enrollment is 404.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log

from course.admin.learner_records import StudentEnrollmentMixin
from course.certificate_records import Status, reissue, revoke, status_of
from course.models import Certificate

CERTIFICATE_REVOKED = "pinewood.certificate_revoked"
CERTIFICATE_REISSUED = "pinewood.certificate_reissued"


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=5,
        max_length=1000,
        help_text=_(
            "Why the certificate is revoked. Kept in the enrollment's history; never shown publicly."
        ),
    )


@dataclass(frozen=True)
class CertificateAction:
    name: str  # in URL names: certificate_confirm_<name>, certificate_<name>
    title: str
    button_class: str

    def url(self, enrollment):
        return reverse(f"course_enrollments:certificate_{self.name}", args=[enrollment.pk])

    def confirm_url(self, enrollment):
        return reverse(f"course_enrollments:certificate_confirm_{self.name}", args=[enrollment.pk])


REVOKE = CertificateAction("revoke", _("Revoke certificate"), "button serious")
REISSUE = CertificateAction("reissue", _("Reissue certificate"), "button")


def certificate_of(enrollment):
    return Certificate.objects.filter(enrollment=enrollment).first()


def certificate_actions(enrollment, certificate):
    """(title, confirmation URL) of what can be done to the enrollment's certificate now."""
    if certificate is None:
        return []
    actions = [REISSUE] if certificate.revoked_at is not None else [REVOKE, REISSUE]
    return [(action.title, action.confirm_url(enrollment)) for action in actions]


class CertificateActionView(StudentEnrollmentMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the confirmation page (what will change, the reason form); POST (its own URL): the
    action, then back to the enrollment with a message. No certificate: 404."""

    permission = "change"
    action = None  # a CertificateAction, given by `as_view`
    template_name = "course/admin/certificate_confirm.html"
    header_icon = "doc-full"

    def setup_certificate(self):
        self.certificate = certificate_of(self.enrollment)
        if self.certificate is None:
            raise Http404("This enrollment has no certificate.")

    def get(self, request, *args, **kwargs):
        self.setup_certificate()
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return self.action.title

    def get_page_subtitle(self):
        return f"{self.enrollment.student_name}, {self.enrollment.course.title}"

    def get_breadcrumbs_items(self):
        enrollment = self.enrollment
        return self.breadcrumbs_items + [
            {"url": reverse("course_enrollments:list"), "label": gettext("Enrollments")},
            {"url": reverse("course_enrollments:inspect", args=[enrollment.pk]), "label": str(enrollment)},
            {"url": "", "label": self.action.title},
        ]

    def get_context_data(self, form=None, **kwargs):
        status, since = status_of(self.certificate)
        return super().get_context_data(
            action=self.action,
            enrollment=self.enrollment,
            certificate=self.certificate,
            status=status.value,
            since=since,
            already_revoked=status == Status.REVOKED,
            form=form or (RevokeForm() if self.action is REVOKE else None),
            action_url=self.action.url(self.enrollment),
            cancel_url=reverse("course_enrollments:inspect", args=[self.enrollment.pk]),
            verify_url=self.certificate.get_absolute_url(),
            history_url=reverse("course_enrollments:history", args=[self.enrollment.pk]),
            **kwargs,
        )


class CertificateConfirmView(CertificateActionView):
    http_method_names = ["get", "head", "options"]


class CertificateDoView(CertificateActionView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.setup_certificate()
        if self.action is REVOKE:
            form = RevokeForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            return self.revoke(form.cleaned_data["reason"])
        return self.reissue()

    def done(self):
        return redirect(reverse("course_enrollments:inspect", args=[self.enrollment.pk]))

    def revoke(self, reason):
        certificate, name = self.certificate, self.enrollment.student_name
        if not revoke(certificate, reason):
            messages.info(
                self.request, gettext("%(name)s's certificate was already revoked.") % {"name": name}
            )
            return self.done()
        log(
            self.enrollment,
            CERTIFICATE_REVOKED,
            user=self.request.user,
            data={"code": certificate.code, "reason": reason},
        )
        messages.success(
            self.request, gettext("%(name)s's certificate is revoked; its page now says so.") % {"name": name}
        )
        return self.done()

    def reissue(self):
        certificate = self.certificate
        old_code = reissue(certificate)
        log(
            self.enrollment,
            CERTIFICATE_REISSUED,
            user=self.request.user,
            data={"old_code": old_code, "code": certificate.code},
        )
        messages.success(
            self.request,
            gettext(
                "A new certificate was issued to %(name)s (code %(code)s); "
                "the old code now verifies as replaced."
            )
            % {"name": self.enrollment.student_name, "code": certificate.code},
        )
        return self.done()


# --- log actions (registered in course/wagtail_hooks.py) -----------------------------------------


class CertificateRevokedFormatter(LogFormatter):
    label = _("Revoke a certificate")

    def format_message(self, log_entry):
        data = log_entry.data
        # Translators: an entry of the enrollment's history; "reason" is what the administrator wrote.
        return gettext("Revoked certificate %(code)s: %(reason)s") % {
            "code": data.get("code", ""),
            "reason": data.get("reason", ""),
        }


class CertificateReissuedFormatter(LogFormatter):
    label = _("Reissue a certificate")

    def format_message(self, log_entry):
        data = log_entry.data
        return gettext("Reissued the certificate: code %(old_code)s replaced by %(code)s") % {
            "old_code": data.get("old_code", ""),
            "code": data.get("code", ""),
        }


def register_log_actions(actions):
    """`register_log_actions` hook: revoking and reissuing certificates."""
    actions.register_action(CERTIFICATE_REVOKED)(CertificateRevokedFormatter)
    actions.register_action(CERTIFICATE_REISSUED)(CertificateReissuedFormatter)


def certificate_urls():
    """Mounted by the Enrollments viewset (namespace `course_enrollments`)."""
    urls = []
    for action in (REVOKE, REISSUE):
        urls += [
            path(
                f"certificate/<int:pk>/confirm-{action.name}/",
                CertificateConfirmView.as_view(action=action),
                name=f"certificate_confirm_{action.name}",
            ),
            path(
                f"certificate/<int:pk>/{action.name}/",
                CertificateDoView.as_view(action=action),
                name=f"certificate_{action.name}",
            ),
        ]
    return urls
