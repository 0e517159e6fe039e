"""The citizen's forms: pre-registration, code recovery, status query; and the review.

A face collects text as typed (any digit script, any common separator) and hands it
here. Validation checks every field and returns every problem at once as data
(:class:`FieldProblem`: which field, which rule), so a face can mark all of them in
one go; it never returns sentences. A valid pre-registration becomes a
:class:`Review`, the values as the registry will keep them, shown before confirming.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

import jdatetime

from citizen.birth_certificate import BirthCertificateSerial, parse_birth_certificate_serial
from citizen.errors import CitizenDataError, DataProblem
from citizen.identity import Gender, parse_gender
from citizen.jalali import jalali_numeric, parse_typed_jalali
from citizen.mobile import grouped_mobile, validate_mobile
from citizen.names import validate_persian_name
from citizen.national_code import grouped, validate_national_code
from registry.errors import InvalidForm, InvalidTrackingCode
from registry.tracking import CodeProblem, TrackingCode, parse_tracking_code

T = TypeVar("T")
V = TypeVar("V")


class Field(Enum):
    """A field of a citizen's form."""

    MOBILE = "mobile"
    NATIONAL_CODE = "national-code"
    BIRTH_CERTIFICATE_SERIAL = "birth-certificate-serial"
    BIRTH_DATE = "birth-date"
    MOTHER_NAME = "mother-name"
    GENDER = "gender"
    TRACKING_CODE = "tracking-code"


@dataclass(frozen=True)
class FieldProblem:
    """One problem: the field and the rule it broke."""

    field: Field
    problem: DataProblem | CodeProblem


@dataclass(frozen=True)
class Checked(Generic[T]):
    """A form's outcome: the valid value, or every problem found (never both)."""

    value: T | None
    problems: tuple[FieldProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def require(self) -> T:
        """The value, or InvalidForm carrying every problem."""
        if self.problems or self.value is None:
            raise InvalidForm(self.problems)
        return self.value


class _Collector:
    """Runs each field's check, keeping the values and every problem."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def check(self, field: Field, parse: Callable[[], V]) -> V | None:
        try:
            return parse()
        except CitizenDataError as exc:
            self.problems.append(FieldProblem(field, exc.problem))
        except InvalidTrackingCode as exc:
            self.problems.append(FieldProblem(field, exc.problem))
        return None


def _national_code(text: str) -> str:
    if not text.strip():
        raise CitizenDataError(DataProblem.MISSING, field="national_code")
    return validate_national_code(text)


def _birth_date(value: str | jdatetime.date, today: jdatetime.date) -> jdatetime.date:
    if isinstance(value, jdatetime.date):
        day = value
    elif not value.strip():
        raise CitizenDataError(DataProblem.MISSING, field="birth_date")
    else:
        day = parse_typed_jalali(value)
    if day > today:
        raise CitizenDataError(DataProblem.DATE_IN_FUTURE, field="birth_date")
    return day


# pre-registration ------------------------------------------------------------------

@dataclass(frozen=True)
class PreRegistrationForm:
    """The pre-registration fields as typed."""

    mobile: str = ""
    national_code: str = ""
    birth_certificate_serial: str = ""
    birth_date: str | jdatetime.date = ""
    mother_name: str = ""
    gender: str | Gender = ""


@dataclass(frozen=True)
class PreRegistration:
    """A valid pre-registration, every value in the form the registry keeps."""

    mobile: str                                   # 09xxxxxxxxx
    national_code: str                            # 10 ASCII digits
    birth_certificate_serial: BirthCertificateSerial
    birth_date: jdatetime.date
    mother_name: str                              # normalised Persian
    gender: Gender


def check_pre_registration(form: PreRegistrationForm,
                           today: jdatetime.date) -> Checked[PreRegistration]:
    """Every field checked; the registration, or all the problems found."""
    c = _Collector()
    mobile = c.check(Field.MOBILE, lambda: validate_mobile(form.mobile))
    code = c.check(Field.NATIONAL_CODE, lambda: _national_code(form.national_code))
    serial = c.check(Field.BIRTH_CERTIFICATE_SERIAL,
                     lambda: parse_birth_certificate_serial(form.birth_certificate_serial))
    birth = c.check(Field.BIRTH_DATE, lambda: _birth_date(form.birth_date, today))
    mother = c.check(Field.MOTHER_NAME,
                     lambda: validate_persian_name(form.mother_name, "mother_name"))
    gender = c.check(Field.GENDER, lambda: parse_gender(form.gender))
    if (c.problems or mobile is None or code is None or serial is None or birth is None
            or mother is None or gender is None):
        return Checked(None, tuple(c.problems))
    return Checked(PreRegistration(mobile, code, serial, birth, mother, gender))


@dataclass(frozen=True)
class ReviewLine:
    """One line of the review: the field and its value as kept (ASCII digits).

    ``value`` is text except for the gender, which the face words.
    """

    field: Field
    value: str | Gender


@dataclass(frozen=True)
class Review:
    """What the applicant confirms before paying, in the form's order."""

    registration: PreRegistration
    lines: tuple[ReviewLine, ...]


def review(registration: PreRegistration) -> Review:
    """The review page's data: grouped for reading, digits left for the face to shape."""
    r = registration
    return Review(r, (
        ReviewLine(Field.MOBILE, grouped_mobile(r.mobile)),
        ReviewLine(Field.NATIONAL_CODE, grouped(r.national_code)),
        ReviewLine(Field.BIRTH_CERTIFICATE_SERIAL, r.birth_certificate_serial.canonical),
        ReviewLine(Field.BIRTH_DATE, jalali_numeric(r.birth_date)),
        ReviewLine(Field.MOTHER_NAME, r.mother_name),
        ReviewLine(Field.GENDER, r.gender),
    ))


# recovering a forgotten code, asking for a status ----------------------------------

@dataclass(frozen=True)
class RecoveryRequest:
    """A forgotten tracking code is recovered with national code and birth date."""

    national_code: str
    birth_date: jdatetime.date


def check_recovery(national_code: str, birth_date: str | jdatetime.date,
                   today: jdatetime.date) -> Checked[RecoveryRequest]:
    c = _Collector()
    code = c.check(Field.NATIONAL_CODE, lambda: _national_code(national_code))
    birth = c.check(Field.BIRTH_DATE, lambda: _birth_date(birth_date, today))
    if c.problems or code is None or birth is None:
        return Checked(None, tuple(c.problems))
    return Checked(RecoveryRequest(code, birth))


@dataclass(frozen=True)
class StatusQuery:
    """An application is looked up with national code and tracking code, never the code alone."""

    national_code: str
    tracking_code: TrackingCode


def check_status_query(national_code: str, tracking_code: str) -> Checked[StatusQuery]:
    c = _Collector()
    code = c.check(Field.NATIONAL_CODE, lambda: _national_code(national_code))
    tracking = c.check(Field.TRACKING_CODE, lambda: parse_tracking_code(tracking_code))
    if c.problems or code is None or tracking is None:
        return Checked(None, tuple(c.problems))
    return Checked(StatusQuery(code, tracking))
