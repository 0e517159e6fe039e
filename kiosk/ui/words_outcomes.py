"""How each service ended, worded for the screen: a title and what to do next.

Part of the kiosk's one wording place (``words.py`` merges it); kept apart because every
``Ending`` needs its own pair of sentences. Keys: ``end.<ENDING>`` (title) and
``next.<ENDING>`` (what to do now); ``done.<Service>`` words each success.
"""

from __future__ import annotations

OUTCOMES: dict[str, tuple[str, str]] = {  # key: (Persian, English)
    "done.CHANGE_PIN1": ("رمز اول تغییر کرد", "PIN1 changed"),
    "done.CHANGE_PIN2": ("رمز امضا تغییر کرد", "Signature PIN changed"),
    "done.UNBLOCK_PIN1": ("رمز اول بازگشایی شد", "PIN1 unblocked"),
    "done.UNBLOCK_PIN2": ("رمز امضا بازگشایی شد", "Signature PIN unblocked"),
    "done.RESET_PIN1_BY_FINGER": ("رمز اول تازه تنظیم شد", "Your new PIN1 is set"),
    "done.RESET_PIN2_BY_FINGER": ("رمز امضای تازه تنظیم شد", "Your new signature PIN is set"),
    "done.VERIFY_FINGER": ("اثر انگشت شما تأیید شد", "Your fingerprint was verified"),
    "done.ACTIVATE_SIGNATURE": ("امضای دیجیتال شما فعال شد", "Your digital signature is active"),
    "done.DELIVER": ("کارت تحویل و فعال شد", "Card handed over and activated"),
    "done.next": ("از این پس از رمز تازه استفاده کنید. آن را به کسی نگویید.",
                  "Use the new PIN from now on, and tell it to no one."),
    "done.next_finger": ("کارت تأیید کرد که شما دارندهٔ آن هستید.",
                         "The card confirmed that you are its holder."),
    "done.next_signature": ("گواهی امضای شما تا {day} معتبر است. برای امضا، رمز دوم لازم است.",
                            "Your signature certificate is valid until {day}. Signing asks "
                            "for PIN2."),
    "done.next_deliver": ("دارندهٔ کارت رمز اول را انتخاب کرد. تحویل ثبت شد.",
                          "The holder chose PIN1. The hand-over is recorded."),
    "done.puk_note": ("توجه: کد PUK این کارت تمام شده است؛ در فرصت مناسب در دفتر پیشخوان "
                      "کارت المثنی بگیرید.",
                      "Note: this card's PUK is used up; have the card reissued at an "
                      "office when you can."),
    "end.CANCELLED": ("لغو شد", "Cancelled"),
    "next.CANCELLED": ("چیزی تغییر نکرد.", "Nothing was changed."),
    "end.TIMED_OUT": ("زمان به پایان رسید", "Time is up"),
    "next.TIMED_OUT": ("برای امنیت شما کار لغو شد؛ چیزی تغییر نکرد.",
                       "For your safety the service was stopped; nothing was changed."),
    "end.CARD_REMOVED": ("کارت بیرون کشیده شد", "The card was removed"),
    "next.CARD_REMOVED": ("کار نیمه‌تمام ماند. برای شروع دوباره، کارت را وارد کنید.",
                          "The service stopped. Insert the card to start again."),
    "end.NO_CARD": ("کارتی در کارت‌خوان نیست", "No card in the reader"),
    "next.NO_CARD": ("کارت را تا انتها وارد کنید.", "Push the card all the way in."),
    "end.READER_UNAVAILABLE": ("کارت‌خوان در دسترس نیست", "The card reader is not available"),
    "next.READER_UNAVAILABLE": ("این کیوسک اکنون کار نمی‌کند؛ از متصدی کمک بخواهید.",
                                "This kiosk is out of order; please ask staff for help."),
    "end.CARD_BUSY": ("کارت مشغول است", "The card is busy"),
    "next.CARD_BUSY": ("چند لحظه بعد دوباره امتحان کنید.", "Try again in a moment."),
    "end.CARD_NOT_ANSWERING": ("کارت پاسخ نمی‌دهد", "The card is not answering"),
    "next.CARD_NOT_ANSWERING": ("کارت را بیرون بیاورید، تراشه را تمیز کنید و دوباره وارد کنید.",
                                "Take the card out, wipe the chip, and insert it again."),
    "end.CARD_ERROR": ("کارت پاسخی نامنتظر داد", "The card gave an unexpected answer"),
    "next.CARD_ERROR": ("اگر دوباره رخ داد، کارت را به دفتر پیشخوان ببرید.",
                        "If it happens again, take the card to a service office."),
    "end.NOT_GENUINE": ("این کارت اصل نیست", "This card is not genuine"),
    "next.NOT_GENUINE": ("روی این کارت کاری انجام نشد. آن را به دفتر پیشخوان یا ثبت احوال "
                         "ببرید.",
                         "Nothing was done with this card. Bring it to a service office or "
                         "the registry."),
    "end.WRONG_SECRET": ("{pin} نادرست بود", "Wrong {pin}"),
    "next.WRONG_SECRET": ("{tries}. اگر رمز را به یاد ندارید، «رمز را فراموش کرده‌ام» را "
                          "بزنید.",
                          "{tries}. If you do not remember it, choose \u201cI forgot\u201d."),
    "end.SECRET_BLOCKED": ("{pin} مسدود است", "{pin} is blocked"),
    "next.SECRET_BLOCKED": ("با اثر انگشت یا کد PUK رمز تازه بگذارید، یا به دفتر پیشخوان "
                            "بروید.",
                            "Set a new one with your fingerprint or the PUK, or visit a "
                            "service office."),
    "next.SECRET_BLOCKED_NO_PUK": ("کد PUK هم تمام شده است: در دفتر پیشخوان کارت المثنی "
                                   "بگیرید.",
                                   "The PUK is used up too: have the card reissued at a "
                                   "service office."),
    "end.PIN_SERVICES_GONE": ("کد PUK تمام شده است", "The PUK is used up"),
    "next.PIN_SERVICES_GONE": ("رمزهای این کارت دیگر بازگشایی نمی‌شوند؛ در دفتر پیشخوان "
                               "کارت المثنی بگیرید.",
                               "No PIN on this card can be unblocked any more; have the card "
                               "reissued at a service office."),
    "end.PIN_NOT_SET": ("{pin} هنوز تعیین نشده است", "{pin} is not set yet"),
    "next.PIN_NOT_SET": ("رمز امضا هنگام فعال‌سازی امضای دیجیتال انتخاب می‌شود.",
                         "The signature PIN is chosen when you activate your digital "
                         "signature."),
    "end.POLICY_REFUSED": ("رمز تازه پذیرفته نشد", "The new PIN was not accepted"),
    "next.POLICY_REFUSED": ("{why}. رمز شما تغییر نکرد؛ دوباره از فهرست خدمات شروع کنید.",
                            "{why}. Your PIN did not change; start again from the services."),
    "end.FINGER_NOT_MATCHED": ("کارت اثر انگشت را نشناخت", "The card did not recognise the "
                               "finger"),
    "next.FINGER_NOT_MATCHED": ("{tries}. می‌توانید با رمز یا PUK ادامه دهید.",
                                "{tries}. You can still use your PIN or the PUK."),
    "end.FINGER_BLOCKED": ("تأیید با اثر انگشت مسدود است",
                           "Fingerprint verification is blocked"),
    "next.FINGER_BLOCKED": ("رمز و PUK همچنان کار می‌کنند؛ برای بازگشایی به دفتر پیشخوان "
                            "بروید.",
                            "Your PIN and PUK still work; visit a service office to unblock "
                            "it."),
    "end.FINGER_NOT_ENROLLED": ("این انگشت روی کارت ثبت نشده است",
                                "That finger is not on this card"),
    "next.FINGER_NOT_ENROLLED": ("به دفتر پیشخوان مراجعه کنید.", "Please visit a service office."),
    "end.NO_USABLE_TOUCH": ("تصویر انگشت واضح نبود", "The fingerprint was not clear"),
    "next.NO_USABLE_TOUCH": ("انگشت و حسگر را تمیز کنید و آرام و کامل روی حسگر بگذارید. "
                             "فرصتی از کارت کم نشد.",
                             "Wipe your finger and the sensor, and press it flat and still. "
                             "No try was spent."),
    "end.NO_FINGER": ("انگشتی روی حسگر قرار نگرفت", "No finger was placed"),
    "next.NO_FINGER": ("هر وقت آماده بودید دوباره شروع کنید. فرصتی از کارت کم نشد.",
                       "Start again when you are ready. No try was spent."),
    "end.SENSOR_ERROR": ("حسگر اثر انگشت کار نمی‌کند", "The fingerprint sensor is not working"),
    "next.SENSOR_ERROR": ("از متصدی کمک بخواهید؛ خدمات رمز با PUK همچنان در دسترس است.",
                          "Please ask staff for help; PUK services still work."),
    "end.WRONG_CARD": ("این کارتِ همین متقاضی نیست", "This is not this applicant's card"),
    "next.WRONG_CARD": ("کارت درست را وارد کنید.", "Insert the right card."),
    "end.NOT_DELIVERED": ("این کارت هنوز تحویل داده نشده است", "This card has not been handed "
                          "over yet"),
    "next.NOT_DELIVERED": ("کارت هنگام تحویل در دفتر پیشخوان، پس از بررسی اثر انگشت، فعال "
                           "می‌شود.",
                           "It is activated at the office when it is handed over, after "
                           "your fingerprint is checked."),
    "end.ALREADY_DELIVERED": ("این کارت پیش‌تر تحویل شده است",
                              "This card was already handed over"),
    "next.ALREADY_DELIVERED": ("کاری لازم نیست.", "Nothing more to do."),
    "end.CARD_UNUSABLE": ("این کارت دیگر قابل استفاده نیست", "This card can no longer be used"),
    "next.CARD_UNUSABLE": ("در دفتر پیشخوان کارت المثنی بگیرید.",
                           "Have it reissued at a service office."),
    "end.SIGNATURE_NOT_ACTIVE": ("امضای دیجیتال فعال نیست", "The digital signature is not "
                                 "active"),
    "next.SIGNATURE_NOT_ACTIVE": ("نخست «فعال‌سازی امضای دیجیتال» را انجام دهید.",
                                  "Activate your digital signature first."),
    "end.ALREADY_ACTIVE": ("امضای دیجیتال شما پیش‌تر فعال شده است",
                           "Your digital signature is already active"),
    "next.ALREADY_ACTIVE": ("کاری لازم نیست.", "Nothing more to do."),
    "end.ACTIVATION_STOPPED": ("فعال‌سازی متوقف شد", "Activation stopped"),
    "next.ACTIVATION_STOPPED": ("{why}.", "{why}."),
    "end.SIGNATURE_INVALID": ("امضا معتبر نیست", "The signature is not valid"),
    "next.SIGNATURE_INVALID": ("", ""),
    "end.INTERNAL_ERROR": ("خطایی در کیوسک رخ داد", "Something went wrong in the kiosk"),
    "next.INTERNAL_ERROR": ("چیزی تغییر نکرد. دوباره امتحان کنید یا از متصدی کمک بخواهید.",
                            "Nothing was changed. Try again, or ask staff for help."),
}
