"""The citizen's registration services at the kiosk, no card needed: eligibility and
fees, pre-registration (form, captcha, review, payment, tracking code), booking an
appointment (offices, a held place counting down, payment), recovering a tracking code
and an application's status.

Every rule is the registry's: ``registry.eligibility`` decides, the dated fee book
prices, ``registry.forms`` checks the fields, the service registers, holds and takes
payments. These errands only keep what was typed and chosen, call, and show.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import jdatetime

from citizen.identity import Gender
from kiosk.text import digits, mobile, national_code, number
from kiosk.ui.desk.base import Desk, DeskHost, Errand
from kiosk.ui.desk.payment import BankStep
from kiosk.ui.desk.views import (
    Button,
    Tile,
    choices_view,
    countdown,
    day_text,
    form_view,
    grouped_code,
    rate_limited,
    sheet_view,
    time_text,
    toman_and_rial,
)
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from registry.captcha import Captcha, CaptchaChallenge, CaptchaResult
from registry.clock import Clock
from registry.contract import (
    ApplicationRef,
    ApplicationView,
    GeoPoint,
    Hold,
    HoldRequest,
    NewApplication,
    OfficeAvailability,
    OfficeQuery,
    PaymentView,
    RecoveredApplication,
    RecoveryRequest,
)
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
from registry.forms import (
    Field as FormField,
)
from registry.forms import (
    PreRegistration,
    PreRegistrationForm,
    check_pre_registration,
    check_recovery,
    check_status_query,
    review,
)
from registry.lifecycle import Status
from registry.refusals import (
    InvalidRequest,
    NotFound,
    OfficeClosed,
    RateLimited,
    SlotGone,
)
from registry.states import PaymentPurpose

FIELD_NAMES = {FormField.MOBILE: "mobile", FormField.NATIONAL_CODE: "national_code",
               FormField.BIRTH_CERTIFICATE_SERIAL: "serial",
               FormField.BIRTH_DATE: "birth_date", FormField.MOTHER_NAME: "mother_name",
               FormField.GENDER: "gender", FormField.TRACKING_CODE: "tracking_code"}
"""The registry form's fields by the names the kiosk's form gives them."""

SITUATIONS = ("none", "lost", "changed", "old", "smart", "damaged", "abroad")
MAIN_PATH = (Status.AWAITING_PAYMENT, Status.REGISTERED, Status.BOOKED, Status.COMPLETED,
             Status.APPROVED, Status.ISSUED, Status.READY_FOR_COLLECTION, Status.DELIVERED)
"""The statuses an application passes on its way, in order: the status timeline."""


class Typed(Enum):
    """What the kiosk's own questions can find wrong before the registry sees anything."""

    YEAR = "year"                 # a year is four digits, not after this year
    MISSING = "missing"


class CitizenDesk(Desk):
    """The registration services a citizen reaches from the attract screen."""

    audit_prefix = "registry"

    def __init__(self, host: DeskHost, access: RegistryAccess, clock: Clock, *,
                 captcha: Captcha, city_prefix: str, location: GeoPoint | None) -> None:
        super().__init__(host, access, clock)
        self.captcha = captcha
        self.city_prefix = city_prefix
        self.location = location

    def menu(self) -> None:
        self.begin(MenuErrand(self))

    def start(self, service: str, **args: Any) -> None:
        errands = {"eligibility": EligibilityErrand, "register": EligibilityErrand,
                   "book": BookErrand, "recover": RecoverErrand, "status": StatusErrand}
        if service == "register":
            args.setdefault("then_register", True)
        self.begin(errands[service](self, **args))

    def act(self, action: str, arg: Any = None) -> None:
        if action == "home":
            self.host.go_home()
        elif action == "menu":
            self.menu()
        elif action == "service":
            self.start(str(arg))
        else:
            super().act(action, arg)


# --- the menu ---------------------------------------------------------------------------

class MenuErrand(Errand):
    name = "menu"

    def view(self) -> View:
        w = self.w
        tiles = [Tile(w.say(f"service.{name}"), w.say(f"service.{name}.hint"), "service", name)
                 for name in ("eligibility", "register", "book", "recover", "status")]
        return choices_view(w, w.say("registry.menu"), tiles,
                            [Button("home", w.say("button.home"), "home", role="secondary")],
                            body=w.say("registry.menu_body"))


class StepErrand(Errand):
    """An errand of steps, with Back to the step before (the first goes to the menu)."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.step = ""
        self._trail: list[str] = []

    @property
    def citizen(self) -> CitizenDesk:
        assert isinstance(self.desk, CitizenDesk)
        return self.desk

    def goto(self, step: str, *, remember: bool = True) -> None:
        if remember and self.step and self.step != step:
            self._trail.append(self.step)
        self.step = step
        self.desk.render()

    def back(self) -> None:
        if self._trail:
            self.step = self._trail.pop()
            self.desk.render()
        else:
            self.citizen.menu()

    def act(self, action: str, arg: Any) -> bool:
        if action == "back":
            self.back()
            return True
        handler = getattr(self, f"on_{action}", None)
        if handler is None:
            return False
        handler(arg)
        return True

    def nav(self, *extra: Button) -> list[Button]:
        w = self.w
        return [*extra, Button("back", w.say("button.back"), "back", role="secondary")]


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
        self.desk.begin(BookErrand(self.desk, ref=self.ref, application=self.status))

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

def ref_form() -> Form:
    def check(form: Form) -> dict[str, Enum]:
        checked = check_status_query(form.text("national_code"), form.text("tracking_code"))
        return {FIELD_NAMES[p.field]: p.problem for p in checked.problems}

    return Form([Field("national_code", Keys.DIGITS, 10),
                 Field("tracking_code", Keys.DIGITS, 20, group=4)], check)


class RefErrand(StepErrand):
    """An errand that starts from national code + tracking code (or is handed them)."""

    def __init__(self, desk: Desk, ref: ApplicationRef | None = None,
                 application: ApplicationView | None = None) -> None:
        super().__init__(desk)
        self.ref = ref
        self.application = application
        self.codes = ref_form()
        self.codes_note = ""
        self.step = "codes"

    def start(self) -> None:
        if self.ref is not None and self.application is not None:
            self.known()
        else:
            super().start()

    def known(self) -> None:
        raise NotImplementedError

    def codes_view(self, title_key: str) -> View:
        w = self.w
        return form_view(w, w.say(title_key), self.codes,
                         self.nav(Button("next", w.say("button.next"), "next")),
                         body=w.say("codes.body"), note=self.codes_note,
                         tone="bad" if self.codes_note else "info")

    def submit_codes(self) -> None:
        checked = check_status_query(self.codes.text("national_code"),
                                     self.codes.text("tracking_code"))
        if not checked.ok or checked.value is None:
            self.codes.touch_all()
            first = self.codes.first_problem()
            if first is not None:
                self.codes.focus_on(first)
            self.desk.render()
            return
        ref = ApplicationRef(checked.value.national_code, checked.value.tracking_code.digits)
        self.codes_note = ""

        def found(view: ApplicationView) -> None:
            self.ref, self.application = ref, view
            self.known()

        self.desk.call(lambda s: s.application(ref), found, failed=self._not_found)

    def _not_found(self, error: BaseException) -> bool:
        if isinstance(error, NotFound):
            self.desk.audit("not-found")
            self.codes_note = self.w.say("codes.not_found")
            self.step = "codes"
            self.desk.render()
            return True
        return False

    def wipe(self) -> None:
        self.codes.wipe()
        self.ref = None
        self.application = None


# --- booking ----------------------------------------------------------------------------

class BookErrand(RefErrand):
    """Offices of a city on a day, a place held with its time running, payment."""

    name = "book"

    def __init__(self, desk: Desk, ref: ApplicationRef | None = None,
                 application: ApplicationView | None = None) -> None:
        super().__init__(desk, ref, application)
        today = desk.clock.today()
        city = self.citizen.city_prefix
        self.query = Form([Field("city", Keys.DIGITS, 4, value=city),
                           Field("day", Keys.DATE, earliest=today, day=today,
                                 latest=jdatetime.date(today.year + 1, 12, 29))])
        self.sort = "free"
        self.offices: list[OfficeAvailability] = []
        self.offices_note = ""
        self.hold: Hold | None = None
        self.office: OfficeAvailability | None = None
        self.bank: BankStep | None = None
        self.booked: PaymentView | None = None

    @property
    def form(self) -> Form | None:
        return {"codes": self.codes, "query": self.query}.get(self.step)

    @property
    def ticking(self) -> bool:
        return self.step in ("held", "bank") and self.hold is not None

    def wipe(self) -> None:
        super().wipe()
        self.query.wipe()
        self.offices = []
        self.hold = None
        self.bank = None
        self.booked = None

    def known(self) -> None:
        application = self.application
        assert application is not None
        if application.status is Status.REGISTERED:
            if application.booking_deadline is not None:
                self.query.field("day").latest = application.booking_deadline
            self.goto("query")
        else:
            self.goto("not_bookable")

    def remaining(self) -> float:
        assert self.hold is not None
        return (self.hold.appointment.hold_expires_at - self.desk.clock.now()).total_seconds()

    def tick(self) -> None:
        if self.hold is None:
            return
        if self.remaining() <= 0:
            self.desk.audit("hold-lapsed", office_id=self.hold.appointment.office_id)
            self.goto("lapsed", remember=False)
            return
        self.desk.render()

    # -- steps --------------------------------------------------------------------------
    def view(self) -> View:
        w = self.w
        if self.step == "codes":
            return self.codes_view("book.title")
        if self.step == "not_bookable":
            assert self.application is not None
            return sheet_view(w, w.say("book.not_bookable"), w.say(
                "book.not_bookable_body", status=w.say(self.application.status)), tone="warn",
                buttons=[Button("status", w.say("service.status"), "status"),
                         Button("menu", w.say("button.reg_services"), "menu",
                                role="secondary")])
        if self.step == "query":
            return form_view(w, w.say("book.title"), self.query, self.nav(
                Button("free", w.say("book.by_free"), "search", "free"),
                Button("near", w.say("book.by_near"), "search", "near", role="secondary")),
                body=w.say("book.query"), note=self.offices_note,
                tone="bad" if self.offices_note else "info")
        if self.step == "offices":
            return self._offices()
        if self.step == "held":
            return self._held()
        if self.step == "bank" and self.bank is not None:
            return self.bank.view()
        if self.step == "lapsed":
            return sheet_view(w, w.say("book.lapsed"), w.say("book.lapsed_body"), tone="warn",
                              buttons=[Button("again", w.say("book.again"), "again"),
                                       Button("home", w.say("button.finish"), "home",
                                              role="secondary")])
        return self._booked()

    def _offices(self) -> View:
        w = self.w
        tiles = []
        for a in self.offices:
            o = a.office
            if not a.open:
                badge, hint, ok = "—", w.say("book.closed"), False
            elif a.free_places <= 0:
                badge, hint, ok = digits(0, w.lang), w.say("book.full"), False
            else:
                badge, ok = number(a.free_places, w.lang), True
                hint = w.say("book.free", free=number(a.free_places, w.lang),
                             capacity=number(o.daily_capacity, w.lang))
            if a.distance_km is not None:
                km = f"{a.distance_km:.1f}"
                hint += w.say("book.km", km=digits(km, w.lang).replace(".", "٫")
                              if w.lang == "fa" else km)
            tiles.append(Tile(o.name, f"{hint}\n{o.address}", "office", o.office_id,
                              enabled=ok, badge=badge, tone="ok" if ok else "warn"))
        other = "near" if self.sort == "free" else "free"
        day = self.query.day("day")
        return choices_view(
            w, w.say("book.offices", day=day_text(w, day)), tiles, self.nav(
                Button("sort", w.say(f"book.by_{other}"), "search", other, role="secondary")),
            body=w.say(f"book.sorted_{self.sort}"), note=self.offices_note,
            tone="warn" if self.offices_note else "info")

    def _held(self) -> View:
        w = self.w
        assert self.hold is not None and self.office is not None
        a = self.hold.appointment
        return sheet_view(
            w, w.say("book.held"), w.say("book.held_body",
                                         until=time_text(w, a.hold_expires_at)),
            rows=[(w.say("book.office"), self.office.office.name),
                  (w.say("book.address"), self.office.office.address),
                  (w.say("book.day"), day_text(w, a.day)),
                  (w.say("book.fee"), toman_and_rial(w, self.hold.amount_rial))],
            countdown_text=countdown(w, self.remaining()),
            buttons=[Button("pay", w.say("book.pay"), "to_bank"),
                     Button("other", w.say("book.other"), "again", role="secondary")])

    def _booked(self) -> View:
        w = self.w
        assert self.booked is not None and self.office is not None
        appointment = self.booked.appointment
        return sheet_view(
            w, w.say("book.booked"), w.say("book.booked_body"), tone="ok",
            rows=[(w.say("book.office"), self.office.office.name),
                  (w.say("book.address"), self.office.office.address),
                  (w.say("book.day"), day_text(w, appointment.day if appointment else None)),
                  (w.say("register.paid"), toman_and_rial(w, self.booked.amount_rial))],
            buttons=[Button("receipt", w.say("receipt.show"), "receipt"),
                     Button("home", w.say("button.finish"), "home", role="secondary")])

    # -- actions ------------------------------------------------------------------------
    def on_next(self, _arg: Any) -> None:
        if self.step == "codes":
            self.submit_codes()

    def on_status(self, _arg: Any) -> None:
        self.desk.begin(StatusErrand(self.desk, self.ref, self.application))

    def on_search(self, arg: Any) -> None:
        self.sort = str(arg)
        self.offices_note = ""
        self._search()

    def _search(self) -> None:
        day = self.query.day("day") or self.desk.clock.today()
        near = self.citizen.location if self.sort == "near" else None
        query = OfficeQuery(self.query.text("city"), day, near)

        def listed(found: list[OfficeAvailability]) -> None:
            self.offices = found
            self.desk.audit("offices", count=len(found), sort=self.sort)
            self.goto("offices", remember=self.step != "offices")

        self.desk.call(lambda s: s.list_offices(query), listed, failed=self._bad_city)

    def _bad_city(self, error: BaseException) -> bool:
        if isinstance(error, InvalidRequest) and error.field == "city_prefix":
            self.offices_note = self.w.say("book.bad_city")
            self.step = "query"
            self.desk.render()
            return True
        return False

    def on_office(self, arg: Any) -> None:
        chosen = next((a for a in self.offices if a.office.office_id == int(arg)), None)
        if chosen is None or self.ref is None:
            return
        request = HoldRequest(self.ref, chosen.office.office_id, chosen.day)

        def held(hold: Hold) -> None:
            self.hold, self.office = hold, chosen
            self.desk.audit("hold", office_id=chosen.office.office_id)
            self.goto("held")

        self.desk.call(lambda s: s.hold_slot(request), held, failed=self._hold_refused)

    def _hold_refused(self, error: BaseException) -> bool:
        if isinstance(error, (SlotGone, OfficeClosed)):
            self.offices_note = self.w.say("book.taken")
            self._search()
            return True
        return False

    def on_again(self, _arg: Any) -> None:
        self.hold = None
        self.bank = None
        self.offices_note = ""
        self._trail = ["query"]
        self.step = "offices"
        self._search()

    def on_to_bank(self, _arg: Any) -> None:
        assert self.hold is not None and self.ref is not None
        self.bank = BankStep(self, self.ref, PaymentPurpose.BOOKING, self.hold.amount_rial,
                             self._paid, lambda: self.goto("held", remember=False),
                             lapsed=self._lapsed,
                             countdown=lambda: countdown(self.w, self.remaining()))
        self.goto("bank")

    def on_pay(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("pay")

    def on_bank_back(self, _arg: Any) -> None:
        if self.bank is not None:
            self.bank.act("bank_back")

    def _lapsed(self) -> None:
        self.desk.audit("hold-lapsed")
        self.goto("lapsed", remember=False)

    def _paid(self, view: PaymentView) -> None:
        self.booked = view
        self.desk.audit("booked", office_id=self.office.office.office_id if self.office else None)
        self.hold = None
        self._trail = []
        self.goto("booked", remember=False)

    def on_receipt(self, _arg: Any) -> None:
        from kiosk.receipts import ReceiptFacts

        paid, application = self.booked, self.application
        assert paid is not None and application is not None and self.ref is not None
        assert paid.receipt is not None
        facts = ReceiptFacts(paid.purpose.value, paid.receipt, self.ref.tracking_code,
                             self.ref.national_code,
                             self.office.office.name if self.office else "",
                             self.desk.clock.now(), reference=paid.bank_reference)
        self.desk.show_receipt(facts, f"booking-{application.application_id}",
                               self.desk.render)


# --- recovering a tracking code ---------------------------------------------------------

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
        self.desk.begin(StatusErrand(self.desk, self._ref()))

    def on_book(self, _arg: Any) -> None:
        self.desk.begin(BookErrand(self.desk, self._ref()))


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
        self.desk.begin(BookErrand(self.desk, self.ref, self.application))

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
