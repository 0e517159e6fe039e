"""What the office checks in person, as data: the birth certificate, the old card, the
applicant's address and numbers.

The applicant brings the original photo birth certificate (شناسنامه عکس‌دار), their
national card if they hold one, and gives a postal code, address, landline and mobile.
The operator types what the certificate says; the names and the certificate number go
onto the card from here (pre-registration asked only for the serial, birth date and
mother's name), and the serial must be the one registered. Every field is checked and
every problem returned at once, as data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from citizen.birth_certificate import parse_birth_certificate_serial
from citizen.digits import normalize_digits
from citizen.errors import CitizenDataError, DataProblem
from citizen.identity import validate_postal_code
from citizen.mobile import validate_mobile
from citizen.names import validate_persian_name
from registry.errors import RegistryError

_SEPARATORS = re.compile(r"[\s\-.()/\u200c\u200e\u200f]")
_LANDLINE = re.compile(r"0[1-8][0-9]{9}", re.ASCII)   # 0, area code, number: 11 digits
_CERTIFICATE_NUMBER = re.compile(r"[0-9]{1,10}", re.ASCII)
MAX_ADDRESS = 500


class PresentedCard(StrEnum):
    """Which national card the applicant showed (a first card or a lost one: none)."""

    NONE = "none"
    OLD = "old"        # the paper-laminate card without a chip
    SMART = "smart"


class DocField(StrEnum):
    GIVEN_NAME = "given-name"
    SURNAME = "surname"
    FATHER_NAME = "father-name"
    BIRTH_CERTIFICATE = "birth-certificate"
    BIRTH_CERTIFICATE_NUMBER = "birth-certificate-number"
    BIRTH_CERTIFICATE_SERIAL = "birth-certificate-serial"
    POSTAL_CODE = "postal-code"
    ADDRESS = "address"
    LANDLINE = "landline"
    MOBILE = "mobile"


class DocumentProblem(StrEnum):
    NOT_ORIGINAL_PHOTO_CERTIFICATE = "not-original-photo-certificate"
    SERIAL_MISMATCH = "serial-mismatch"       # not the certificate registered online
    NUMBER = "number"                         # a certificate number is 1-10 digits
    LANDLINE = "landline"                     # 0, area code and number: 11 digits
    ADDRESS = "address"                       # empty, or longer than the card holds


@dataclass(frozen=True)
class BirthCertificateSeen:
    """The certificate as the operator read it."""

    given_name: str
    surname: str
    father_name: str
    number: str
    serial: str
    original_with_photo: bool     # the original, with a photo (not a copy, not photo-less)


@dataclass(frozen=True)
class Documents:
    birth_certificate: BirthCertificateSeen
    national_card: PresentedCard
    postal_code: str
    address: str
    landline: str
    mobile: str


@dataclass(frozen=True)
class DocumentIssue:
    field: DocField
    problem: DataProblem | DocumentProblem


class InvalidDocuments(RegistryError):
    """The documents do not pass; ``problems`` lists every one."""

    def __init__(self, problems: tuple[DocumentIssue, ...]) -> None:
        super().__init__("documents refused: " + ", ".join(
            f"{p.field.value}: {p.problem.value}" for p in problems))
        self.problems = problems


def _landline(text: str) -> str:
    number = _SEPARATORS.sub("", normalize_digits(text))
    if not _LANDLINE.fullmatch(number):
        raise ValueError
    return number


def checked_documents(documents: Documents, registered_serial: str) -> Documents:
    """The documents in the form the record keeps, or InvalidDocuments with every problem."""
    problems: list[DocumentIssue] = []
    seen = documents.birth_certificate

    def name(field: DocField, text: str) -> str:
        try:
            return validate_persian_name(text, field.value)
        except CitizenDataError as exc:
            problems.append(DocumentIssue(field, exc.problem))
            return text

    given, surname, father = (name(DocField.GIVEN_NAME, seen.given_name),
                              name(DocField.SURNAME, seen.surname),
                              name(DocField.FATHER_NAME, seen.father_name))
    if not seen.original_with_photo:
        problems.append(DocumentIssue(DocField.BIRTH_CERTIFICATE,
                                      DocumentProblem.NOT_ORIGINAL_PHOTO_CERTIFICATE))
    number = normalize_digits(seen.number.strip())
    if not _CERTIFICATE_NUMBER.fullmatch(number):
        problems.append(DocumentIssue(DocField.BIRTH_CERTIFICATE_NUMBER, DocumentProblem.NUMBER))
    serial = seen.serial
    try:
        serial = parse_birth_certificate_serial(seen.serial).canonical
        if serial != _canonical(registered_serial):
            problems.append(DocumentIssue(DocField.BIRTH_CERTIFICATE_SERIAL,
                                          DocumentProblem.SERIAL_MISMATCH))
    except CitizenDataError as exc:
        problems.append(DocumentIssue(DocField.BIRTH_CERTIFICATE_SERIAL, exc.problem))
    postal, mobile, landline = documents.postal_code, documents.mobile, documents.landline
    try:
        postal = validate_postal_code(documents.postal_code)
    except CitizenDataError as exc:
        problems.append(DocumentIssue(DocField.POSTAL_CODE, exc.problem))
    try:
        mobile = validate_mobile(documents.mobile)
    except CitizenDataError as exc:
        problems.append(DocumentIssue(DocField.MOBILE, exc.problem))
    try:
        landline = _landline(documents.landline)
    except ValueError:
        problems.append(DocumentIssue(DocField.LANDLINE, DocumentProblem.LANDLINE))
    address = " ".join(documents.address.split())
    if not address or len(address) > MAX_ADDRESS:
        problems.append(DocumentIssue(DocField.ADDRESS, DocumentProblem.ADDRESS))
    if problems:
        raise InvalidDocuments(tuple(problems))
    return Documents(BirthCertificateSeen(given, surname, father, number, serial, True),
                     documents.national_card, postal, address, landline, mobile)


def _canonical(serial: str) -> str:
    try:
        return parse_birth_certificate_serial(serial).canonical
    except CitizenDataError:
        return serial
