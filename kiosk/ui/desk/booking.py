"""Booking an appointment: the application by its two codes, the offices of a city on a
day by free places or by distance, a place held with its time running, the fee paid."""

from __future__ import annotations

from enum import Enum
from typing import Any

import jdatetime

from kiosk.text import digits, number
from kiosk.ui.desk.base import Desk
from kiosk.ui.desk.payment import BankStep
from kiosk.ui.desk.steps import FIELD_NAMES, StepErrand
from kiosk.ui.desk.views import (
    Button,
    Tile,
    choices_view,
    countdown,
    day_text,
    form_view,
    sheet_view,
    time_text,
    toman_and_rial,
)
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from registry.contract import (
    ApplicationRef,
    ApplicationView,
    Hold,
    HoldRequest,
    OfficeAvailability,
    OfficeQuery,
    PaymentView,
)
from registry.forms import check_status_query
from registry.lifecycle import Status
from registry.refusals import InvalidRequest, NotFound, OfficeClosed, SlotGone
from registry.states import PaymentPurpose


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
        self.citizen.start("status", ref=self.ref, application=self.application)

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
