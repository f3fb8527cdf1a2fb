"""Certificates as verifiable credentials: an Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable
Credentials data model 2.0), signed as a compact JWS (VC-JOSE: `typ` `vc+jwt`, the credential is
the payload).

Signatures use Ed25519 (`alg` "Ed25519", the fully specified name RFC 9864 gives EdDSA over
Ed25519). The site's key pairs live in `IssuerKey`; the newest active one signs, and the public
half of every key (active or retired, so older credentials still verify) is published as a JWKS
(`jwks`, served at `/.well-known/jwks.json`), so a verifier can check a credential offline.
"""

import json

from django.db import IntegrityError, transaction
from joserfc import jws
from joserfc.jwk import KeySet, OKPKey

from course.certificate_records import Status, status_of
from course.certificates import verification_url
from course.models import IssuerKey
from course.models.branding import brand_for
from course.tasks import root_url_of

ALGORITHM = "Ed25519"
CURVE = "Ed25519"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/vc+jwt"


def signing_key():
    """The newest active `IssuerKey`, created on first use. Two processes that both find none
    race to insert the same key id; the unique `kid` lets one win and the other read the winner."""
    key = IssuerKey.objects.filter(active=True).first()
    if key is not None:
        return key
    pair = OKPKey.generate_key(CURVE)
    kid = f"issuer-key-{IssuerKey.objects.count() + 1}"
    public = {**pair.as_dict(private=False), "kid": kid, "use": "sig", "alg": ALGORITHM}
    try:
        with transaction.atomic():
            return IssuerKey.objects.create(
                kid=kid, private_jwk={**pair.as_dict(private=True), "kid": kid}, public_jwk=public
            )
    except IntegrityError:
        return IssuerKey.objects.get(kid=kid)


def jwks():
    """The public keys, as a JSON Web Key Set."""
    return {"keys": [key.public_jwk for key in IssuerKey.objects.order_by("created_at")]}


def _iso(moment):
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def open_badge_credential(certificate):
    """The credential's claims: only what the certificate prints (never an email address)."""
    course = certificate.enrollment.course
    root = root_url_of(course)
    verify_url = verification_url(certificate)
    achievement = {
        "id": course.get_full_url() or f"{root}/",
        "type": ["Achievement"],
        "name": course.title,
        "description": course.summary or course.title,
        "criteria": {"narrative": "Completed every lesson of the course."},
    }
    if certificate.hours is not None:
        achievement["creditsAvailable"] = float(certificate.hours)
    if certificate.accrediting_body:
        achievement["criteria"]["narrative"] += f" CPD hours accredited by {certificate.accrediting_body}."
    credential = {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificate of completion: {course.title}",
        "issuer": {"id": f"{root}/", "type": ["Profile"], "name": brand_for(course.get_site()).name},
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "achievement": achievement,
        },
        # The public verification page says whether the certificate still stands (revoked,
        # expired, replaced), in words and JSON-LD.
        "credentialStatus": {"id": verify_url, "type": "CertificateVerificationPage"},
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = _iso(certificate.expires_at)
    return credential


def signed_credential(certificate):
    """The credential as a compact JWS; None for a revoked certificate (it is not offered)."""
    if status_of(certificate)[0] == Status.REVOKED:
        return None
    key = signing_key()
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "vc+jwt", "cty": "vc"}
    payload = json.dumps(open_badge_credential(certificate), separators=(",", ":"), ensure_ascii=False)
    return jws.serialize_compact(header, payload, OKPKey.import_key(key.private_jwk), algorithms=[ALGORITHM])


def verify_credential(token, key_set):
    """The credential a compact JWS carries, if a key of `key_set` (a JWKS dict) signed it;
    raises joserfc's `BadSignatureError` (or another `JoseError`) otherwise."""
    signature = jws.deserialize_compact(token, KeySet.import_key_set(key_set), algorithms=[ALGORITHM])
    return json.loads(signature.payload)
