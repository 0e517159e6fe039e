"""Recovering a tracking code (national code and birth date, rate-limited by the
registry) and an application's status as a timeline with what comes next."""

from __future__ import annotations

from enum import Enum
from typing import Any

import jdatetime

from kiosk.text import digits, number
from kiosk.ui.desk.base import Desk
from kiosk.ui.desk.booking import RefErrand
from kiosk.ui.desk.payment import BankStep
from kiosk.ui.desk.steps import FIELD_NAMES, MAIN_PATH, StepErrand
from kiosk.ui.desk.views import (
    Button,
    day_text,
    form_view,
    grouped_code,
    rate_limited,
    sheet_view,
    toman_and_rial,
)
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from registry.contract import (
    ApplicationRef,
    ApplicationView,
    PaymentView,
    RecoveredApplication,
    RecoveryRequest,
)
from registry.fee_schedules import FEE_BOOK
from registry.forms import check_recovery
from registry.lifecycle import Status
from registry.refusals import NotFound, RateLimited
from registry.states import PaymentPurpose


class RecoverErrand(StepErrand):
    name = "recover"

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        today = desk.clock.today()

        def check(form: Form) -> dict[str, Enum]:
            day = form.day("birth_date")
            checked = check_recovery(form.text("national_code"), day if day else "", today)
            return {FIELD_NAMES[p.field]: p.problem for p in checked.problems}

        self.details = Form([Field("national_code", Keys.DIGITS, 10),
                             Field("birth_date", Keys.DATE, latest=today,
                                   day=jdatetime.date(1370, 1, 1))], check)
        self.note = ""
        self.national_code = ""
        self.found: RecoveredApplication | None = None
        self.limited: RateLimited | None = None
        self.step = "form"

    @property
    def form(self) -> Form | None:
        return self.details if self.step == "form" else None

    def wipe(self) -> None:
        self.details.wipe()
        self.found = None
        self.national_code = ""

    def view(self) -> View:
        w = self.w
        if self.step == "form":
            return form_view(w, w.say("recover.title"), self.details,
                             self.nav(Button("next", w.say("button.next"), "next")),
                             body=w.say("recover.body"), note=self.note,
                             tone="bad" if self.note else "info")
        if self.step == "limited" and self.limited is not None:
            return sheet_view(w, w.say("recover.limited"),
                              rate_limited(w, self.limited, self.desk.clock.now()), tone="warn",
                              buttons=[Button("home", w.say("button.finish"), "home")])
        assert self.found is not None
        buttons = [Button("status", w.say("service.status"), "status")]
        if self.found.status is Status.REGISTERED:
            buttons.insert(0, Button("book", w.say("service.book"), "book"))
        buttons.append(Button("home", w.say("button.finish"), "home", role="secondary"))
        return sheet_view(w, w.say("recover.found"), w.say("register.keep_code"), tone="ok",
                          code=grouped_code(self.found.tracking_code, w.lang),
                          code_label=w.say("field.tracking_code"),
                          rows=[(w.say("status.now"), w.say(self.found.status))],
                          buttons=buttons)

    def on_next(self, _arg: Any) -> None:
        day = self.details.day("birth_date")
        checked = check_recovery(self.details.text("national_code"), day if day else "",
                                 self.desk.clock.today())
        if not checked.ok or checked.value is None:
            self.details.touch_all()
            self.desk.render()
            return
        request = RecoveryRequest(checked.value.national_code, checked.value.birth_date)
        self.national_code = checked.value.national_code

        def found(recovered: RecoveredApplication) -> None:
            self.found = recovered
            self.note = ""
            self.desk.audit("found", status=recovered.status.value)
            self.goto("found")

        self.desk.call(lambda s: s.recover_tracking_code(request), found, failed=self._refused)

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, RateLimited):
            self.limited = error
            self.desk.audit("rate-limited", scope=error.scope.value)
            self.goto("limited")
            return True
        if isinstance(error, NotFound):
            self.desk.audit("not-found")
            self.note = self.w.say("recover.not_found")
            self.step = "form"
            self.desk.render()
            return True
        return False

    def _ref(self) -> ApplicationRef:
        assert self.found is not None
        return ApplicationRef(self.national_code, self.found.tracking_code)

    def on_status(self, _arg: Any) -> None:
        self.citizen.start("status", ref=self._ref())

    def on_book(self, _arg: Any) -> None:
        self.citizen.start("book", ref=self._ref())


# --- status -----------------------------------------------------------------------------

class StatusErrand(RefErrand):
    """Where an application stands: the lifecycle as a timeline, and what comes next."""

    name = "status"

    def __init__(self, desk: Desk, ref: ApplicationRef | None = None,
                 application: ApplicationView | None = None) -> None:
        super().__init__(desk, ref, application)
        self.bank: BankStep | None = None

    def start(self) -> None:
        if self.ref is not None and self.application is None:
            ref = self.ref

            def found(view: ApplicationView) -> None:
                self.application = view
                self.known()

            self.desk.call(lambda s: s.application(ref), found)
            return
        super().start()

    @property
    def form(self) -> Form | None:
        return self.codes if self.step == "codes" else None

    def known(self) -> None:
        assert self.application is not None
        self.desk.audit("status", status=self.application.status.value)
        self.goto("status")

    def view(self) -> View:
        if self.step == "codes":
            return self.codes_view("status.title")
        if self.step == "bank" and self.bank is not None:
            return self.bank.view()
        return self._status()

    def _status(self) -> View:
        w = self.w
        a = self.application
        assert a is not None
        status = a.status
        steps: list[dict[str, str]] = []
        if status is Status.CANCELLED:
            steps.append({"text": w.say(f"timeline.{status.name}"), "status": "bad"})
        else:
            at = MAIN_PATH.index(Status.READY_FOR_COLLECTION) + 1 \
                if status is Status.VOIDED else MAIN_PATH.index(status)
            for i, s in enumerate(MAIN_PATH):
                state = "done" if i < at else ("now" if i == at else "todo")
                if status is Status.DELIVERED and s is Status.DELIVERED:
                    state = "done"
                steps.append({"text": w.say(f"timeline.{s.name}"), "status": state})
            if status is Status.VOIDED:
                steps[-1] = {"text": w.say("timeline.VOIDED"), "status": "bad"}
        rows = [(w.say("status.now"), w.say(status)),
                (w.say("eligibility.kind"), w.say(a.kind, n=number(a.duplicate_number,
                                                                      w.lang)))]
        if a.appointment is not None and status is Status.BOOKED:
            rows.append((w.say("book.day"), day_text(w, a.appointment.day)))
        if a.card_serial:
            rows.append((w.say("status.card"), digits(a.card_serial, "en")))
        buttons = []
        if status is Status.REGISTERED:
            buttons.append(Button("book", w.say("service.book"), "book"))
        if status is Status.AWAITING_PAYMENT:
            buttons.append(Button("pay", w.say("status.pay"), "to_bank"))
        buttons.append(Button("home", w.say("button.finish"), "home", role="secondary"))
        return sheet_view(w, w.say("status.title"), self._next(a), rows=rows, steps=steps,
                          tone="bad" if status in (Status.CANCELLED, Status.VOIDED) else "info",
                          buttons=buttons)

    def _next(self, a: ApplicationView) -> str:
        """What to do next, with its deadline: the lifecycle's dates, as the registry gave them."""
        w = self.w
        status = a.status
        if status is Status.REGISTERED:
            text = w.say("status.next.REGISTERED", day=day_text(w, a.booking_deadline))
            if a.rebooking_from is not None:
                text += " " + w.say("status.next.rebook", day=day_text(w, a.rebooking_from))
            return text
        if status is Status.BOOKED and a.appointment is not None:
            return w.say("status.next.BOOKED", day=day_text(w, a.appointment.day))
        if status is Status.READY_FOR_COLLECTION:
            return w.say("status.next.READY_FOR_COLLECTION", day=day_text(w, a.collect_by))
        if status is Status.VOIDED:
            late = FEE_BOOK.delivery_receipt(self.desk.clock.today(), late=True)
            return w.say("status.next.VOIDED", day=day_text(w, a.collect_by),
                         amount=toman_and_rial(w, int(late.total)))
        return w.say(f"status.next.{status.name}")

    def on_next(self, _arg: Any) -> None:
        if self.step == "codes":
            self.submit_codes()

    def on_book(self, _arg: Any) -> None:
        self.citizen.start("book", ref=self.ref, application=self.application)

    def on_to_bank(self, _arg: Any) -> None:
        a = self.application
        assert a is not None and self.ref is not None
        ref = self.ref

        def paid(_view: PaymentView) -> None:
            self.desk.call(lambda s: s.application(ref), self._refreshed)

        self.bank = BankStep(self, ref, PaymentPurpose.REGISTRATION, a.fee_rial, paid,
                             lambda: self.goto("status", remember=False))
        self.goto("bank")

    def _refreshed(self, view: ApplicationView) -> None:
        self.application = view
        self.bank = None
        self._trail = []
        self.goto("status", remember=False)

    def on_pay(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("pay")

    def on_bank_back(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("bank_back")
