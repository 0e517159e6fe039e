"""The test issuer PKI: a country signing CA and a document signer, and EF.SOD signing.

Stands in for the National Organization for Civil Registration's signing chain so
cards can be personalized and checked end to end. Keys live unencrypted in the
PKI directory: this is a test authority, never a production one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import algos, cms, core
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from apdu.atomic import write_private
from apdu.security_object import (
    LDS_SECURITY_OBJECT_OID,
    SOD_VERSION,
    DataGroupHash,
    DataGroupHashValues,
    LDSSecurityObject,
    digest,
    wrap_sod,
)

CSCA_FILE, CSCA_KEY_FILE = "csca.pem", "csca.key"
DS_FILE, DS_KEY_FILE = "ds.pem", "ds.key"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "NOCR test issuer (nidkiosk)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signing_key: ec.EllipticCurvePrivateKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool,
    issuer_key_id_source: ec.EllipticCurvePublicKey,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False,
            ),
            True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key_id_source), False
        )
    )
    return builder.sign(signing_key, hashes.SHA256())


@dataclass
class IssuerPki:
    """CSCA and document signer, each a certificate and a private key."""

    csca: x509.Certificate
    csca_key: ec.EllipticCurvePrivateKey
    ds: x509.Certificate
    ds_key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(
        cls,
        csca_name: str = "NOCR Test CSCA",
        now: dt.datetime | None = None,
        ds_valid_days: int = 3 * 365,
        ds_not_before: dt.datetime | None = None,
    ) -> IssuerPki:
        now = now or dt.datetime.now(dt.UTC)
        csca_key = ec.generate_private_key(ec.SECP256R1())
        csca_subject = _name(csca_name)
        csca = _certificate(
            csca_subject, csca_subject, csca_key.public_key(), csca_key,
            now - dt.timedelta(days=1), now + dt.timedelta(days=15 * 365), True,
            csca_key.public_key(),
        )
        return cls(csca, csca_key, *cls._new_signer(csca, csca_key, now, ds_valid_days,
                                                    ds_not_before))

    @staticmethod
    def _new_signer(
        csca: x509.Certificate,
        csca_key: ec.EllipticCurvePrivateKey,
        now: dt.datetime,
        valid_days: int,
        not_before: dt.datetime | None,
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        ds_key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or (now - dt.timedelta(days=1))
        ds = _certificate(
            _name("NOCR Test Document Signer"), csca.subject, ds_key.public_key(), csca_key,
            start, start + dt.timedelta(days=valid_days), False, csca_key.public_key(),
        )
        return ds, ds_key

    def with_expired_signer(self) -> IssuerPki:
        """Same CSCA, a document signer whose validity ended yesterday (for tests)."""
        now = dt.datetime.now(dt.UTC)
        ds, key = self._new_signer(
            self.csca, self.csca_key, now, 30, now - dt.timedelta(days=31)
        )
        return IssuerPki(self.csca, self.csca_key, ds, key)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        pem = serialization.Encoding.PEM
        key_format = serialization.PrivateFormat.PKCS8
        plain = serialization.NoEncryption()
        (directory / CSCA_FILE).write_bytes(self.csca.public_bytes(pem))
        (directory / DS_FILE).write_bytes(self.ds.public_bytes(pem))
        for name, key in ((CSCA_KEY_FILE, self.csca_key), (DS_KEY_FILE, self.ds_key)):
            # created 0600: a key written first and chmod'ed after is readable in between
            write_private(directory / name, key.private_bytes(pem, key_format, plain))

    @classmethod
    def load(cls, directory: Path) -> IssuerPki:
        def key(name: str) -> ec.EllipticCurvePrivateKey:
            loaded = serialization.load_pem_private_key((directory / name).read_bytes(), None)
            assert isinstance(loaded, ec.EllipticCurvePrivateKey)
            return loaded

        return cls(
            x509.load_pem_x509_certificate((directory / CSCA_FILE).read_bytes()),
            key(CSCA_KEY_FILE),
            x509.load_pem_x509_certificate((directory / DS_FILE).read_bytes()),
            key(DS_KEY_FILE),
        )

    @classmethod
    def load_or_create(cls, directory: Path) -> IssuerPki:
        if (directory / DS_KEY_FILE).exists():
            return cls.load(directory)
        pki = cls.create()
        pki.save(directory)
        return pki

    def sign_security_object(self, groups: dict[int, bytes], hash_name: str = "sha256") -> bytes:
        """EF.SOD for the given data-group file contents."""
        lds = LDSSecurityObject(
            {
                "version": SOD_VERSION,
                "hash_algorithm": {"algorithm": hash_name},
                "data_group_hash_values": DataGroupHashValues(
                    [
                        DataGroupHash(
                            {"data_group_number": number,
                             "data_group_hash_value": digest(hash_name, content)}
                        )
                        for number, content in sorted(groups.items())
                    ]
                ),
            }
        )
        content = lds.dump()
        signed_attrs = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type",
                                  "values": [cms.ContentType(LDS_SECURITY_OBJECT_OID)]}),
                cms.CMSAttribute({"type": "message_digest",
                                  "values": [core.OctetString(digest(hash_name, content))]}),
                cms.CMSAttribute({"type": "signing_time",
                                  "values": [cms.Time({"utc_time": dt.datetime.now(
                                      dt.UTC).replace(microsecond=0)})]}),
            ]
        )
        to_sign = b"\x31" + signed_attrs.dump()[1:]
        signature = self.ds_key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        ds_asn1 = asn1_x509.Certificate.load(self.ds.public_bytes(serialization.Encoding.DER))
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": ds_asn1.issuer, "serial_number": ds_asn1.serial_number})}
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": hash_name}),
                "signed_attrs": signed_attrs,
                "signature_algorithm": algos.SignedDigestAlgorithm(
                    {"algorithm": "sha256_ecdsa"}),
                "signature": signature,
            }
        )
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": hash_name})],
                "encap_content_info": {
                    "content_type": LDS_SECURITY_OBJECT_OID,
                    "content": cms.ParsableOctetString(content),
                },
                "certificates": [ds_asn1],
                "signer_infos": [signer_info],
            }
        )
        info = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
        return wrap_sod(info.dump())
