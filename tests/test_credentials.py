"""The holder's verifiable credential (Open Badges 3.0, a compact JWS) and the issuer's JWKS: a
verifier with only the token and the published keys can check it, and a changed claim fails."""

import base64
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from joserfc.errors import BadSignatureError

from course.credentials import signing_key, verify_credential
from course.models import Certificate, IssuerKey
from tests.factories import client_for, enroll_as, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(catalogue):
    course, lessons = make_course(
        catalogue,
        "Injection Basics",
        modules=1,
        lessons=1,
        cpd_hours=Decimal("6.0"),
        certificate_validity_months=6,
    )
    student = make_user("ana", first_name="Ana", last_name="Lima")
    enroll_as(student, course)
    client = client_for(student)
    client.post(lessons[0].url + "complete/")
    return client, Certificate.objects.get(enrollment__user=student)


def credential_url(certificate):
    return f"/learn/certificates/{certificate.code}/credential.jwt"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_credential_verifies_against_the_published_jwks(holder):
    client, certificate = holder
    response = client.get(credential_url(certificate))
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    assert f'filename="{certificate.code}.jwt"' in response["Content-Disposition"]
    token = response.content.decode()
    jwks = Client().get("/.well-known/jwks.json").json()
    assert [key["kty"] for key in jwks["keys"]] == ["OKP"] and "d" not in jwks["keys"][0]
    credential = verify_credential(token, jwks)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "Ed25519" and header["typ"] == "vc+jwt"
    assert header["kid"] == jwks["keys"][0]["kid"]
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == "http://localhost/" and credential["issuer"]["name"] == "Academy"
    assert credential["validUntil"].startswith(certificate.expires_at.date().isoformat())
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["name"] == "Ana Lima"
    achievement = subject["achievement"]
    assert achievement["name"] == "Injection Basics" and achievement["creditsAvailable"] == 6.0
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    verify_url = f"http://localhost/certificates/{certificate.code}/"
    assert credential["credentialStatus"]["id"] == verify_url
    assert "example.com" not in token and "example.com" not in json.dumps(credential)


def test_a_changed_claim_fails_verification(holder):
    client, certificate = holder
    token = client.get(credential_url(certificate)).content.decode()
    jwks = Client().get("/.well-known/jwks.json").json()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["achievement"]["creditsAvailable"] = 60.0
    forged = ".".join([header, b64(json.dumps(claims).encode()), signature])
    with pytest.raises(BadSignatureError):
        verify_credential(forged, jwks)


def test_the_credential_is_the_holders_only_and_not_for_a_revoked_certificate(holder):
    client, certificate = holder
    assert client_for(make_user("eve")).get(credential_url(certificate)).status_code == 404
    assert Client().get(credential_url(certificate)).status_code == 302  # log in first
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    response = client.get(credential_url(certificate))
    assert response.status_code == 410
    course_page = client.get(certificate.enrollment.course.url).content.decode()
    assert "credential.jwt" not in course_page


def test_one_key_is_created_on_first_use_and_reused():
    first = signing_key()
    assert signing_key() == first and IssuerKey.objects.count() == 1
    first.active = False
    first.save()
    second = signing_key()
    assert second != first and IssuerKey.objects.count() == 2
    keys = Client().get("/.well-known/jwks.json").json()["keys"]
    assert [key["kid"] for key in keys] == [first.kid, second.kid]  # retired keys still verify
