"""PKCS#10 certification requests (RFC 2986) signed by a :class:`DigestSigner`.

The request is assembled with asn1crypto, hashed here, and only the digest goes to
the key holder, so a card that can do nothing but sign digests can still ask for a
certificate.

Subject serialNumber: ``PNOIR-<national code>``, the natural-person semantics
identifier of ETSI EN 319 412-1 clause 5.1.3. "PNO" is the prefix for a national
civic registration number, which is what the کد ملی is (assigned for life by the
civil registry); "IDC" would name the card's own number, which changes with every
duplicate card. With the prefix a relying party can tell an Iranian national code
from any other number in the same attribute.
"""

from __future__ import annotations

from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from citizen.identity import Identity
from citizen.national_code import validate_national_code
from signing.signer import DigestSigner, sign_message

SEMANTICS_PREFIX = "PNOIR-"


def subject_for(identity: Identity) -> x509.Name:
    """The certificate subject of a card holder: C=IR, names, and the national code."""
    code = validate_national_code(identity.national_code)
    given, surname = identity.given_name.strip(), identity.surname.strip()
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.GIVEN_NAME, given),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, SEMANTICS_PREFIX + code),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given} {surname}"),
        ]
    )


def national_code_of(subject: x509.Name) -> str | None:
    """The national code in a subject built by :func:`subject_for`, or None."""
    for attribute in subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER):
        value = attribute.value
        if isinstance(value, str) and value.startswith(SEMANTICS_PREFIX):
            return value[len(SEMANTICS_PREFIX):]
    return None


def _requested_extensions() -> asn1_x509.Extensions:
    key_usage = asn1_x509.KeyUsage({"digital_signature", "non_repudiation"})
    return asn1_x509.Extensions(
        [asn1_x509.Extension({"extn_id": "key_usage", "critical": True,
                              "extn_value": key_usage})]
    )


def build_csr(signer: DigestSigner, subject: x509.Name) -> bytes:
    """DER CertificationRequest for the signer's key, asking for a signing keyUsage."""
    spki = signer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = asn1_csr.CertificationRequestInfo(
        {
            "version": "v1",
            "subject": asn1_x509.Name.load(subject.public_bytes()),
            "subject_pk_info": asn1_keys.PublicKeyInfo.load(spki),
            "attributes": asn1_csr.CRIAttributes(
                [asn1_csr.CRIAttribute({"type": "extension_request",
                                        "values": [_requested_extensions()]})]
            ),
        }
    )
    signature = sign_message(signer, info.dump())
    request = asn1_csr.CertificationRequest(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": signer.algorithm.asn1_name},
            "signature": signature,
        }
    )
    return request.dump()
