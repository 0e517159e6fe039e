"""Every sentence the touchscreen says, in Persian and English: the kiosk's one wording place.

The same role as ``kiosk/cli/words.py`` for the command line, worded for touch: short
titles, one line of what to do next, no command names. Keys are plain strings or
``EnumClass.MEMBER``; ``{name}`` fields are filled by :meth:`UiWords.say` (numbers come
in already formatted by :mod:`kiosk.text`). Card problems and PIN policy reasons the CLI
already words well are taken from its catalog.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from kiosk.cli.words import CATALOG as CLI_CATALOG
from kiosk.text import Lang, digits
from kiosk.ui.words_outcomes import OUTCOMES
from kiosk.ui.words_registry import REGISTRY_UI
from kiosk.ui.words_trouble import TROUBLE_UI

UI: dict[str, tuple[str, str]] = {  # key: (Persian, English)
    "app.title": ("کارت ملی هوشمند", "National Smart ID Card"),
    "app.issuer": ("سازمان ثبت احوال کشور", "National Organization for Civil Registration"),
    "app.kiosk": ("کیوسک خدمات کارت ملی", "National card self-service kiosk"),
    "lang.other": ("English", "فارسی"),
    "text.large": ("متن درشت", "Large text"),
    "text.normal": ("متن عادی", "Normal text"),
    "attract.title": ("خدمات کارت ملی هوشمند", "National smart card services"),
    "attract.body": ("خواندن و بررسی اصالت کارت، تغییر و بازگشایی رمز، بازیابی رمز با اثر "
                     "انگشت و فعال‌سازی امضای دیجیتال",
                     "Read and check your card, change or unblock a PIN, reset a PIN with "
                     "your fingerprint, activate your digital signature"),
    "attract.start": ("برای شروع، کارت ملی خود را در کارت‌خوان بگذارید",
                      "Insert your national card to begin"),
    "attract.touch": ("یا برای راهنما صفحه را لمس کنید", "or touch the screen for help"),
    "insert.title": ("کارت خود را وارد کنید", "Insert your card"),
    "insert.body": ("کارت را با تراشهٔ طلایی رو به بالا، تا انتها در کارت‌خوان زیر صفحه "
                    "فرو کنید. تا پایان کار کارت را بیرون نکشید.",
                    "Push the card into the reader below the screen, gold chip up, all the "
                    "way in. Leave it there until you have finished."),
    "reading.title": ("در حال خواندن کارت", "Reading your card"),
    "reading.body": ("اصالت کارت با امضای صادرکننده و تراشه بررسی می‌شود.",
                     "Its authenticity is checked against the issuer's signature and the chip."),
    "identity.title": ("اطلاعات کارت", "Your card"),
    "identity.genuine": ("کارت اصل است", "Genuine card"),
    "identity.genuine_detail": ("امضای صادرکننده و تراشهٔ کارت تأیید شد.",
                                "The issuer's signature and the chip were verified."),
    "identity.forged": ("این کارت اصل نیست", "This card is not genuine"),
    "identity.forged_detail": ("اطلاعات این کارت نمایش داده نمی‌شود، چون بررسی اصالت آن "
                               "ناموفق بود:",
                               "Its data is not shown because it failed the authenticity "
                               "check:"),
    "identity.forged_next": ("کارت را بردارید و آن را به دفتر پیشخوان یا ثبت احوال ببرید.",
                             "Take the card and bring it to a service office or the registry."),
    "label.name": ("نام و نام خانوادگی", "Name"),
    "label.father_name": ("نام پدر", "Father's name"),
    "label.national_code": ("کد ملی", "National code"),
    "label.birth_date": ("تاریخ تولد", "Date of birth"),
    "label.card_serial": ("سریال کارت", "Card serial"),
    "label.expiry_date": ("تاریخ انقضا", "Expires"),
    "label.lifecycle": ("وضعیت کارت", "Card state"),
    "button.services": ("خدمات کارت", "Card services"),
    "button.finish": ("پایان", "Finish"),
    "button.back": ("بازگشت", "Back"),
    "button.cancel": ("انصراف", "Cancel"),
    "button.retry": ("دوباره امتحان کنید", "Try again"),
    "button.confirm": ("تأیید و ادامه", "Confirm and continue"),
    "button.ok": ("تأیید", "OK"),
    "button.clear": ("پاک", "Clear"),
    "button.delete": ("حذف", "Delete"),
    "button.more": ("خدمات دیگر", "Other services"),
    "menu.title": ("چه کاری می‌خواهید انجام دهید؟", "What would you like to do?"),
    "menu.looking": ("در حال بررسی وضعیت کارت", "Checking your card"),
    "menu.status": ("وضعیت رمزها", "PIN status"),
    "menu.none": ("این کارت اکنون خدمتی در این کیوسک ندارد.",
                  "This card has no service available at this kiosk now."),
    "status.pin": ("{pin}: {tries}", "{pin}: {tries}"),
    "status.blocked": ("مسدود", "blocked"),
    "status.not_set": ("تعیین نشده", "not set"),
    "status.short.PIN2": ("رمز دوم", "PIN2"),
    "status.finger": ("اثر انگشت: {tries}", "Fingerprint: {tries}"),
    "Service.CHANGE_PIN1": ("تغییر رمز اول", "Change PIN1"),
    "Service.CHANGE_PIN2": ("تغییر رمز امضا (رمز دوم)", "Change the signature PIN (PIN2)"),
    "Service.UNBLOCK_PIN1": ("بازگشایی رمز اول با PUK", "Unblock PIN1 with the PUK"),
    "Service.UNBLOCK_PIN2": ("بازگشایی رمز دوم با PUK", "Unblock PIN2 with the PUK"),
    "Service.RESET_PIN1_BY_FINGER": ("رمز اول را فراموش کرده‌ام", "I forgot PIN1"),
    "Service.RESET_PIN2_BY_FINGER": ("رمز دوم را فراموش کرده‌ام", "I forgot PIN2"),
    "Service.VERIFY_FINGER": ("تأیید هویت با اثر انگشت", "Verify my fingerprint"),
    "Service.ACTIVATE_SIGNATURE": ("فعال‌سازی امضای دیجیتال", "Activate my digital signature"),
    "Service.DELIVER": ("تحویل کارت (ویژهٔ متصدی دفتر)", "Card hand-over (office operator)"),
    "Service.READ": ("اطلاعات کارت", "My card's data"),
    "hint.CHANGE_PIN1": ("با رمز فعلی؛ {tries}", "With your current PIN; {tries}"),
    "hint.CHANGE_PIN2": ("با رمز فعلی؛ {tries}", "With your current PIN; {tries}"),
    "hint.UNBLOCK_PIN1": ("با کد PUK نامهٔ رمز؛ {tries}",
                           "With the PUK from your PIN letter; {tries}"),
    "hint.UNBLOCK_PIN2": ("با کد PUK نامهٔ رمز؛ {tries}",
                           "With the PUK from your PIN letter; {tries}"),
    "hint.RESET_PIN1_BY_FINGER": ("با اثر انگشت، بی‌نیاز از PUK؛ {tries}",
                                  "With your fingerprint, no PUK needed; {tries}"),
    "hint.RESET_PIN2_BY_FINGER": ("با اثر انگشت، بی‌نیاز از PUK؛ {tries}",
                                  "With your fingerprint, no PUK needed; {tries}"),
    "hint.VERIFY_FINGER": ("کارت اثر انگشت شما را می‌سنجد؛ {tries}",
                           "The card checks your finger; {tries}"),
    "hint.ACTIVATE_SIGNATURE": ("هزینه: {fee}", "Fee: {fee}"),
    "hint.DELIVER": ("با کد متصدی", "Needs the operator's code"),
    "hint.READ": ("نام، کد ملی و اعتبار کارت", "Name, national code and validity"),
    "pin.PIN1": ("رمز اول", "PIN1"),
    "pin.PIN2": ("رمز امضا (رمز دوم)", "signature PIN (PIN2)"),
    "pin.PUK": ("کد \u2066PUK\u2069\u200f", "PUK"),  # isolated: "PUK: ۱۰" must not read "۱۰ :PUK"
    "pin.enter_current": ("{pin} فعلی را وارد کنید", "Enter your current {pin}"),
    "pin.enter": ("{pin} را وارد کنید", "Enter your {pin}"),
    "pin.enter_new": ("{pin} تازه را انتخاب کنید", "Choose your new {pin}"),
    "pin.enter_again": ("{pin} تازه را دوباره وارد کنید", "Enter the new {pin} again"),
    "pin.length": ("{span} رقم", "{span} digits"),
    "pin.span": ("{low} تا {high}", "{low} to {high}"),
    "pin.tries": ("{tries} پیش از مسدود شدن", "{tries} before it blocks"),
    "pin.wrong": ("رمز نادرست بود. {tries}.", "Wrong PIN. {tries}."),
    "pin.not_accepted": ("پذیرفته نشد: {why}", "Not accepted: {why}"),
    "pin.shuffled": ("جای رقم‌ها هر بار عوض می‌شود", "The keys move each time"),
    "pin.checking": ("در حال بررسی رمز", "Checking your PIN"),
    "pin.changing": ("در حال ثبت رمز تازه روی کارت", "Writing your new PIN to the card"),
    "pin.operator": ("کد متصدی دفتر را وارد کنید", "Operator's code"),
    "pin.operator_wrong": ("کد متصدی نادرست است.", "Wrong operator code."),
    "pin.exit": ("برای خروج از کیوسک، کد متصدی را وارد کنید", "Operator's code to leave the kiosk"),
    "finger.title": ("اثر انگشت", "Fingerprint"),
    "finger.which": ("{finger} خود را روی حسگر بگذارید", "Place your {finger} on the sensor"),
    "finger.tries": ("کارت {tries} فرصت دیگر برای این انگشت دارد.",
                     "The card allows {tries} more for this finger."),
    "finger.matching": ("کارت در حال سنجش اثر انگشت است", "The card is checking your finger"),
    "finger.not_recognised": ("کارت این انگشت را نشناخت", "The card did not recognise this finger"),
    "finger.not_recognised_body": ("انگشت را بردارید، تمیز کنید و دوباره امتحان کنید. "
                                   "{tries}.",
                                   "Lift your finger, wipe it, and try again. {tries}."),
    "finger.matched_new_pin": ("اثر انگشت تأیید شد. اکنون رمز تازه را انتخاب کنید.",
                               "Fingerprint verified. Now choose your new PIN."),
    "activation.title": ("فعال‌سازی امضای دیجیتال", "Digital signature activation"),
    "activation.body": ("کارت کلید امضای شما را می‌سازد و گواهی آن صادر و روی کارت نوشته "
                        "می‌شود. پس از آن می‌توانید اسناد را با رمز امضا (رمز دوم) امضا کنید.",
                        "Your card makes your signature key, and its certificate is issued "
                        "and written to the card. You then sign documents with your "
                        "signature PIN (PIN2)."),
    "activation.fee": ("هزینه: {fee}", "Fee: {fee}"),
    "activation.resuming": ("فعال‌سازی پیشین نیمه‌کاره ماند؛ از همان‌جا ادامه می‌یابد.",
                            "An earlier activation did not finish; it continues where it "
                            "stopped."),
    "activation.working": ("در حال فعال‌سازی امضا", "Activating your signature"),
    "activation.wait": ("چند ثانیه صبر کنید و کارت را بیرون نکشید.",
                        "This takes a few seconds. Leave the card in."),
    "deliver.title": ("تحویل کارت", "Card hand-over"),
    "deliver.reading": ("در حال خواندن و بررسی کارت تازه", "Reading and checking the new card"),
    "deliver.activating": ("در حال فعال‌سازی کارت", "Activating the card"),
    "working.title": ("لطفاً صبر کنید", "Please wait"),
    "working.card": ("کارت را بیرون نکشید.", "Leave the card in."),
    "idle.warning": ("هنوز اینجا هستید؟", "Are you still there?"),
    "removed.title": ("کارت بیرون کشیده شد", "The card was removed"),
    "removed.body": ("کار نیمه‌تمام ماند و چیزی روی کارت تغییر نکرد، مگر آنچه پیش‌تر "
                     "تأیید شده بود. برای ادامه، کارت را دوباره وارد کنید.",
                     "The service stopped. Insert the card again to start over."),
    "timeout.title": ("زمان به پایان رسید", "Time is up"),
    "timeout.body": ("برای امنیت شما، کار لغو و صفحه پاک شد. کارت خود را بردارید.",
                     "For your safety the session was closed and the screen cleared. "
                     "Take your card."),
    "take_card": ("کارت خود را بردارید.", "Take your card."),
    "lifecycle.PERSONALIZED": ("صادرشده، هنوز تحویل نشده", "Issued, not yet handed over"),
    "lifecycle.ACTIVE": ("فعال", "Active"),
    "lifecycle.SIGNATURE_ACTIVE": ("فعال، با امضای دیجیتال", "Active, with digital signature"),
    "lifecycle.BLOCKED": ("مسدود", "Blocked"),
    "lifecycle.TERMINATED": ("باطل‌شده", "Cancelled"),
    "gender.MALE": ("مرد", "Male"),
    "gender.FEMALE": ("زن", "Female"),
}
UI.update(OUTCOMES)
UI.update(REGISTRY_UI)
UI.update(TROUBLE_UI)


class UiWords:
    """Sentences in one language."""

    def __init__(self, lang: Lang = "fa") -> None:
        self.lang: Lang = lang

    def key(self, item: str | Enum) -> str:
        return f"{type(item).__name__}.{item.name}" if isinstance(item, Enum) else item

    def has(self, item: str | Enum) -> bool:
        key = self.key(item)
        return key in UI or key in CLI_CATALOG

    def say(self, item: str | Enum, **fields: Any) -> str:
        key = self.key(item)
        if key in UI:
            fa, en = UI[key]
        elif key in CLI_CATALOG:
            en, fa = CLI_CATALOG[key]
        else:
            raise KeyError(key)
        text = fa if self.lang == "fa" else en
        return text.format(**fields) if fields else text

    def number(self, n: int) -> str:
        return digits(n, self.lang)

