"""Certificates a regulator would accept: what is copied onto a certificate when it is issued, what
its PDF prints, what its public page says (valid, expired, revoked, replaced; in words and JSON-LD),
the look-up limit, and revoking and reissuing it in the admin."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import ModelLogEntry, Site

from course import certificates
from course.admin.roles import administrators_of, setup_roles
from course.certificate_records import add_months
from course.models import BrandSettings, Certificate, Enrollment
from tests.canaries import ALL_CANARIES
from tests.factories import (
    body_of,
    client_for,
    enroll_as,
    make_course,
    make_course_admin,
    make_marketer,
    make_user,
    png_bytes,
)

pytestmark = pytest.mark.django_db

BODY = "Fictional Mesotherapy Standards Board"


def set_brand(**fields):
    brand = BrandSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(brand, name, value)
    brand.save()


def complete_everything(student, course, lessons):
    enroll_as(student, course)
    client = client_for(student)
    for lesson in lessons:
        client.post(lesson.url + "complete/")
    return client, Certificate.objects.get(enrollment__user=student, enrollment__course=course)


@pytest.fixture
def cpd_course(catalogue):
    set_brand(
        organisation_name="Northwind Academy",
        certificate_signatory_name="Dr Site Signer",
        certificate_signatory_title="Dean",
    )
    return make_course(
        catalogue,
        "Injection Basics",
        modules=1,
        lessons=2,
        cpd_hours=Decimal("6.0"),
        accrediting_body=BODY,
        certificate_validity_months=12,
    )


@pytest.fixture
def graduate(cpd_course):
    course, lessons = cpd_course
    student = make_user("ana", first_name="Ana", last_name="Lima")
    client, certificate = complete_everything(student, course, lessons)
    return client, certificate


def json_ld_of(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


# --- issue: the snapshot and the expiry -------------------------------------------------------------


def test_issue_copies_the_course_terms_and_the_site_signatory(graduate):
    _, certificate = graduate
    assert certificate.hours == Decimal("6.0")
    assert certificate.accrediting_body == BODY
    assert (certificate.signatory_name, certificate.signatory_title) == ("Dr Site Signer", "Dean")
    assert certificate.recipient_name == "Ana Lima"
    assert certificate.expires_at == add_months(certificate.issued_at, 12)
    assert certificate.revoked_at is None


def test_a_course_signatory_replaces_the_sites_and_no_validity_means_no_expiry(catalogue):
    set_brand(certificate_signatory_name="Dr Site Signer", certificate_signatory_title="Dean")
    course, lessons = make_course(
        catalogue, "Own signatory", modules=1, lessons=1, signatory_name="Prof Own", signatory_title=""
    )
    _, certificate = complete_everything(make_user("bo"), course, lessons)
    assert (certificate.signatory_name, certificate.signatory_title) == ("Prof Own", "")
    assert certificate.expires_at is None and certificate.hours is None


def test_the_snapshot_stays_when_the_course_changes(graduate, cpd_course):
    course, _ = cpd_course
    _, certificate = graduate
    course.cpd_hours, course.accrediting_body = Decimal("2.0"), "Someone else"
    course.save_revision().publish()
    html = Client().get(certificate.get_absolute_url()).content.decode()
    assert "6.0 CPD hours" in html and BODY in html and "Someone else" not in html


def test_add_months_is_calendar_months():
    moment = datetime.datetime(2026, 1, 31, 9, 30, tzinfo=datetime.UTC)
    assert add_months(moment, 1) == datetime.datetime(2026, 2, 28, 9, 30, tzinfo=datetime.UTC)
    assert add_months(moment, 12) == datetime.datetime(2027, 1, 31, 9, 30, tzinfo=datetime.UTC)
    assert add_months(moment, 25).date() == datetime.date(2028, 2, 29)


# --- the PDF --------------------------------------------------------------------------------------


def test_the_pdf_prints_hours_body_issuer_signatory_dates_code_and_a_qr_of_the_verification_url(
    graduate, monkeypatch
):
    client, certificate = graduate
    signature = Image.objects.create(title="Sig", file=ContentFile(png_bytes("blue"), name="sig.png"))
    set_brand(certificate_signature=signature)
    payloads = []
    real_make = certificates.segno.make
    monkeypatch.setattr(
        certificates.segno, "make", lambda content, **kw: payloads.append(content) or real_make(content, **kw)
    )
    response = client.get(certificate.enrollment.course.url + "certificate/")
    pdf = response.content
    assert response.status_code == 200 and pdf.startswith(b"%PDF")
    assert b"(Ana Lima) Tj" in pdf
    assert b"(Injection Basics) Tj" in pdf
    assert f"(6.0 CPD hours, accredited by {BODY}) Tj".encode() in pdf
    assert b"(NORTHWIND ACADEMY) Tj" in pdf
    assert b"(Dr Site Signer) Tj" in pdf and b"(Dean, Northwind Academy) Tj" in pdf
    assert f"{certificate.expires_at:%d %B %Y}".encode() in pdf
    assert f"(Certificate code {certificate.code}) Tj".encode() in pdf
    assert b"/Subtype /Image" in pdf  # the signature
    # The QR code (and the printed link) lead to the absolute verification URL on the course's Site.
    verify_url = f"http://localhost/certificates/{certificate.code}/"
    assert payloads == [verify_url]
    assert f"/URI ({verify_url})".encode() in pdf


def test_a_revoked_certificate_is_not_downloadable(graduate):
    client, certificate = graduate
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revocation_reason="x")
    response = client.get(certificate.enrollment.course.url + "certificate/")
    assert response.status_code == 410
    assert "Your certificate was revoked" in body_of(response)
    assert response["Content-Type"].startswith("text/html")


def test_a_revoked_certificate_is_no_longer_offered_to_its_holder(graduate):
    client, certificate = graduate
    course_url = certificate.enrollment.course.url
    assert "Download certificate (PDF)" in body_of(client.get(course_url))
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revocation_reason="x")
    for url in (course_url, "/learn/"):
        html = body_of(client.get(url))
        assert "revoked on" in html and "certificate (PDF)" not in html and ".jwt" not in html, url


# --- the verification page ------------------------------------------------------------------------


def test_a_valid_certificate_says_so_in_words_and_json_ld(graduate):
    _, certificate = graduate
    response = Client().get(certificate.get_absolute_url())
    html = body_of(response)
    assert response.status_code == 200
    assert 'data-status="valid"' in html and "VALID" in html
    assert "Ana Lima" in html and "Injection Basics" in html and "6.0 CPD hours" in html and BODY in html
    assert f"valid until {certificate.expires_at:%-d %B %Y}" in html
    data = json_ld_of(html)
    assert data["@type"] == "EducationalOccupationalCredential"
    assert data["creativeWorkStatus"] == "Valid"
    assert data["credentialCategory"] == "certificate"
    assert data["recognizedBy"] == {"@type": "Organization", "name": BODY}
    assert data["validUntil"] == certificate.expires_at.date().isoformat()
    assert data["url"] == f"http://localhost/certificates/{certificate.code}/"


def test_an_expired_certificate_says_expired(graduate):
    _, certificate = graduate
    past = timezone.now() - datetime.timedelta(days=1)
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=past)
    html = body_of(Client().get(certificate.get_absolute_url()))
    assert 'data-status="expired"' in html and f"EXPIRED</strong> on {past:%-d %B %Y}" in html
    assert json_ld_of(html)["creativeWorkStatus"] == "Expired"


def test_a_revoked_certificate_says_revoked_with_the_date_but_not_the_reason(graduate):
    _, certificate = graduate
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revocation_reason="zqreasoncanary fraud suspected"
    )
    html = body_of(Client().get(certificate.get_absolute_url()))
    assert 'data-status="revoked"' in html and f"REVOKED</strong> on {timezone.now():%-d %B %Y}" in html
    assert "zqreasoncanary" not in html
    data = json_ld_of(html)
    assert data["creativeWorkStatus"] == "Revoked" and data["validUntil"] == timezone.now().date().isoformat()


def test_unknown_codes_get_a_clear_404():
    response = Client().get("/certificates/not-a-real-code/")
    assert response.status_code == 404
    assert "No certificate has the code" in body_of(response)


def test_the_verification_page_shows_no_email_and_no_lesson_content(gated_course):
    student = make_user("canary", first_name="Cara", last_name="Nary")
    enrollment = enroll_as(student, gated_course, Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment)
    html = body_of(Client().get(certificate.get_absolute_url()))
    assert "Cara Nary" in html
    assert student.email not in html and "example.com" not in json.dumps(json_ld_of(html))
    for canary in ALL_CANARIES:
        assert canary not in html


def test_lookups_are_limited_per_client_address(graduate, settings):
    _, certificate = graduate
    settings.PINEWOOD_CERTIFICATE_LOOKUPS = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [certificate.code, "unknown-1", "unknown-2"]
    assert [client.get(f"/certificates/{code}/").status_code for code in codes] == [200, 404, 404]
    refused = client.get(certificate.get_absolute_url())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many certificate look-ups" in body_of(refused)
    assert Client(REMOTE_ADDR="198.51.100.7").get(certificate.get_absolute_url()).status_code == 200


# --- revoke and reissue in the admin --------------------------------------------------------------


@pytest.fixture
def course_team(cpd_course):
    setup_roles()
    user = make_user("teamlead")
    user.groups.add(administrators_of(cpd_course[0]))
    return user


def admin_url(name, certificate):
    return reverse(f"course_enrollments:{name}", args=[certificate.enrollment_id])


def test_revoke_needs_a_reason_then_is_logged_and_shown(graduate, course_team):
    _, certificate = graduate
    client = client_for(course_team)
    inspect = body_of(client.get(reverse("course_enrollments:inspect", args=[certificate.enrollment_id])))
    assert admin_url("certificate_confirm_revoke", certificate) in inspect
    confirm = client.get(admin_url("certificate_confirm_revoke", certificate))
    assert confirm.status_code == 200 and "never shown publicly" in body_of(confirm)
    refused = client.post(admin_url("certificate_revoke", certificate), {"reason": "  "})
    assert refused.status_code == 400 and "This field is required" in body_of(refused)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    done = client.post(admin_url("certificate_revoke", certificate), {"reason": "Issued in error"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revocation_reason == "Issued in error"
    entry = ModelLogEntry.objects.get(action="pinewood.certificate_revoked")
    assert entry.user == course_team and entry.data["reason"] == "Issued in error"
    assert entry.object_id == str(certificate.enrollment_id)
    history = body_of(client.get(reverse("course_enrollments:history", args=[certificate.enrollment_id])))
    assert "Issued in error" in history


def test_reissue_gives_a_new_code_and_the_old_one_says_replaced(graduate, course_team, cpd_course):
    _, certificate = graduate
    old_code = certificate.code
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revocation_reason="x")
    course, _ = cpd_course
    course.cpd_hours = Decimal("7.5")
    course.save_revision().publish()
    client = client_for(course_team)
    assert client.get(admin_url("certificate_confirm_reissue", certificate)).status_code == 200
    assert client.post(admin_url("certificate_reissue", certificate)).status_code == 302
    certificate.refresh_from_db()
    assert (
        certificate.code != old_code and certificate.revoked_at is None and not certificate.revocation_reason
    )
    assert certificate.hours == Decimal("7.5")
    assert certificate.expires_at == add_months(certificate.issued_at, 12)
    entry = ModelLogEntry.objects.get(action="pinewood.certificate_reissued")
    assert entry.data == {"old_code": old_code, "code": certificate.code} and entry.user == course_team
    old = body_of(Client().get(f"/certificates/{old_code}/"))
    assert 'data-status="replaced"' in old and certificate.code not in old
    assert json_ld_of(old)["creativeWorkStatus"] == "Replaced"
    assert 'data-status="valid"' in body_of(Client().get(certificate.get_absolute_url()))


def test_marketers_students_and_other_course_admins_cannot_revoke(graduate, catalogue):
    _, certificate = graduate
    setup_roles()
    marketer = make_marketer()
    other_course, _ = make_course(catalogue, "Elsewhere", modules=1, lessons=1)
    other_admin = make_course_admin(other_course, "otheradmin")
    expected = {None: 302, make_user("plainstudent"): 302, marketer: 302, other_admin: 404}
    for user, status in expected.items():
        response = client_for(user).post(admin_url("certificate_revoke", certificate), {"reason": "Not mine"})
        assert response.status_code == status
        if status == 302:
            assert "/admin/" in response.url
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
