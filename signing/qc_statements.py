"""The qcStatements extension (RFC 3739 3.2.6, ETSI EN 319 412-5), built and read back.

``cryptography`` has no type for it, so the ASN.1 is declared with asn1crypto and the
extension travels as an ``UnrecognizedExtension``. Which statements to claim is
decided in :mod:`signing.ca_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography import x509

QC_STATEMENTS = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.3")
PKIX_QC_SYNTAX_V2 = "1.3.6.1.5.5.7.11.2"  # RFC 3739: statementInfo = SemanticsInformation
SEMANTICS_NATURAL = "0.4.0.194121.1.1"  # EN 319 412-1: id-etsi-qcs-semanticsId-Natural
QC_COMPLIANCE = "0.4.0.1862.1.1"  # EN 319 412-5 4.2.1: an EU qualified certificate
QC_SSCD = "0.4.0.1862.1.4"  # EN 319 412-5 4.2.2: the key is in a QSCD
QC_TYPE = "0.4.0.1862.1.6"  # EN 319 412-5 4.2.3: the certificate's type
QCT_ESIGN = "0.4.0.1862.1.6.1"  # ... for electronic signatures


class SemanticsInformation(core.Sequence):
    _fields = [
        ("semantics_identifier", core.ObjectIdentifier, {"optional": True}),
        ("name_registration_authorities", asn1_x509.GeneralNames, {"optional": True}),
    ]


class QcType(core.SequenceOf):
    _child_spec = core.ObjectIdentifier


class QcStatement(core.Sequence):
    _fields = [
        ("statement_id", core.ObjectIdentifier),
        ("statement_info", core.Any, {"optional": True}),
    ]


class QcStatements(core.SequenceOf):
    _child_spec = QcStatement


@dataclass(frozen=True)
class QcClaims:
    """What a certificate's qcStatements say, as data."""

    semantics: str | None = None  # e.g. SEMANTICS_NATURAL
    types: tuple[str, ...] = ()  # e.g. (QCT_ESIGN,)
    compliance: bool = False
    sscd: bool = False
    malformed: bool = False  # the extension is there but does not parse: claims nothing


def _statement(oid: str, info: core.Asn1Value | None = None) -> QcStatement:
    value = {"statement_id": oid}
    if info is not None:
        value["statement_info"] = core.Any.load(info.dump())  # type: ignore[assignment]
    return QcStatement(value)


def qc_statements(*, qualified: bool, key_on_qscd: bool) -> x509.UnrecognizedExtension:
    """Semantics identifier (natural person) and QcType esign; compliance/SSCD if claimed."""
    statements = []
    if qualified:
        statements.append(_statement(QC_COMPLIANCE))
    if key_on_qscd:
        statements.append(_statement(QC_SSCD))
    statements.append(_statement(QC_TYPE, QcType([QCT_ESIGN])))
    statements.append(_statement(PKIX_QC_SYNTAX_V2,
                                 SemanticsInformation({"semantics_identifier": SEMANTICS_NATURAL})))
    return x509.UnrecognizedExtension(QC_STATEMENTS, QcStatements(statements).dump())


def read_qc_claims(certificate: x509.Certificate) -> QcClaims:
    """The claims of a certificate's qcStatements; empty claims when it has none.

    The certificate may come from anywhere (a card, a signature): an extension that
    does not parse claims nothing and says so.
    """
    try:
        extension = certificate.extensions.get_extension_for_oid(QC_STATEMENTS).value
    except x509.ExtensionNotFound:
        return QcClaims()
    if not isinstance(extension, x509.UnrecognizedExtension):
        return QcClaims(malformed=True)
    try:
        return _claims(extension.value)
    except (ValueError, TypeError, KeyError):
        return QcClaims(malformed=True)


def _claims(der: bytes) -> QcClaims:
    semantics, types, compliance, sscd = None, [], False, False
    for statement in QcStatements.load(der, strict=True):
        oid = statement["statement_id"].dotted
        info = statement["statement_info"]
        if oid == QC_COMPLIANCE:
            compliance = True
        elif oid == QC_SSCD:
            sscd = True
        elif oid == QC_TYPE and info.native is not None:
            types += [t.dotted for t in QcType.load(info.dump())]
        elif oid == PKIX_QC_SYNTAX_V2 and info.native is not None:
            identifier = SemanticsInformation.load(info.dump())["semantics_identifier"]
            semantics = identifier.dotted if identifier.native is not None else None
    return QcClaims(semantics, tuple(types), compliance, sscd)
