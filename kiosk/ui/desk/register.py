"""Eligibility and fees, and pre-registration: the situation as a few questions, the
registry's decision and fee; the form, captcha, review, the fee at the bank and the
tracking code with its receipt."""

from __future__ import annotations

from enum import Enum
from typing import Any

import jdatetime

from citizen.identity import Gender
from kiosk.text import certificate_serial, digits, mobile, national_code, number
from kiosk.ui.desk.base import Desk
from kiosk.ui.desk.payment import BankStep
from kiosk.ui.desk.steps import FIELD_NAMES, SITUATIONS, StepErrand, Typed
from kiosk.ui.desk.views import (
    Button,
    Tile,
    choices_view,
    day_text,
    form_view,
    grouped_code,
    sheet_view,
    toman_and_rial,
)
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from registry.captcha import CaptchaChallenge, CaptchaResult
from registry.contract import ApplicationRef, ApplicationView, NewApplication, PaymentView
from registry.eligibility import (
    Applicant,
    CardModel,
    CardSituation,
    ChangedData,
    DamagedCard,
    Eligible,
    HeldCard,
    LostCard,
    NoCard,
    PrintedField,
    Refused,
    decide,
)
from registry.fee_schedules import FEE_BOOK
from registry.forms import PreRegistration, PreRegistrationForm, check_pre_registration, review
from registry.states import PaymentPurpose

# --- eligibility and fees ---------------------------------------------------------------

class EligibilityErrand(StepErrand):
    """The applicant's situation as a few questions; the decision and the fee it costs."""

    name = "eligibility"

    def __init__(self, desk: Desk, then_register: bool = False) -> None:
        super().__init__(desk)
        self.then_register = then_register
        self.situation = ""
        self.duplicates = 0
        self.changed: set[PrintedField] = set()
        today = desk.clock.today()
        self.card_form = Form([Field("issued_year", Keys.DIGITS, 4)], self._check_card)
        self.smart_form = Form([Field("issued_year", Keys.DIGITS, 4),
                                Field("expires", Keys.DATE, earliest=jdatetime.date(1390, 1, 1),
                                      latest=jdatetime.date(today.year + 10, 12, 29))],
                               self._check_card)
        self.birth_form = Form([
            Field("birth_date", Keys.DATE, latest=today, day=jdatetime.date(1370, 1, 1)),
            Field("photo_certificate", Keys.CHOICE, choices=("yes", "no"), value="yes")],
            self._check_birth)
        self.decision: Eligible | Refused | None = None
        self.step = "situation"

    @property
    def form(self) -> Form | None:
        return {"old": self.card_form, "smart": self.smart_form,
                "birth": self.birth_form}.get(self.step)

    def wipe(self) -> None:
        for form in (self.card_form, self.smart_form, self.birth_form):
            form.wipe()
        self.decision = None

    def _check_card(self, form: Form) -> dict[str, Enum]:
        found: dict[str, Enum] = {}
        year = form.text("issued_year")
        today = self.desk.clock.today()
        if len(year) != 4 or not 1300 <= int(year) <= today.year:
            found["issued_year"] = Typed.YEAR
        if "expires" in [f.name for f in form.fields] and form.day("expires") is None:
            found["expires"] = Typed.MISSING
        return found

    def _check_birth(self, form: Form) -> dict[str, Enum]:
        return {} if form.day("birth_date") is not None else {"birth_date": Typed.MISSING}

    # -- steps --------------------------------------------------------------------------
    def view(self) -> View:
        w = self.w
        if self.step == "situation":
            tiles = [Tile(w.say(f"situation.{s}"), w.say(f"situation.{s}.hint"), "situation", s)
                     for s in SITUATIONS]
            return choices_view(w, w.say("eligibility.title"), tiles, self.nav(),
                                body=w.say("eligibility.situation"))
        if self.step == "duplicates":
            tiles = [Tile(w.say(f"duplicates.{n}"), "", "duplicates", n, badge=digits(n, w.lang)
                          + ("+" if n == 3 else "")) for n in range(4)]
            return choices_view(w, w.say("eligibility.title"), tiles, self.nav(),
                                body=w.say("eligibility.duplicates"))
        if self.step == "changed":
            tiles = [Tile(w.say(f), "", "toggle", f.value, selected=f in self.changed)
                     for f in PrintedField]
            go = Button("next", w.say("button.next"), "next", enabled=bool(self.changed))
            return choices_view(w, w.say("eligibility.title"), tiles, self.nav(go),
                                body=w.say("eligibility.changed"))
        if self.step in ("old", "smart", "birth"):
            form = self.form
            assert form is not None
            return form_view(w, w.say("eligibility.title"), form,
                             self.nav(Button("next", w.say("button.next"), "next")),
                             body=w.say(f"eligibility.ask.{self.step}"))
        return self._result()

    def _result(self) -> View:
        w = self.w
        decision = self.decision
        if isinstance(decision, Refused):
            why = w.say(decision.reason, day=day_text(w, decision.eligible_from))
            return sheet_view(w, w.say("eligibility.no"), why, tone="warn", buttons=[
                Button("menu", w.say("button.reg_services"), "menu"),
                Button("back", w.say("button.back"), "back", role="secondary")])
        assert isinstance(decision, Eligible)
        today = self.desk.clock.today()
        fee = FEE_BOOK.card_fee(decision.kind, today, decision.duplicate_number)
        schedule = FEE_BOOK.card_schedule(today)
        kind = w.say(decision.kind, n=number(decision.duplicate_number, w.lang))
        go = "eligibility.continue" if self.then_register else "eligibility.register"
        return sheet_view(
            w, w.say("eligibility.yes"), w.say("eligibility.yes_body", kind=kind,
                                               basis=w.say(decision.basis)), tone="ok",
            rows=[(w.say("eligibility.kind"), kind),
                  (w.say("eligibility.fee"), toman_and_rial(w, fee))],
            note=w.say("eligibility.fee_from", day=day_text(w, schedule.effective_from)),
            buttons=[Button("register", w.say(go), "register"),
                     Button("back", w.say("button.back"), "back", role="secondary")])

    # -- actions ------------------------------------------------------------------------
    def on_situation(self, arg: Any) -> None:
        self.situation = str(arg)
        follow = {"lost": "duplicates", "changed": "changed", "old": "old", "smart": "smart"}
        self.goto(follow.get(self.situation, "birth"))

    def on_duplicates(self, arg: Any) -> None:
        self.duplicates = int(arg)
        self.goto("birth")

    def on_toggle(self, arg: Any) -> None:
        changed = PrintedField(arg)
        self.changed ^= {changed}
        self.desk.render()

    def on_next(self, _arg: Any) -> None:
        form = self.form
        if form is not None:
            form.touch_all()
            first = form.first_problem()
            if first is not None:
                form.focus_on(first)
                self.desk.render()
                return
        if self.step == "changed" and not self.changed:
            return
        if self.step == "birth":
            self._decide()
            return
        self.goto("birth")

    def _card(self) -> CardSituation:
        s = self.situation
        if s == "lost":
            return LostCard(self.duplicates)
        if s == "changed":
            return ChangedData(frozenset(self.changed))
        if s == "damaged":
            return DamagedCard()
        if s == "old":
            return HeldCard(CardModel.OLD, int(self.card_form.text("issued_year")))
        if s == "smart":
            return HeldCard(CardModel.SMART, int(self.smart_form.text("issued_year")),
                            self.smart_form.day("expires"))
        return NoCard()

    def _decide(self) -> None:
        birth = self.birth_form.day("birth_date")
        assert birth is not None
        applicant = Applicant(birth, self._card(), abroad=self.situation == "abroad",
                              photo_birth_certificate=self.birth_form.text(
                                  "photo_certificate") == "yes")
        self.decision = decide(applicant, self.desk.clock.today())
        if isinstance(self.decision, Eligible):
            self.desk.audit("decided", eligible=True, kind=self.decision.kind.value)
        else:
            self.desk.audit("decided", eligible=False, refusal=self.decision.reason.value)
        self.goto("result")

    def on_register(self, _arg: Any) -> None:
        decision = self.decision
        birth = self.birth_form.day("birth_date")
        if isinstance(decision, Eligible) and birth is not None:
            self.desk.begin(RegisterErrand(self.desk, decision, birth))


# --- pre-registration -------------------------------------------------------------------

class RegisterErrand(StepErrand):
    """Form, captcha, review, the registration fee at the bank, the tracking code."""

    name = "register"

    def __init__(self, desk: Desk, decision: Eligible, birth_date: jdatetime.date) -> None:
        super().__init__(desk)
        self.decision = decision
        today = desk.clock.today()
        self.details = Form([
            Field("national_code", Keys.DIGITS, 10),
            Field("mobile", Keys.DIGITS, 11),
            Field("serial", Keys.TEXT, 14),
            Field("birth_date", Keys.DATE, latest=today, day=birth_date),
            Field("mother_name", Keys.LETTERS, 40),
            Field("gender", Keys.CHOICE, choices=("female", "male")),
        ], self._check)
        self.answer = Form([Field("captcha", Keys.DIGITS, 8)])
        self.challenge: CaptchaChallenge | None = None
        self.captcha_note = ""
        self.registration: PreRegistration | None = None
        self.application: ApplicationView | None = None
        self.bank: BankStep | None = None
        self.paid: PaymentView | None = None
        self.status: ApplicationView | None = None
        self.step = "form"

    @property
    def form(self) -> Form | None:
        return {"form": self.details, "captcha": self.answer}.get(self.step)

    @property
    def ref(self) -> ApplicationRef:
        assert self.registration is not None and self.application is not None
        return ApplicationRef(self.registration.national_code, self.application.tracking_code)

    def wipe(self) -> None:
        self.details.wipe()
        self.answer.wipe()
        self.registration = self.application = self.status = None
        self.paid = None
        self.bank = None
        self.challenge = None

    def _typed(self) -> PreRegistrationForm:
        f = self.details
        day = f.day("birth_date")
        return PreRegistrationForm(f.text("mobile"), f.text("national_code"), f.text("serial"),
                                   day if day is not None else "", f.text("mother_name"),
                                   f.text("gender"))

    def _check(self, _form: Form) -> dict[str, Enum]:
        checked = check_pre_registration(self._typed(), self.desk.clock.today())
        return {FIELD_NAMES[p.field]: p.problem for p in checked.problems}

    # -- steps --------------------------------------------------------------------------
    def view(self) -> View:
        w = self.w
        kind = w.say(self.decision.kind, n=number(self.decision.duplicate_number, w.lang))
        if self.step == "form":
            return form_view(w, w.say("register.title"), self.details,
                             self.nav(Button("next", w.say("button.next"), "next")),
                             body=w.say("register.body", kind=kind))
        if self.step == "captcha":
            assert self.challenge is not None
            return form_view(w, w.say("captcha.title"), self.answer, self.nav(
                Button("next", w.say("button.next"), "next"),
                Button("renew", w.say("captcha.renew"), "renew", role="secondary")),
                body=w.say("captcha.body"), note=self.captcha_note,
                tone="bad" if self.captcha_note else "info", captcha=self.challenge.digits)
        if self.step == "review":
            return self._review(kind)
        if self.step == "bank" and self.bank is not None:
            return self.bank.view()
        return self._done(kind)

    def _review(self, kind: str) -> View:
        w = self.w
        assert self.registration is not None
        rows = []
        for line in review(self.registration).lines:
            name = FIELD_NAMES[line.field]
            value = line.value
            if isinstance(value, Gender):
                shown = w.say(f"gender.{value.name}")
            elif name == "national_code":
                shown = national_code(self.registration.national_code, w.lang)
            elif name == "mobile":
                shown = mobile(self.registration.mobile, w.lang)
            elif name == "birth_date":
                shown = day_text(w, self.registration.birth_date)
            elif name == "serial":
                shown = certificate_serial(str(value), w.lang)
            else:
                shown = digits(value, w.lang)
            rows.append((w.say(f"field.{name}"), shown))
        fee = FEE_BOOK.card_fee(self.decision.kind, self.desk.clock.today(),
                                self.decision.duplicate_number)
        rows += [(w.say("eligibility.kind"), kind), (w.say("eligibility.fee"),
                                                     toman_and_rial(w, fee))]
        return sheet_view(w, w.say("review.title"), w.say("review.body"), rows=rows,
                          buttons=[Button("confirm", w.say("review.confirm"), "confirm"),
                                   Button("edit", w.say("review.edit"), "edit",
                                          role="secondary")])

    def _done(self, kind: str) -> View:
        w = self.w
        assert self.application is not None and self.paid is not None
        rows = [(w.say("eligibility.kind"), kind),
                (w.say("register.paid"), toman_and_rial(w, self.paid.amount_rial))]
        if self.paid.bank_reference:
            rows.append((w.say("register.bank_reference"), digits(self.paid.bank_reference, "en")))
        deadline = self.status.booking_deadline if self.status else None
        return sheet_view(
            w, w.say("register.done"), w.say("register.keep_code"), tone="ok", rows=rows,
            code=grouped_code(self.application.tracking_code, w.lang),
            code_label=w.say("field.tracking_code"),
            note=w.say("register.book_by", day=day_text(w, deadline)) if deadline else "",
            buttons=[Button("book", w.say("service.book"), "book"),
                     Button("receipt", w.say("receipt.show"), "receipt", role="secondary"),
                     Button("home", w.say("button.finish"), "home", role="secondary")])

    # -- actions ------------------------------------------------------------------------
    def on_next(self, _arg: Any) -> None:
        if self.step == "form":
            checked = check_pre_registration(self._typed(), self.desk.clock.today())
            if not checked.ok:
                self.details.touch_all()
                first = self.details.first_problem()
                if first is not None:
                    self.details.focus_on(first)
                self.desk.render()
                return
            self.registration = checked.value
            self._new_challenge("")
            self.goto("captcha")
        elif self.step == "captcha":
            assert self.challenge is not None
            result = self.citizen.captcha.verify(self.challenge.id, self.answer.text("captcha"))
            self.desk.audit("captcha", result=result.value)
            if result is CaptchaResult.PASSED:
                self.goto("review", remember=False)
                return
            self._new_challenge(self.w.say(result))
            self.desk.render()

    def on_renew(self, _arg: Any) -> None:
        self._new_challenge("")
        self.desk.render()

    def _new_challenge(self, note: str) -> None:
        self.challenge = self.citizen.captcha.challenge()
        self.answer.wipe()
        self.captcha_note = note

    def on_edit(self, _arg: Any) -> None:
        self._trail = []
        self.goto("form", remember=False)

    def on_confirm(self, _arg: Any) -> None:
        r = self.registration
        assert r is not None
        request = NewApplication(r.national_code, r.birth_date, r.mother_name, r.mobile,
                                 r.birth_certificate_serial.canonical, r.gender,
                                 self.decision.kind, self.decision.duplicate_number)
        self.desk.call(lambda s: s.register(request), self._registered)

    def _registered(self, view: ApplicationView) -> None:
        self.application = view
        self.desk.audit("registered", application_id=view.application_id,
                        fee_rial=view.fee_rial)
        self.bank = BankStep(self, self.ref, PaymentPurpose.REGISTRATION, view.fee_rial,
                             self._paid, self._bank_back)
        self.goto("bank", remember=False)

    def _bank_back(self) -> None:
        self._trail = []
        self.goto("review", remember=False)

    def on_pay(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("pay")

    def on_bank_back(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("bank_back")

    def _paid(self, view: PaymentView) -> None:
        self.paid = view
        ref = self.ref
        self.desk.call(lambda s: s.application(ref), self._status)

    def _status(self, view: ApplicationView) -> None:
        self.status = view
        self.desk.audit("paid", application_id=view.application_id, status=view.status.value)
        self.goto("done", remember=False)

    def on_book(self, _arg: Any) -> None:
        self.citizen.start("book", ref=self.ref, application=self.status)

    def on_receipt(self, _arg: Any) -> None:
        from kiosk.receipts import ReceiptFacts

        paid, application = self.paid, self.application
        assert paid is not None and application is not None and paid.receipt is not None
        facts = ReceiptFacts(paid.purpose.value, paid.receipt, application.tracking_code,
                             self.ref.national_code, "", self.desk.clock.now(),
                             reference=paid.bank_reference)
        self.desk.show_receipt(facts, f"registration-{application.application_id}",
                               self.desk.render)


# --- the application by its two codes ---------------------------------------------------
