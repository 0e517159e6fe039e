"""The views a desk shows: forms, choices, sheets, worded refusals. Kivy-free.

A view's ``data`` is plain: texts already worded (:mod:`kiosk.ui.words`), numbers and
codes already formatted by :mod:`kiosk.text`, and :class:`Button` / :class:`Tile`
records naming the action a tap sends back. The generic screens (``kiosk/ui/screens``)
draw them and know nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jdatetime

from kiosk.text import amount, certificate_serial, digits, jalali_date, ltr, number
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from kiosk.ui.words import UiWords
from registry.clock import iran_date, iran_time
from registry.documents import InvalidDocuments
from registry.errors import (
    BookingNotAllowed,
    CaptchaFailed,
    FeeNotDefined,
    InvalidForm,
    InvalidTrackingCode,
    NotEligible,
    RegistryError,
    TransitionRefused,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.refusals import (
    ApplicationExists,
    AppointmentNotMarkable,
    BookingRefused,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    NotFound,
    OfficeClosed,
    PaymentRefused,
    RateLimited,
    SlotGone,
)
from registry.service_errors import (
    AccessDenied,
    AlreadyApplied,
    RequestInProgress,
    ServiceUnavailable,
)
from registry.storage.errors import (
    RegistryBusy,
    SchemaError,
    StorageConflict,
    StorageUnavailable,
)


class OfficeNotConfigured(RegistryError):
    """Office mode on a kiosk that serves no office (``Settings.office_id`` unset)."""

    def __init__(self) -> None:
        super().__init__("this kiosk is not set up for an office")


@dataclass(frozen=True)
class Button:
    """A button of a view: what it says and the action a tap sends (with ``arg``)."""

    id: str
    text: str
    action: str
    arg: Any = None
    role: str = "primary"       # primary, secondary, danger
    enabled: bool = True


@dataclass(frozen=True)
class Tile:
    """One choice of a ``choices`` view."""

    title: str
    hint: str
    action: str
    arg: Any = None
    enabled: bool = True
    selected: bool = False
    badge: str = ""             # a short figure shown large (free places, a count)
    tone: str = "info"


def toman_and_rial(w: UiWords, rial: int) -> str:
    """"۶۰٬۰۰۰ تومان (۶۰۰٬۰۰۰ ریال)": what a person reads, and the unit banks print."""
    if rial % 10:
        return amount(rial, w.lang, "rial")
    return w.say("money.both", toman=amount(rial, w.lang), rial=amount(rial, w.lang, "rial"))


def grouped_code(code: str, lang: str, group: int = 4) -> str:
    """A tracking code in groups of four, kept left to right in any paragraph."""
    text = "-".join(code[i:i + group] for i in range(0, len(code), group))
    return ltr(digits(text, lang))  # type: ignore[arg-type]


def day_text(w: UiWords, day: jdatetime.date | dt.date | None) -> str:
    return jalali_date(day, w.lang) if day is not None else "—"


def time_text(w: UiWords, instant: dt.datetime) -> str:
    """A wall-clock time in Iran and its day: "۱۴:۳۰، ۹ آذر ۱۴۰۵"."""
    local = iran_time(instant)
    return w.say("time.at", time=ltr(digits(f"{local:%H:%M}", w.lang)),
                 day=jalali_date(iran_date(instant), w.lang))


def countdown(w: UiWords, seconds: float) -> str:
    left = max(0, int(seconds + 0.999))
    return ltr(digits(f"{left // 60:02d}:{left % 60:02d}", w.lang))


# --- forms ------------------------------------------------------------------------------

def field_value(w: UiWords, f: Field) -> str:
    """What a field shows: digits in the language's script, codes kept in order."""
    if f.keys is Keys.DATE:
        return jalali_date(f.day, w.lang) if f.day is not None else ""
    if f.keys is Keys.CHOICE:
        return w.say(f"choice.{f.name}.{f.value}") if f.value else ""
    if not f.value:
        return ""
    if f.keys is Keys.DIGITS:
        text = f.value
        if f.group:
            text = "-".join(text[i:i + f.group] for i in range(0, len(text), f.group))
        return ltr(digits(text, w.lang))
    if f.name == "serial":
        return certificate_serial(f.value, w.lang)
    return digits(f.value, w.lang)


def form_view(w: UiWords, title: str, form: Form, buttons: Sequence[Button], *,
              body: str = "", note: str = "", tone: str = "info",
              captcha: str | None = None) -> View:
    problems = form.problems()
    fields = []
    for i, f in enumerate(form.fields):
        problem = problems.get(f.name)
        fields.append({
            "name": f.name, "label": w.say(f"field.{f.name}"), "value": field_value(w, f),
            "hint": w.say(f"hint.field.{f.name}") if w.has(f"hint.field.{f.name}") else "",
            "problem": w.say(problem) if problem is not None else "",
            "focused": i == form.focus,
            "ok": f.touched and not f.empty and problem is None,
        })
    current = form.current
    data: dict[str, Any] = {"fields": fields, "keys": current.keys.value,
                            "buttons": list(buttons), "focus": current.name}
    if current.keys is Keys.CHOICE:
        data["choices"] = [{"value": v, "text": w.say(f"choice.{current.name}.{v}"),
                            "selected": v == current.value} for v in current.choices]
    if current.keys is Keys.DATE:
        day = current.day
        data["date"] = {
            "year": digits(day.year, w.lang) if day else "—",
            "month": jalali_date(day, w.lang).split(" ")[1] if day else "—",
            "day": digits(day.day, w.lang) if day else "—",
        }
    if captcha is not None:
        data["captcha"] = digits(captcha, w.lang)
    return View("form", title, body, note=note, tone=tone, data=data)


# --- sheets and choices -----------------------------------------------------------------

def sheet_view(w: UiWords, title: str, body: str = "", *,
               rows: Sequence[tuple[str, str]] = (), code: str | None = None,
               code_label: str = "", steps: Sequence[dict[str, str]] | None = None,
               countdown_text: str | None = None, note: str = "", tone: str = "info",
               buttons: Sequence[Button] = (), banner: str = "",
               photo: bytes | None = None) -> View:
    """A page of facts: rows, a big code, a timeline, a countdown, a note, buttons."""
    return View("sheet", title, body, note=note, tone=tone, data={
        "rows": list(rows), "code": code or "", "code_label": code_label,
        "steps": list(steps or ()), "countdown": countdown_text or "",
        "banner": banner, "buttons": list(buttons), "photo": photo})


def choices_view(w: UiWords, title: str, tiles: Sequence[Tile], buttons: Sequence[Button],
                 *, body: str = "", note: str = "", tone: str = "info") -> View:
    return View("choices", title, body, note=note, tone=tone,
                data={"tiles": list(tiles), "buttons": list(buttons),
                      "empty": w.say("choices.none") if not tiles else ""})


def working_view(w: UiWords, title_key: str = "working.registry",
                 body_key: str = "working.registry_body") -> View:
    return View("working", w.say(title_key), w.say(body_key))


# --- what the registry refused ----------------------------------------------------------

UNAVAILABLE = (RegistryBusy, StorageUnavailable, SchemaError, StorageConflict,
               GatewayUnavailable, ServiceUnavailable)


def trouble(w: UiWords, error: BaseException) -> tuple[str, str, str]:
    """(title, body, tone) for any error a registry call ended with; never a traceback."""
    if isinstance(error, (RegistryBusy, RequestInProgress)):
        return w.say("trouble.busy"), w.say("trouble.busy_body"), "warn"
    if isinstance(error, GatewayUnavailable):
        return w.say("trouble.bank"), w.say("trouble.bank_body"), "warn"
    if isinstance(error, UNAVAILABLE):
        return w.say("trouble.unavailable"), w.say("trouble.unavailable_body"), "bad"
    if not isinstance(error, RegistryError):
        return w.say("trouble.internal"), w.say("trouble.internal_body"), "bad"
    return w.say("trouble.refused"), refusal(w, error), "warn"


def refusal(w: UiWords, error: RegistryError) -> str:
    """One sentence for a refusal of the registry, in the kiosk's words."""
    if isinstance(error, OfficeNotConfigured):
        return w.say("refused.no_office")
    if isinstance(error, NotEligible):
        return w.say("not_eligible", why=w.say(error.refusal, day=day_text(
            w, error.eligible_from)))
    if isinstance(error, NotFound):
        return w.say(f"notfound.{error.kind}") if w.has(f"notfound.{error.kind}") \
            else w.say("notfound.other")
    if isinstance(error, ApplicationExists):
        return w.say("refused.exists", status=w.say(error.status))
    if isinstance(error, TransitionRefused):
        return w.say("refused.transition", status=w.say(error.from_status))
    if isinstance(error, SlotGone):
        return w.say("refused.slot_gone", day=day_text(w, error.day))
    if isinstance(error, OfficeClosed):
        return w.say("refused.closed", day=day_text(w, error.day))
    if isinstance(error, BookingNotAllowed):
        return w.say("refused.booking", why=w.say(error.block, day=day_text(w, error.until)))
    if isinstance(error, BookingRefused):
        return w.say("refused.booking", why=w.say(error.reason, day=day_text(w, error.day)))
    if isinstance(error, AppointmentNotMarkable):
        return w.say("refused.mark", why=w.say(error.reason))
    if isinstance(error, PaymentRefused):
        return w.say(f"refused.payment.{error.reason.name}")
    if isinstance(error, RateLimited):
        return rate_limited(w, error, None)
    if isinstance(error, IdempotencyConflict):
        return w.say("refused.payment.conflict")
    if isinstance(error, OfficeStepRefused):
        return office_refusal(w, error)
    if isinstance(error, InvalidDocuments):
        return w.say("InvalidDocuments") + " " + "، ".join(
            f"{w.say(p.field)}: {w.say(p.problem)}" for p in error.problems)
    if isinstance(error, InvalidForm):
        return w.say("form.invalid") + " " + "، ".join(
            f"{w.say(p.field)}: {w.say(p.problem)}" for p in error.problems)
    if isinstance(error, InvalidTrackingCode):
        return f"{w.say('Field.TRACKING_CODE')}: {w.say(error.problem)}"
    if isinstance(error, CaptchaFailed):
        return w.say(error.result)
    if isinstance(error, (InvalidRequest, FeeNotDefined)):
        return w.say("refused.request")
    if isinstance(error, AccessDenied):       # the registry service's, before its rules
        key = f"refused.access.{error.reason.name}"
        return w.say(key) if w.has(key) else w.say("refused.access.other")
    if isinstance(error, AlreadyApplied):
        return w.say("refused.already")
    return w.say("refused.other")


def rate_limited(w: UiWords, error: RateLimited, now: dt.datetime | None) -> str:
    """Too many attempts: for whom, when the next one is accepted, and in how long."""
    text = w.say("refused.rate_limited", scope=w.say(error.scope),
                 at=time_text(w, error.retry_at))
    if now is not None:
        minutes = max(1, int((error.retry_at - now).total_seconds() + 59) // 60)
        text += " " + w.say("refused.rate_in", minutes=number(minutes, w.lang))
    return text


def office_refusal(w: UiWords, error: OfficeStepRefused) -> str:
    detail = error.detail or ""
    if error.reason is OfficeRefusal.PHOTO and detail:
        detail = w.say(f"PhotoProblem.{detail.upper().replace('-', '_')}")
    elif error.reason is OfficeRefusal.FINGERS and detail:
        member = {"captured-and-skipped": "BOTH"}.get(detail,
                                                      detail.upper().replace("-", "_"))
        detail = w.say(f"FingerProblem.{member}")
    amount_due = int(error.receipt.total) if error.receipt else 0
    return w.say("refused.office", why=w.say(
        f"office.refusal.{error.reason.name}", detail=detail,
        day=day_text(w, error.day), amount=amount(amount_due, w.lang, "rial")))
