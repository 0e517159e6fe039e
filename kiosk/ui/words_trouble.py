"""The touchscreen's sentences for whatever went wrong with a registry call: the
registry or its service unreachable or busy, the bank silent, a refusal by a rule, a
device or operator the service does not accept.

Part of the kiosk's one wording place (``words.py`` merges it); kept apart from
``words_registry`` so that each stays short.
"""

from __future__ import annotations

TROUBLE_UI: dict[str, tuple[str, str]] = {  # key: (Persian, English)
    "trouble.busy": ("سامانهٔ ثبت مشغول است", "The registry is busy"),
    "trouble.busy_body": ("چند لحظه بعد دوباره امتحان کنید؛ چیزی ثبت نشد.",
                          "Try again in a moment; nothing was recorded."),
    "trouble.unavailable": ("سامانهٔ ثبت در دسترس نیست", "The registry cannot be reached"),
    "trouble.unavailable_body": ("اکنون ارتباط با سامانهٔ ثبت برقرار نیست و چیزی ثبت نشد. کمی "
                                 "بعد دوباره امتحان کنید یا از متصدی کمک بخواهید.",
                                 "The registry is not answering and nothing was recorded. "
                                 "Try again later, or ask staff for help."),
    "trouble.bank": ("درگاه بانک پاسخ نداد", "The bank did not answer"),
    "trouble.bank_body": ("مبلغی کسر نشد. دوباره امتحان کنید.",
                          "Nothing was charged. Try again."),
    "trouble.internal": ("خطایی در کیوسک رخ داد", "Something went wrong in the kiosk"),
    "trouble.internal_body": ("چیزی ثبت نشد. دوباره امتحان کنید یا از متصدی کمک بخواهید.",
                              "Nothing was recorded. Try again, or ask staff for help."),
    "trouble.refused": ("انجام نشد", "Not done"),
    "notfound.application": ("درخواستی با این مشخصات نیست.", "No application matches that."),
    "notfound.office": ("چنین دفتری نیست.", "No such office."),
    "notfound.appointment": ("چنین نوبتی نیست.", "No such appointment."),
    "notfound.card": ("کارتی برای این متقاضی در انتظار تحویل نیست.",
                      "No card awaits this applicant."),
    "notfound.enrolment": ("ثبت‌نام هنوز در دفتر تکمیل نشده است.",
                           "The registration is not completed at an office yet."),
    "notfound.other": ("یافت نشد.", "Not found."),
    "refused.exists": ("برای این کد ملی درخواستی در جریان است (وضعیت: {status}). از «پیگیری "
                       "درخواست» یا «بازیابی کد رهگیری» استفاده کنید.",
                       "This national code already has an application in progress "
                       "({status}). Use \u201cApplication status\u201d or \u201cRecover a "
                       "tracking code\u201d."),
    "refused.transition": ("اکنون ممکن نیست؛ وضعیت درخواست: {status}.",
                           "Not possible now; the application is: {status}."),
    "refused.slot_gone": ("در {day} نوبت آزادی در آن دفتر نمانده است.",
                          "No free place is left at that office on {day}."),
    "refused.closed": ("آن دفتر در {day} تعطیل است.", "That office is closed on {day}."),
    "refused.booking": ("نوبت‌گیری ممکن نیست: {why}.", "Booking is not possible: {why}."),
    "refused.mark": ("ثبت حضور ممکن نیست: {why}.", "Cannot be marked: {why}."),
    "refused.payment.NOTHING_DUE": ("هزینه‌ای برای پرداخت نمانده است.", "Nothing is due."),
    "refused.payment.NO_LIVE_HOLD": ("نوبتی برای شما نگه داشته نشده است.",
                                     "No place is kept for you now."),
    "refused.payment.conflict": ("این پرداخت پیش‌تر با مبلغ دیگری آغاز شده است.",
                                 "This payment was started for another amount."),
    "refused.office": ("پذیرفته نشد: {why}.", "Refused: {why}."),
    "refused.request": ("درخواست کامل نبود؛ دوباره امتحان کنید.",
                        "The request was incomplete; try again."),
    "refused.no_office": ("این کیوسک برای هیچ دفتری تنظیم نشده است.",
                          "This kiosk is not set up for an office."),
    "refused.other": ("سامانهٔ ثبت این کار را نپذیرفت.", "The registry refused this."),
    "refused.already": ("این کار پیش‌تر انجام شده است؛ پرونده را دوباره باز کنید.",
                        "This step was already done; open the record again."),
    "refused.access.OPERATOR_REQUIRED": ("برای کارهای دفتر، متصدی باید با کارت ملی خود در "
                                         "این میز وارد شده باشد.",
                                         "Office steps need an operator signed in at this "
                                         "desk with their national card."),
    "refused.access.SESSION_INVALID": ("ورود متصدی به پایان رسیده است؛ دوباره وارد شوید.",
                                       "The operator's sign-in has ended; sign in again."),
    "refused.access.MANAGER_REQUIRED": ("این تصمیم با مدیر دفتر است.",
                                        "This decision is the office manager's."),
    "refused.access.OTHER_OFFICE": ("این کار از آنِ دفتر دیگری است.",
                                    "This belongs to another office."),
    "refused.access.other": ("این دستگاه اجازهٔ این کار را ندارد؛ از متصدی کمک بخواهید.",
                             "This device may not do this; ask staff for help."),
}
