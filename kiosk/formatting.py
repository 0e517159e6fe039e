"""Words and layouts for people: Jalali dates, national codes, verdicts."""

from __future__ import annotations

import jdatetime

from apdu.authenticity import AuthenticityReport, Verdict
from apdu.client import CardContents
from citizen.identity import Gender

JALALI_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

VERDICT_TEXT = {
    Verdict.GENUINE: "genuine",
    Verdict.SECURITY_OBJECT_INVALID: "NOT GENUINE: the security object is not validly signed",
    Verdict.UNKNOWN_ISSUER: "NOT GENUINE: signed by an issuer we do not trust",
    Verdict.SIGNER_EXPIRED: "NOT GENUINE: the document signer's certificate has expired",
    Verdict.DATA_TAMPERED: "NOT GENUINE: the data was changed after it was signed",
    Verdict.CLONED_CHIP: "NOT GENUINE: the chip is a copy (chip authentication failed)",
}


def persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def jalali_numeric(day: jdatetime.date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def jalali_long(day: jdatetime.date) -> str:
    return persian_digits(f"{day.day} {JALALI_MONTHS[day.month - 1]} {day.year}")


def national_code_grouped(code: str) -> str:
    """The way the card prints it: 3-6-1 digits."""
    return f"{code[:3]}-{code[3:9]}-{code[9:]}" if len(code) == 10 else code


def gender_text(gender: Gender) -> str:
    return {Gender.MALE: "male (مرد)", Gender.FEMALE: "female (زن)"}[gender]


def identity_lines(contents: CardContents) -> list[tuple[str, str]]:
    who = contents.identity
    rows = [
        ("Given name", who.given_name),
        ("Surname", who.surname),
        ("Father's name", who.father_name),
        ("National code", national_code_grouped(who.national_code)),
        ("Birth date", f"{jalali_numeric(who.birth_date)}  ({jalali_long(who.birth_date)}, "
                       f"{who.birth_date.togregorian().isoformat()})"),
        ("Gender", gender_text(who.gender)),
        ("Birth cert. no.", who.birth_certificate_number),
        ("Birth cert. serial", who.birth_certificate_serial),
        ("Card serial", who.card_serial),
        ("Issued", jalali_numeric(who.issue_date)),
        ("Expires", jalali_numeric(who.expiry_date)),
    ]
    if contents.address is not None:
        rows += [("Postal code", contents.address.postal_code),
                 ("Address", contents.address.address)]
    if contents.photo_jpeg is not None:
        rows.append(("Photo", f"JPEG, {len(contents.photo_jpeg):,} bytes"))
    rows.append(("Card state", contents.lifecycle.name.lower().replace("_", " ")))
    return rows


def authenticity_lines(report: AuthenticityReport) -> list[str]:
    lines = [f"Authenticity: {VERDICT_TEXT[report.verdict]}"]
    if report.genuine:
        lines.append(f"  signed by {report.signer}")
        lines.append(f"  data groups {', '.join(f'DG{n}' for n in report.groups_checked)} "
                     f"match their {report.hash_algorithm} hashes; chip authenticated")
    for problem in report.problems:
        lines.append(f"  - {problem}")
    return lines
