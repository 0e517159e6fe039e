"""Synthetic Iranian citizens ("personas") to personalize simulated cards with.

Tests, demos and the card simulator need holders whose data looks real (Persian
names, valid national and postal codes, Solar Hijri dates) yet belongs to nobody
and never changes: every persona is derived from one integer seed through its own
``random.Random``, so ``generate_persona(42)`` is the same citizen on every machine.

Formats chosen here (the chip stores ASCII; the kiosk prints Persian):

* Birth-certificate serial: ``"NN-L-SSSSSS"``: two-digit numeric series, the
  Persian letter series, six-digit serial, e.g. ``"12-ب-345678"`` (printed on the
  certificate as ``۳۴۵۶۷۸ / ۱۲ ب``).
* Card serial: nine ASCII characters, a digit, an upper-case letter (no I or O,
  which read as digits) and seven digits, e.g. ``"0A1234567"``.
* Postal code: the usual validation rule for Iranian codes: the first four
  digits avoid 0 and 2 and are not one digit repeated, the fifth avoids 0, 2 and
  5, the last five avoid 2. The first two digits follow the residence city.
* Expiry: the card's issue date plus seven Solar Hijri years; issue dates fall in
  the last seven years and never before the holder's fifteenth birthday.
* Birth-certificate number: people born after 1368 carry their national code as
  their certificate number; older certificates have 1–6 digits.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import jdatetime

from citizen.identity import Address, Gender, Identity, validate_postal_code
from citizen.national_code import national_code_check_digit, validate_national_code
from simulators.face import face_photo_jpeg

MIN_AGE, MAX_AGE = 15, 85
"""Default age range: the card is issued from 15 full years."""

CARD_VALIDITY_YEARS = 7
NATIONAL_CODE_AS_CERTIFICATE_FROM = 1369
"""Birth years from which the birth-certificate number is the national code."""

BIRTH_CERTIFICATE_SERIAL_RE = re.compile(r"^(\d{2})-(الف|[بجدهولمنی])-(\d{6})$")
CARD_SERIAL_RE = re.compile(r"^[0-9][A-HJ-NP-Z][0-9]{7}$")
POSTAL_CODE_RE = re.compile(r"^(?!(\d)\1{3})[13-9]{4}[1346-9][013-9]{5}$")

_MALE_NAMES = (
    "محمد", "علی", "حسین", "رضا", "مهدی", "امیر", "حسن", "مصطفی", "سعید", "مجید",
    "احمد", "جواد", "حمید", "محسن", "علیرضا", "محمدرضا", "امیرحسین", "ابوالفضل", "مرتضی",
    "حامد", "وحید", "میلاد", "سجاد", "عباس", "یوسف", "ایمان", "پویا", "آرش", "کامران",
    "بهروز", "فرهاد", "داوود", "هادی", "ناصر", "مسعود", "رسول", "اکبر", "قاسم", "سینا",
    "امید", "بهزاد", "کوروش", "یاسر", "صادق", "پارسا", "آرین", "محمدحسین", "اصغر",
)
_FEMALE_NAMES = (
    "فاطمه", "زهرا", "مریم", "معصومه", "زینب", "سمیرا", "نرگس", "الهام", "لیلا", "سارا",
    "مهسا", "نازنین", "مینا", "فرزانه", "ریحانه", "سمانه", "اعظم", "طاهره", "شیرین",
    "پریسا", "نگار", "هانیه", "کوثر", "محدثه", "مبینا", "فائزه", "آزاده", "الناز", "ژیلا",
    "شهلا", "رویا", "پروین", "منیژه", "سیمین", "مهناز", "نسرین", "ستاره", "آیدا", "یاسمن",
    "هستی", "نیلوفر", "فرشته", "زهره", "سپیده", "بهاره", "صدیقه",
)
_SURNAMES = (
    "محمدی", "حسینی", "رضایی", "کریمی", "احمدی", "موسوی", "جعفری", "رحیمی", "هاشمی",
    "قاسمی", "صادقی", "حیدری", "نوری", "کاظمی", "مرادی", "اکبری", "عباسی", "سلیمانی",
    "ابراهیمی", "بهرامی", "یوسفی", "زارعی", "طاهری", "نجفی", "امینی", "فتحی", "شریفی",
    "کرمانی", "تهرانی", "اصفهانی", "شیرازی", "تبریزی", "میرزایی", "سلطانی", "قربانی",
    "باقری", "اسدی", "رستمی", "جلالی", "خسروی", "فرهادی", "عزیزی", "مختاری", "نظری",
    "صفری", "رنجبر", "کامرانی", "پورمحمدی", "علیزاده", "حسن‌زاده", "نیک‌نام", "توکلی",
    "منصوری", "افشار", "شجاعی", "ملکی", "دهقان", "سبحانی", "فراهانی", "یزدانی", "قنبری",
    "رحمانی", "کیانی",
)


@dataclass(frozen=True)
class _City:
    """A city with the national-code prefixes its registry office issues and its postal prefixes."""

    province: str
    name: str
    code_prefixes: tuple[str, ...]
    postal_prefixes: tuple[str, ...]
    weight: int


# National-code prefixes are the commonly published city codes; an approximation, not a registry.
_CITIES = (
    _City("تهران", "تهران", ("001", "002", "003", "004", "005", "006", "007", "008"),
          ("13", "14", "15", "16", "17", "18"), 14),
    _City("خراسان رضوی", "مشهد", ("092", "093", "094"), ("91",), 5),
    _City("اصفهان", "اصفهان", ("127", "128", "129"), ("81",), 4),
    _City("آذربایجان شرقی", "تبریز", ("136", "137", "138"), ("51",), 3),
    _City("فارس", "شیراز", ("228", "229", "230"), ("71",), 3),
    _City("خوزستان", "اهواز", ("174", "175"), ("61",), 2),
    _City("قم", "قم", ("037", "038"), ("37",), 2),
    _City("البرز", "کرج", ("031", "032"), ("31",), 3),
    _City("کرمانشاه", "کرمانشاه", ("324", "325"), ("67",), 2),
    _City("گیلان", "رشت", ("265", "266"), ("41",), 2),
    _City("آذربایجان غربی", "ارومیه", ("274", "275"), ("57",), 2),
    _City("کرمان", "کرمان", ("298", "299"), ("76",), 1),
    _City("یزد", "یزد", ("444", "445"), ("89",), 1),
    _City("سیستان و بلوچستان", "زاهدان", ("361", "362"), ("98",), 1),
    _City("همدان", "همدان", ("386", "387"), ("65",), 1),
    _City("مرکزی", "اراک", ("052", "053"), ("38",), 1),
    _City("قزوین", "قزوین", ("431", "432"), ("34",), 1),
    _City("هرمزگان", "بندرعباس", ("338", "339"), ("79",), 1),
    _City("اردبیل", "اردبیل", ("163", "164"), ("56",), 1),
    _City("زنجان", "زنجان", ("427", "428"), ("45",), 1),
    _City("کردستان", "سنندج", ("372", "373"), ("66",), 1),
    _City("لرستان", "خرم‌آباد", ("406", "407"), ("68",), 1),
)
_CITY_WEIGHTS = tuple(city.weight for city in _CITIES)

_STREETS = (
    "امام خمینی", "آزادی", "انقلاب", "ولیعصر", "شریعتی", "جمهوری", "فردوسی", "حافظ",
    "سعدی", "مطهری", "شهید بهشتی", "طالقانی", "کارگر", "ستارخان", "پاسداران", "بهار",
    "کریمخان زند", "شهید چمران", "مدرس", "نواب", "دانشگاه", "باهنر", "رجایی", "خیام",
)
_ALLEYS = (
    "نسترن", "یاس", "لاله", "نرگس", "شقایق", "اقاقیا", "بنفشه", "سوسن", "گلستان",
    "بهارستان", "شهید رضایی", "شهید احمدی", "صفا", "مهر", "ارغوان", "سرو",
)
_SERIES_LETTERS = ("الف", "ب", "ج", "د", "ه", "و", "ل", "م", "ن", "ی")
_SERIAL_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass(frozen=True)
class Persona:
    """One synthetic citizen: what the card stores about them, and the seed to recreate them."""

    seed: int
    identity: Identity
    address: Address
    photo_jpeg: bytes

    def age_on(self, day: jdatetime.date) -> int:
        """Full Solar Hijri years lived on ``day`` (eligibility counts these)."""
        return _age_on(self.identity.birth_date, day)


def _age_on(birth: jdatetime.date, day: jdatetime.date) -> int:
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


def _add_years(day: jdatetime.date, years: int) -> jdatetime.date:
    """The same month and day ``years`` later; Esfand 30 falls back to 29 in common years."""
    try:
        return jdatetime.date(day.year + years, day.month, day.day)
    except ValueError:
        return jdatetime.date(day.year + years, day.month, day.day - 1)


def _day_between(rng: random.Random, first: jdatetime.date, last: jdatetime.date) -> jdatetime.date:
    return first + jdatetime.timedelta(days=rng.randint(0, (last - first).days))


def _national_code(rng: random.Random, city: _City) -> str:
    """City prefix, six random digits, check digit; redrawn in the (444 + 444444) one-digit case."""
    while True:
        body = rng.choice(city.code_prefixes) + "".join(rng.choice("0123456789") for _ in range(6))
        code = body + str(national_code_check_digit(body))
        if len(set(code)) > 1:
            return validate_national_code(code)


def _postal_code(rng: random.Random, city: _City) -> str:
    """Ten digits under the rule in the module docstring, redrawn if the head repeats."""
    while True:
        head = rng.choice(city.postal_prefixes) + "".join(rng.choice("13456789") for _ in range(2))
        if len(set(head)) > 1:
            break
    code = head + rng.choice("1346789") + "".join(rng.choice("013456789") for _ in range(5))
    return validate_postal_code(code)


def _address_text(rng: random.Random, city: _City) -> str:
    """A Persian street address from province down to unit, digits in Persian."""
    parts = [f"استان {city.province}", f"شهر {city.name}", f"خیابان {rng.choice(_STREETS)}"]
    if rng.random() < 0.6:
        parts.append(f"کوچه {rng.choice(_ALLEYS)}")
    else:
        parts.append(f"کوچه {rng.randint(1, 40)}")
    parts.append(f"پلاک {rng.randint(1, 250)}")
    if rng.random() < 0.6:
        parts.append(f"طبقه {rng.randint(1, 8)}")
        parts.append(f"واحد {rng.randint(1, 24)}")
    return "، ".join(parts).translate(_PERSIAN_DIGITS)


def _birth_date(rng: random.Random, today: jdatetime.date, age: int) -> jdatetime.date:
    """A uniformly chosen birth date that makes the holder exactly ``age`` on ``today``."""
    latest = _add_years(today, -age)
    earliest = _add_years(today, -age - 1) + jdatetime.timedelta(days=1)
    return _day_between(rng, earliest, latest)


def generate_persona(
    seed: int,
    *,
    today: jdatetime.date | None = None,
    gender: Gender | None = None,
    age: int | None = None,
) -> Persona:
    """The synthetic citizen of ``seed``; identical for identical arguments.

    ``today`` anchors ages and card dates (default: the current Jalali date, so
    pass it when a test must not depend on the calendar). ``age`` must be at
    least 15: a persona holds a card.
    """
    if age is not None and not MIN_AGE <= age <= 120:
        raise ValueError(f"a card holder is {MIN_AGE} to 120 years old, not {age}")
    if today is None:
        today = jdatetime.date.today()
    rng = random.Random(seed)
    drawn_gender = rng.choice((Gender.MALE, Gender.FEMALE))
    drawn_age = rng.randint(MIN_AGE, MAX_AGE)
    gender = drawn_gender if gender is None else gender
    age = drawn_age if age is None else age

    birth_city, elsewhere = rng.choices(_CITIES, weights=_CITY_WEIGHTS, k=2)
    home = birth_city if rng.random() < 0.7 else elsewhere
    given_names = _MALE_NAMES if gender is Gender.MALE else _FEMALE_NAMES
    given_name, surname, father_name = (
        rng.choice(given_names), rng.choice(_SURNAMES), rng.choice(_MALE_NAMES))
    national_code = _national_code(rng, birth_city)
    birth_date = _birth_date(rng, today, age)
    old_number = str(rng.randint(1, 10 ** rng.randint(1, 6) - 1))  # drawn always: stable stream
    if birth_date.year >= NATIONAL_CODE_AS_CERTIFICATE_FROM:
        certificate_number = national_code
    else:
        certificate_number = old_number
    certificate_serial = (
        f"{rng.randint(1, 99):02d}-{rng.choice(_SERIES_LETTERS)}-{rng.randint(0, 999999):06d}")
    card_serial = (f"{rng.randint(0, 9)}{rng.choice(_SERIAL_LETTERS)}"
                   f"{rng.randint(0, 9_999_999):07d}")

    first_issue = max(_add_years(today, -CARD_VALIDITY_YEARS) + jdatetime.timedelta(days=1),
                      _add_years(birth_date, MIN_AGE))
    issue_date = _day_between(rng, first_issue, today)
    identity = Identity(
        given_name=given_name,
        surname=surname,
        father_name=father_name,
        national_code=national_code,
        birth_date=birth_date,
        gender=gender,
        birth_certificate_number=certificate_number,
        birth_certificate_serial=certificate_serial,
        card_serial=card_serial,
        issue_date=issue_date,
        expiry_date=_add_years(issue_date, CARD_VALIDITY_YEARS),
        # its own stream, so every persona made before mothers were kept stays as it was
        mother_name=random.Random(f"{seed}:mother").choice(_FEMALE_NAMES),
    )
    address = Address(postal_code=_postal_code(rng, home), address=_address_text(rng, home))
    return Persona(seed=seed, identity=identity, address=address,
                   photo_jpeg=face_photo_jpeg(seed, gender=gender))
