"""Helpers for the signing tests: the real openssl CLI, PEM files, a hand-made PKI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

import jdatetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from citizen.identity import Identity
from citizen.national_code import national_code_check_digit
from signing.signer import SignatureAlgorithm, SoftwareSigner


class KeyRing:
    """Software keys by (algorithm, index), generated on first use: RSA-2048 is slow."""

    def __init__(self) -> None:
        self._keys: dict[tuple[SignatureAlgorithm, int], SoftwareSigner] = {}

    def get(self, algorithm: SignatureAlgorithm, index: int = 0) -> SoftwareSigner:
        if (algorithm, index) not in self._keys:
            self._keys[algorithm, index] = SoftwareSigner.generate(algorithm)
        return self._keys[algorithm, index]


def openssl(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real openssl CLI; the caller asserts on returncode and output."""
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=60, check=False)


def write_pem(path: Path, *items: x509.Certificate | x509.CertificateRevocationList) -> Path:
    path.write_bytes(b"".join(item.public_bytes(Encoding.PEM) for item in items))
    return path


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificate(
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    issuer_cert: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    key_usage: dict[str, bool] | None = None,
    days: int = 30,
    purposes: list[x509.ObjectIdentifier] | None = None,
) -> x509.Certificate:
    """A certificate outside the local authority's profile, for the cases it never makes."""
    now = utcnow()
    usage = {name: False for name in (
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
        "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")}
    usage.update(key_usage or ({"key_cert_sign": True, "crl_sign": True} if ca
                               else {"digital_signature": True, "content_commitment": True}))
    issuer_name = issuer_cert.subject if issuer_cert else subject
    issuer_public = issuer_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public),
                       critical=False)
    )
    if purposes is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_root(
    common_name: str = "Test Root",
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    return make_certificate(name(common_name), key.public_key(), None, key, ca=True), key


def holder_of_card(identity: Identity, number: int) -> Identity:
    """Another holder with another card: national code and card serial derived from ``number``."""
    first_nine = f"{(int(identity.national_code[:9]) + number) % 10**9:09d}"
    code = first_nine + str(national_code_check_digit(first_nine))
    return dataclasses.replace(identity, national_code=code,
                               card_serial=f"{identity.card_serial[:2]}{number:07d}")


def new_card_of(identity: Identity, number: int, issued_days_later: int) -> Identity:
    """The same holder's duplicate card, issued ``issued_days_later`` days after this one."""
    return dataclasses.replace(
        identity, card_serial=f"{identity.card_serial[:2]}{number:07d}",
        issue_date=identity.issue_date + jdatetime.timedelta(days=issued_days_later))
