"""Every sentence the command line says, in English and Persian: the one place it words.

The library hands over enums and dataclasses; this module turns them into text. Keys
are ``EnumClass.MEMBER``; ``{name}`` fields are filled from keyword arguments, numbers
shown with Persian digits in Persian. ``--lang fa`` (or ``NIDKIOSK_LANG=fa``) switches.
"""

from __future__ import annotations

from enum import Enum

from apdu.biometric_profile import FingerPosition
from citizen.digits import persian_digits
from kiosk.cli.words_card import CARD
from kiosk.cli.words_registry import REGISTRY
from kiosk.cli.words_signing import SIGNING

CATALOG: dict[str, tuple[str, str]] = {  # key: (English, Persian)
    # how flows end
    "Ending.CANCELLED": ("Cancelled; nothing was changed.", "لغو شد؛ چیزی تغییر نکرد."),
    "Ending.TIMED_OUT": ("No answer in time; nothing was changed.",
                         "پاسخی در زمان مقرر نرسید؛ چیزی تغییر نکرد."),
    "Ending.CARD_REMOVED": ("The card was removed before the operation finished.",
                            "کارت پیش از پایان کار از دستگاه بیرون کشیده شد."),
    "Ending.NO_CARD": ("No card in the reader.", "کارتی در کارت‌خوان نیست."),
    "Ending.READER_UNAVAILABLE": ("The card reader is not available (is pcscd running?).",
                                  "کارت‌خوان در دسترس نیست (آیا pcscd در حال اجراست؟)."),
    "Ending.CARD_BUSY": ("Another program is using the card; try again in a moment.",
                         "برنامهٔ دیگری با کارت کار می‌کند؛ کمی بعد دوباره امتحان کنید."),
    "Ending.CARD_NOT_ANSWERING": ("The card stopped answering; take it out and insert it again.",
                                  "کارت پاسخ نمی‌دهد؛ آن را بیرون بیاورید و دوباره بگذارید."),
    "Ending.CARD_ERROR": ("The card answered something unexpected.",
                          "کارت پاسخی نامنتظر داد."),
    "Ending.INTERNAL_ERROR": ("Something went wrong inside nidkiosk; nothing was changed.",
                              "خطایی درونی در nidkiosk رخ داد؛ چیزی تغییر نکرد."),
    "Ending.SENSOR_ERROR": ("The fingerprint sensor failed.", "حسگر اثر انگشت از کار افتاد."),
    "Ending.NO_FINGER": ("No finger was placed on the sensor in time.",
                         "انگشتی در زمان مقرر روی حسگر قرار نگرفت."),
    "Ending.NO_USABLE_TOUCH": ("No clear touch: clean the sensor and your finger, then try "
                               "again.",
                               "تصویر انگشت واضح نبود: حسگر و انگشت را تمیز کنید و دوباره "
                               "امتحان کنید."),
    "Ending.FINGER_NOT_ENROLLED": ("That finger is not enrolled on this card.",
                                   "این انگشت روی کارت ثبت نشده است."),
    "Ending.NOT_DELIVERED": ("This card has not been handed over yet: it is activated at the "
                             "office on delivery, after your fingerprint is checked.",
                             "این کارت هنوز تحویل داده نشده است: هنگام تحویل در دفتر، پس از "
                             "بررسی اثر انگشت، فعال می‌شود."),
    "Ending.ALREADY_DELIVERED": ("This card has already been delivered and activated.",
                                 "این کارت پیش‌تر تحویل و فعال شده است."),
    "Ending.WRONG_CARD": ("This is not the card of this applicant.",
                          "این کارتِ همین متقاضی نیست."),
    "Ending.CARD_UNUSABLE": ("This card can no longer be used; have it reissued at an office.",
                             "این کارت دیگر قابل استفاده نیست؛ در دفتر پیشخوان المثنی بگیرید."),
    "Ending.ALREADY_ACTIVE": ("The signature key is already active ('--redo' replaces it).",
                              "کلید امضا پیش‌تر فعال شده است (‎--redo‎ آن را جایگزین می‌کند)."),
    "Ending.SIGNATURE_NOT_ACTIVE": (
        "Signing refused: the card's signature key is not active. Activate it with 'nidkiosk "
        "sign activate' (the signature-activation service).",
        "امضا انجام نشد: کلید امضای کارت فعال نیست. با ‎'nidkiosk sign activate'‎ (خدمت "
        "فعال‌سازی امضا) فعالش کنید."),
    "Ending.PIN_NOT_SET": ("{pin} is not set yet: it is chosen when the signature key is "
                           "activated ('nidkiosk sign activate').",
                           "{pin} هنوز تعیین نشده است: هنگام فعال‌سازی کلید امضا انتخاب می‌شود "
                           "(‎'nidkiosk sign activate'‎)."),
    # PINs
    "pin.PIN1": ("PIN1", "رمز اول"),
    "pin.PIN2": ("PIN2", "رمز دوم (امضا)"),
    "pin.PUK": ("PUK", "کد بازگشایی (PUK)"),
    "tries": ("{n} tries", "{n} بار"),
    "tries.one": ("1 try", "۱ بار"),
    "tries.left": ("{pin}: {tries} left.", "{pin}: {tries} فرصت مانده است."),
    "tries.of": ("{tries} left of {max}", "{tries} فرصت از {max}"),
    "pin.blocked": ("BLOCKED", "مسدود"),
    "pin.not_set": ("not set (chosen when the signature key is activated)",
                    "تعیین نشده (هنگام فعال‌سازی امضا انتخاب می‌شود)"),
    "pin.wrong": ("Wrong {pin}: {tries} left. Nothing changed.",
                  "{pin} نادرست است: {tries} فرصت مانده است. چیزی تغییر نکرد."),
    "pin.now_blocked": ("Wrong {pin}, and it is now blocked.",
                        "{pin} نادرست بود و اکنون مسدود شد."),
    "pin.changed": ("{pin} changed.", "{pin} تغییر کرد."),
    "pin.unblocked": ("{pin} unblocked and set to the new PIN.",
                      "{pin} بازگشایی و با رمز تازه تنظیم شد."),
    "pin.reset": ("{pin} is set to the new PIN (its tries are full again).",
                  "{pin} با رمز تازه تنظیم شد (فرصت‌هایش دوباره کامل است)."),
    "pin.ask_current": ("Current {pin}", "{pin} فعلی"),
    "pin.ask_new": ("New {pin}", "{pin} تازه"),
    "pin.ask_again": ("New {pin} again", "تکرار {pin} تازه"),
    "pin.ask": ("{pin}", "{pin}"),
    "pin.signature_active": ("Signature PIN (PIN2) active: {yes_no}",
                             "رمز امضا (رمز دوم) فعال: {yes_no}"),
    "yes": ("yes", "بله"),
    "no": ("no", "خیر"),
    "advice.blocked": ("{pin} is blocked: unblock it with your PUK ('nidkiosk pin unblock "
                       "--which {which}'), by fingerprint at a kiosk, or at an office.",
                       "{pin} مسدود است: با PUK بازگشایی کنید (‎'nidkiosk pin unblock --which "
                       "{which}'‎)، با اثر انگشت در کیوسک، یا در دفتر پیشخوان."),
    "advice.puk_gone": ("The PUK is used up: the card's PIN services are gone; have the card "
                        "reissued at an office (card reissue service).",
                        "PUK تمام شده است: خدمات رمز این کارت از دست رفته؛ در دفتر پیشخوان "
                        "کارت المثنی بگیرید."),
    "advice.puk_gone_with": ("{pin} is blocked and the PUK is used up: have the card reissued "
                             "at an office (card reissue service).",
                             "{pin} مسدود است و PUK هم تمام شده: در دفتر پیشخوان کارت المثنی "
                             "بگیرید."),
    "advice.puk_warning": ("PUK: {tries} left. When it is used up, no PIN on this card can be "
                           "unblocked any more.",
                           "PUK: {tries} فرصت مانده است. اگر تمام شود، هیچ رمزی روی این کارت "
                           "دیگر بازگشایی نمی‌شود."),
    "advice.puk_note": ("Note: your PUK is used up; have the card reissued at an office when "
                        "convenient.",
                        "توجه: PUK شما تمام شده است؛ در فرصت مناسب در دفتر پیشخوان کارت المثنی "
                        "بگیرید."),
    "pin.not_accepted": ("Not accepted: {why}. Try again.",
                         "پذیرفته نشد: {why}. دوباره وارد کنید."),
    "pin.refused": ("new {pin} refused: {why}", "{pin} تازه پذیرفته نشد: {why}"),
    "pin.expected_stdin": ("expected {what} on standard input (one secret per line)",
                           "انتظار می‌رفت {what} از ورودی استاندارد خوانده شود (هر رمز در یک خط)"),
    "PinFormatProblem.NOT_DIGITS": ("a PIN is made of digits only", "رمز فقط از رقم تشکیل می‌شود"),
    "PinFormatProblem.LENGTH": ("a {pin} has {span} digits", "{pin} باید {span} رقم باشد"),
    "PolicyReason.LENGTH": ("a {pin} has {span} digits", "{pin} باید {span} رقم باشد"),
    "PolicyReason.NOT_DIGITS": ("a PIN is made of digits only", "رمز فقط از رقم تشکیل می‌شود"),
    "PolicyReason.ONE_DIGIT": ("a PIN cannot be one digit repeated",
                               "رمز نمی‌تواند یک رقمِ تکراری باشد"),
    "PolicyReason.SEQUENCE": ("a PIN cannot be a run of digits such as 1234 or 9876",
                              "رمز نمی‌تواند رشته‌ای پیاپی مانند ۱۲۳۴ یا ۹۸۷۶ باشد"),
    "PolicyReason.BIRTH_YEAR": ("a PIN cannot contain your birth year",
                                "رمز نباید سال تولد شما را در خود داشته باشد"),
    "PolicyReason.NATIONAL_CODE": ("a PIN cannot be part of your national code",
                                   "رمز نباید بخشی از کد ملی شما باشد"),
    "PolicyReason.MISMATCH": ("the two entries of the new PIN differ",
                              "دو بار ورود رمز تازه با هم یکسان نیستند"),
    "PolicyReason.UNCHANGED": ("the new PIN is the same as the old one",
                               "رمز تازه با رمز پیشین یکی است"),
    # fingers
    "CaptureStep.PLACE_FINGER": ("Place your finger on the sensor.",
                                 "انگشت خود را روی حسگر بگذارید."),
    "CaptureStep.KEEP_STILL": ("Keep it still...", "انگشت را تکان ندهید..."),
    "CaptureStep.POOR_TOUCH": ("That touch was not clear enough: lift your finger and place it "
                               "again.",
                               "تصویر واضح نبود: انگشت را بردارید و دوباره بگذارید."),
    "CaptureStep.LIFT_AND_PLACE": ("Lift your finger and place it again.",
                                   "انگشت را بردارید و دوباره بگذارید."),
    "CaptureStep.GOT_IT": ("Got it.", "دریافت شد."),
    "FingerPosition.UNKNOWN": ("finger", "انگشت"),
    "FingerPosition.RIGHT_THUMB": ("right thumb", "شست دست راست"),
    "FingerPosition.RIGHT_INDEX": ("right index finger", "انگشت اشارهٔ دست راست"),
    "FingerPosition.RIGHT_MIDDLE": ("right middle finger", "انگشت میانی دست راست"),
    "FingerPosition.RIGHT_RING": ("right ring finger", "انگشت حلقهٔ دست راست"),
    "FingerPosition.RIGHT_LITTLE": ("right little finger", "انگشت کوچک دست راست"),
    "FingerPosition.LEFT_THUMB": ("left thumb", "شست دست چپ"),
    "FingerPosition.LEFT_INDEX": ("left index finger", "انگشت اشارهٔ دست چپ"),
    "FingerPosition.LEFT_MIDDLE": ("left middle finger", "انگشت میانی دست چپ"),
    "FingerPosition.LEFT_RING": ("left ring finger", "انگشت حلقهٔ دست چپ"),
    "FingerPosition.LEFT_LITTLE": ("left little finger", "انگشت کوچک دست چپ"),
    "finger.verifying": ("Verifying your {finger} ({tries} left).",
                         "بررسی {finger} شما ({tries} فرصت مانده)."),
    "finger.verified": ("Finger verified by the card.", "کارت اثر انگشت را تأیید کرد."),
    "finger.not_recognised": ("The card did not recognise this finger: {tries} left.",
                              "کارت این انگشت را نشناخت: {tries} فرصت مانده است."),
    "finger.blocked_now": ("The finger did not match, and finger verification is now blocked; "
                           "your PIN and PUK still work.",
                           "انگشت مطابقت نداشت و تأیید با اثر انگشت اکنون مسدود شد؛ رمز و PUK "
                           "همچنان کار می‌کنند."),
    "Ending.FINGER_BLOCKED": ("Finger verification is blocked on this card; use your PIN or "
                              "PUK, or visit an office.",
                              "تأیید اثر انگشت روی این کارت مسدود است؛ از رمز یا PUK استفاده "
                              "کنید یا به دفتر پیشخوان بروید."),
    # reading
    "Verdict.GENUINE": ("genuine", "اصل"),
    "Verdict.SECURITY_OBJECT_INVALID": ("NOT GENUINE: the security object is not validly signed",
                                        "جعلی: امضای دادهٔ امنیتی کارت معتبر نیست"),
    "Verdict.UNKNOWN_ISSUER": ("NOT GENUINE: signed by an issuer we do not trust",
                               "جعلی: صادرکنندهٔ امضاکننده مورد اعتماد نیست"),
    "Verdict.SIGNER_EXPIRED": ("NOT GENUINE: the document signer's certificate has expired",
                               "جعلی: گواهی امضاکنندهٔ کارت منقضی شده است"),
    "Verdict.DATA_TAMPERED": ("NOT GENUINE: the data was changed after it was signed",
                              "جعلی: داده‌ها پس از امضا تغییر کرده‌اند"),
    "Verdict.CLONED_CHIP": ("NOT GENUINE: the chip is a copy (chip authentication failed)",
                            "جعلی: تراشه کپی است (احراز اصالت تراشه ناموفق بود)"),
    "label.given_name": ("Given name", "نام"),
    "label.surname": ("Surname", "نام خانوادگی"),
    "label.father_name": ("Father's name", "نام پدر"),
    "label.mother_name": ("Mother's name", "نام مادر"),
    "label.national_code": ("National code", "کد ملی"),
    "label.birth_date": ("Birth date", "تاریخ تولد"),
    "label.gender": ("Gender", "جنسیت"),
    "label.birth_certificate_number": ("Birth cert. no.", "شماره شناسنامه"),
    "label.birth_certificate_serial": ("Birth cert. serial", "سریال شناسنامه"),
    "label.card_serial": ("Card serial", "سریال کارت"),
    "label.issue_date": ("Issued", "تاریخ صدور"),
    "label.expiry_date": ("Expires", "تاریخ انقضا"),
    "label.postal_code": ("Postal code", "کد پستی"),
    "label.address": ("Address", "نشانی"),
    "label.photo": ("Photo", "عکس"),
    "label.lifecycle": ("Card state", "وضعیت کارت"),
    "photo.size": ("JPEG, {size} bytes", "JPEG، {size} بایت"),
    "gender.MALE": ("male (مرد)", "مرد"),
    "gender.FEMALE": ("female (زن)", "زن"),
    "Lifecycle.PERSONALIZED": ("personalized", "صادرشده، تحویل‌نشده"),
    "Lifecycle.ACTIVE": ("active", "فعال"),
    "Lifecycle.SIGNATURE_ACTIVE": ("signature active", "فعال، با امضای دیجیتال"),
    "Lifecycle.BLOCKED": ("blocked", "مسدود"),
    "Lifecycle.TERMINATED": ("terminated", "باطل‌شده"),
    "deliver.choose_pin1": ("Holder: choose your PIN1 (4 to 8 digits).",
                            "دارندهٔ کارت: رمز اول خود را انتخاب کنید (۴ تا ۸ رقم)."),
    "deliver.done": ("Card {serial} delivered to {name} ({code}): activated, PIN1 set.",
                     "کارت {serial} به {name} ({code}) تحویل شد: فعال شد و رمز اول تعیین شد."),
    "read.header": ("National ID card in {reader}", "کارت ملی در {reader}"),
    "read.authenticity": ("Authenticity: {verdict}", "اصالت: {verdict}"),
    "read.signed_by": ("  signed by {signer}", "  امضا شده توسط {signer}"),
    "read.groups_ok": ("  data groups {groups} match their {hash} hashes; chip authenticated",
                       "  گروه‌های داده {groups} با چکیده‌های {hash} خود می‌خوانند؛ تراشه احراز شد"),
    "read.stats": ("({apdus} APDUs, {ms} ms)", "({apdus} فرمان APDU، {ms} میلی‌ثانیه)"),
    "read.no_readers": ("No readers. (Start a simulated card with 'nidkiosk sim card'.)",
                        "کارت‌خوانی نیست. (با ‎'nidkiosk sim card'‎ یک کارت شبیه‌سازی‌شده "
                        "راه بیندازید.)"),
}


CATALOG.update(SIGNING)
CATALOG.update(CARD)
CATALOG.update(REGISTRY)


class Words:
    """Sentences in one language; ``say`` fills a catalog entry."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in ("en", "fa"):
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        self._index = 0 if lang == "en" else 1

    def say(self, key: str | Enum, **fields: object) -> str:
        if isinstance(key, Enum):
            key = f"{type(key).__name__}.{key.name}"
        text = CATALOG[key][self._index]
        return text.format(**{name: self.number(value) if isinstance(value, int) else value
                              for name, value in fields.items()})

    def number(self, value: int) -> str:
        text = f"{value:,}" if abs(value) >= 10_000 else str(value)
        return persian_digits(text.replace(",", "٬")) if self.lang == "fa" else text

    def has(self, key: str | Enum) -> bool:
        if isinstance(key, Enum):
            key = f"{type(key).__name__}.{key.name}"
        return key in CATALOG

    def pin(self, ref: Enum) -> str:
        return self.say(f"pin.{ref.name}")

    def tries(self, count: int) -> str:
        return self.say("tries.one") if count == 1 else self.say("tries", n=count)

    def finger(self, position: int) -> str:
        try:
            return self.say(FingerPosition(position))
        except ValueError:
            return self.say(FingerPosition.UNKNOWN)

    def span(self, low: int, high: int) -> str:
        if low == high:
            return self.number(low)
        joiner = " to " if self.lang == "en" else " تا "
        return f"{self.number(low)}{joiner}{self.number(high)}"
