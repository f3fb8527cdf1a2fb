"""Certificate views: the holder's PDF and verifiable credential, the public verification page
(rate-limited per client address on the shared cache), and the issuer's public keys (JWKS).

The verification page shows what the certificate prints (name, course, hours, accrediting body,
issuer, dates) and its status, in words and as schema.org JSON-LD; never an email address, lesson
content or the administrator's revocation reason.
"""

import json

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.template.defaultfilters import floatformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from course import conf
from course.cache_headers import private_response
from course.certificate_records import Status, verify_code
from course.certificates import certificate_pdf
from course.credentials import MEDIA_TYPE, jwks, signed_credential
from course.models import Certificate
from course.models.branding import brand_for
from course.ratelimit import AttemptCounter, client_ip
from course.tasks import root_url_of
from course.templating import layout_context

# What `json.dumps` leaves that could end a <script> element or open a comment in it.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def revoked_page(request, certificate):
    """What the holder gets for a revoked certificate's PDF or credential: 410, and why not."""
    context = {"certificate": certificate, **layout_context(request)}
    response = TemplateResponse(request, "course/certificate_revoked.html", context, status=410)
    return private_response(response.render())


def certificate_download(request, course):
    """The student's own certificate for this course, as a PDF (a revoked one is refused)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # The enrollment is the course of record's, whichever translation of the course this is; the
    # PDF is written in the language of the page it is downloaded from.
    certificate = Certificate.objects.filter(
        enrollment__user=request.user, enrollment__course__translation_key=course.translation_key
    ).first()
    if certificate is None:
        raise Http404("No certificate for this course yet.")
    if certificate.revoked_at is not None:
        return revoked_page(request, certificate)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{course.slug}.pdf"'
    return private_response(response)


def certificate_credential(request, code):
    """The holder's certificate as a signed Open Badges credential (`<code>.jwt`), for them only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    certificate = (
        Certificate.objects.select_related("enrollment__user", "enrollment__course")
        .filter(code=code, enrollment__user=request.user)
        .first()
    )
    if certificate is None:
        raise Http404("No certificate of yours has this code.")
    token = signed_credential(certificate)
    if token is None:
        return revoked_page(request, certificate)
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{certificate.code}.jwt"'
    return private_response(response)


def lookup_refused(request):
    """Counts this lookup against the client's address; the 429 answer once over the limit."""
    limit, window = conf.certificate_lookup_limits()
    hit = AttemptCounter("certificate-ip", limit, window).hit(client_ip(request))
    if not hit.over:
        return None
    minutes = max(1, -(-hit.retry_after // 60))
    context = {"minutes": minutes, **layout_context(request)}
    response = TemplateResponse(request, "course/certificate_lookup_limited.html", context, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


def json_ld(verification, url):
    """The verification as schema.org JSON-LD, escaped for a <script> element."""
    certificate = verification.certificate
    course = certificate.enrollment.course
    issuer = brand_for(course.get_site()).name
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalCredential",
        "url": url,
        "identifier": verification.code,
        "name": gettext("Certificate of completion: %(title)s") % {"title": course.title},
        "credentialCategory": "certificate",
        "about": {"@type": "Course", "name": course.title},
        "creativeWorkStatus": verification.status.name.title(),
        "dateCreated": certificate.issued_at.date().isoformat(),
    }
    if issuer:
        data["provider"] = {"@type": "Organization", "name": issuer}
    if certificate.accrediting_body:
        data["recognizedBy"] = {"@type": "Organization", "name": certificate.accrediting_body}
    if certificate.hours is not None:
        data["educationalLevel"] = pgettext("fractional hours", "%(hours)s CPD hours") % {
            "hours": floatformat(certificate.hours, 1)
        }
    if verification.status != Status.REPLACED and certificate.expires_at is not None:
        data["validUntil"] = certificate.expires_at.date().isoformat()
    if verification.status in (Status.REVOKED, Status.REPLACED):
        data["validUntil"] = verification.since.date().isoformat()
    return mark_safe(json.dumps(data).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308 - escaped above


def certificate_verify(request, code):
    """Public verification: anyone with the code sees what the certificate prints and whether it
    stands (valid, expired, revoked or replaced)."""
    refused = lookup_refused(request)
    if refused is not None:
        return refused
    verification = verify_code(code)
    if verification is None:
        context = {"code": code, **layout_context(request)}
        return TemplateResponse(request, "course/certificate_unknown.html", context, status=404)
    certificate = verification.certificate
    url = root_url_of(certificate.enrollment.course) + reverse("course:certificate_verify", args=[code])
    context = {
        "verification": verification,
        "certificate": certificate,
        "status": verification.status.value,
        "brand_name": brand_for(certificate.enrollment.course.get_site()).name,
        "json_ld": json_ld(verification, url),
        **layout_context(request),
    }
    return TemplateResponse(request, "course/certificate_verify.html", context)


def issuer_keys(request):
    """The public keys credentials are signed with (JWKS), for verifiers to check them offline."""
    response = JsonResponse(jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response
