"""PKCS#10 requests built in software, signed through the digest seam, checked by openssl."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from citizen.errors import InvalidNationalCode
from citizen.identity import Identity
from signing.csr import build_csr, national_code_of, subject_for
from signing.signer import SoftwareSigner
from tests.signing.helpers import openssl


def test_subject_for_a_card_holder(identity: Identity) -> None:
    subject = subject_for(identity)

    def value(oid: x509.ObjectIdentifier) -> str:
        (attribute,) = subject.get_attributes_for_oid(oid)
        return str(attribute.value)

    assert value(NameOID.COUNTRY_NAME) == "IR"
    assert value(NameOID.COMMON_NAME) == "کوروش امینی"
    assert value(NameOID.GIVEN_NAME) == "کوروش"
    assert value(NameOID.SURNAME) == "امینی"
    assert value(NameOID.SERIAL_NUMBER) == "PNOIR-0027066908"
    assert national_code_of(subject) == "0027066908"


def test_persian_digits_in_the_national_code_are_folded(identity: Identity) -> None:
    persian = dataclasses.replace(identity, national_code="۰۰۲۷۰۶۶۹۰۸")
    assert national_code_of(subject_for(persian)) == "0027066908"


def test_an_invalid_national_code_never_reaches_a_request(identity: Identity) -> None:
    with pytest.raises(InvalidNationalCode):
        subject_for(dataclasses.replace(identity, national_code="0027066909"))


def test_openssl_accepts_the_request(
    signer: SoftwareSigner, identity: Identity, tmp_path: Path
) -> None:
    der = build_csr(signer, subject_for(identity))
    request = x509.load_der_x509_csr(der)
    pem = tmp_path / "csr.pem"
    pem.write_bytes(request.public_bytes(Encoding.PEM))

    result = openssl("req", "-verify", "-in", pem, "-noout")

    assert result.returncode == 0, result.stderr
    assert "verify OK" in result.stdout + result.stderr  # the exit code alone proves nothing
    assert request.is_signature_valid
    assert request.subject == subject_for(identity)
    assert request.public_key() == signer.public_key()
    usage = request.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_encipherment


def test_openssl_rejects_a_tampered_request(
    signer: SoftwareSigner, identity: Identity, tmp_path: Path
) -> None:
    der = bytearray(build_csr(signer, subject_for(identity)))
    index = der.index(b"PNOIR-0027066908") + len("PNOIR-")
    der[index] ^= 0x01  # one digit of the national code, inside the signed part
    path = tmp_path / "csr.der"
    path.write_bytes(bytes(der))

    result = openssl("req", "-verify", "-inform", "DER", "-in", path, "-noout")

    # OpenSSL 3.0 exits 0 even when the self-signature fails: read what it says.
    assert "verify failure" in result.stdout + result.stderr
    assert "verify OK" not in result.stdout + result.stderr
    assert not x509.load_der_x509_csr(bytes(der)).is_signature_valid
