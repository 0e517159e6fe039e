"""The hand-over at the office: the card awaiting an applicant, its fee, the delivery
flow (the card read genuine and the holder's, their finger, their new PIN1), the
record and its receipt."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from citizen.errors import CitizenDataError, DataProblem
from citizen.national_code import validate_national_code
from kiosk.flows.deliver import DeliverCardFlow, Delivery, Expected
from kiosk.flows.outcome import Outcome
from kiosk.flows.situation import Service
from kiosk.text import digits, national_code
from kiosk.ui.desk.office_base import OfficeErrand, show_charge_receipt
from kiosk.ui.desk.views import Button, day_text, form_view, sheet_view, toman_and_rial
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from registry.office_contract import (
    CardEvidence,
    CollectionTicket,
    CounterMethod,
    DeliveryRecord,
    DeliveryResult,
)

if TYPE_CHECKING:
    from kiosk.ui.desk.office import OfficeDesk


# --- the hand-over ----------------------------------------------------------------------

class DeliverErrand(OfficeErrand):
    """The card awaiting an applicant: its fee, the delivery flow, the record, the receipt."""

    name = "deliver"

    def __init__(self, desk: OfficeDesk, national: str | None = None) -> None:
        super().__init__(desk)
        self.codes = Form([Field("national_code", Keys.DIGITS, 10)], self._check)
        if national:
            self.codes.set_text("national_code", national)
        self.ticket: CollectionTicket | None = None
        self.result: DeliveryResult | None = None
        self.ended: Outcome | None = None
        self.step = "code"

    @staticmethod
    def _check(form: Form) -> dict[str, Enum]:
        text = form.text("national_code")
        if not text:
            return {"national_code": DataProblem.MISSING}
        try:
            validate_national_code(text)
        except CitizenDataError as wrong:
            return {"national_code": wrong.problem}
        return {}

    @property
    def form(self) -> Form | None:
        return self.codes if self.step == "code" else None

    def wipe(self) -> None:
        self.codes.wipe()
        self.ticket = None
        self.result = None

    def start(self) -> None:
        if self.codes.text("national_code"):
            self.on_next(None)
        else:
            self.desk.render()

    def goto(self, step: str) -> None:
        self.step = step
        self.desk.render()

    def view(self) -> View:
        w = self.w
        if self.step == "code":
            return form_view(w, w.say("office.deliver"), self.codes, [
                Button("next", w.say("button.next"), "next"), self.home_button()],
                body=w.say("office.deliver.code"))
        if self.step == "done" and self.result is not None:
            r, charge = self.result.record, self.result.charge
            return sheet_view(w, w.say("office.delivered"), w.say("office.delivered.body"),
                              tone="ok", rows=[
                                  (w.say("office.name"), f"{r.given_name} {r.surname}"),
                                  (w.say("status.card"), digits(r.card_serial or "", "en")),
                                  (w.say("office.fee_taken"),
                                   toman_and_rial(w, charge.amount_rial))],
                              buttons=[Button("receipt", w.say("receipt.show"), "receipt"),
                                       self.home_button()])
        if self.step == "ended" and self.ended is not None:
            ending = self.ended.ending
            return sheet_view(w, w.say(f"end.{ending.name}", pin="PIN1", tries="", why=""),
                              w.say(f"next.{ending.name}", pin="PIN1", tries="", why=""),
                              tone="warn", buttons=[
                                  Button("again", w.say("button.retry"), "start"),
                                  self.home_button()])
        ticket = self.ticket
        assert ticket is not None
        due = int(ticket.receipt.total)
        rows = [(w.say("field.national_code"), national_code(ticket.national_code, w.lang)),
                (w.say("status.card"), digits(ticket.card_serial, "en")),
                (w.say("office.issued_on"), day_text(w, ticket.issued_on)),
                (w.say("office.collect_by"), day_text(w, ticket.collect_by)),
                (w.say("office.fee_due"), toman_and_rial(w, due))]
        if self.step == "insert":
            return sheet_view(w, w.say("office.insert"), w.say("office.insert.body"), rows=rows,
                              buttons=[Button("cancel", w.say("button.cancel"), "ticket",
                                              role="secondary")])
        body = w.say("office.late", day=day_text(w, ticket.collect_by)) if ticket.late \
            else w.say("office.ticket.body")
        return sheet_view(w, w.say("office.ticket"), body, rows=rows,
                          tone="warn" if ticket.late else "info",
                          buttons=[Button("start", w.say("office.take_fee", amount=toman_and_rial(
                              w, due)), "start"), self.home_button()])

    def on_next(self, _arg: Any) -> None:
        problems = self.codes.all_problems()
        if problems:
            self.codes.touch_all()
            self.desk.render()
            return
        office = self.office
        code = validate_national_code(self.codes.text("national_code"))

        def ticketed(ticket: CollectionTicket) -> None:
            self.ticket = ticket
            self.desk.audit("ticket", application_id=ticket.application_id, late=ticket.late)
            self.goto("ticket")

        self.call(lambda s: s.collection(office.office_id(), code), ticketed)

    def on_ticket(self, _arg: Any) -> None:
        self.goto("ticket")

    def on_start(self, _arg: Any) -> None:
        self.ended = None
        if self.office.office_host.backend.card_present():
            self.card_inserted()
        else:
            self.goto("insert")

    def card_inserted(self) -> None:
        ticket = self.ticket
        host = self.office.office_host
        if ticket is None:
            return
        b = host.backend
        flow = DeliverCardFlow(host.runner, b.open_card, b.fingers, b.trust_anchors,
                               expected=Expected(ticket.national_code, ticket.card_serial),
                               wrong_attempts=self.office.finger_attempts)
        self.step = "flow"
        self.desk.audit("handover-start", application_id=ticket.application_id)
        host.start(flow, Service.DELIVER, then=self._handed)

    def _handed(self, outcome: Outcome) -> None:
        ticket = self.ticket
        assert ticket is not None
        if not outcome.ok or not isinstance(outcome.value, Delivery):
            self.ended = outcome
            self.desk.audit("handover-ended", ending=outcome.ending.value)
            self.goto("ended")
            return
        delivery = outcome.value
        contents = delivery.reading.contents
        assert contents is not None      # a Delivery exists only for a genuine card
        evidence = CardEvidence(delivery.reading.authenticity.genuine,
                                contents.identity.national_code,
                                contents.identity.card_serial, delivery.finger_reference)
        record = DeliveryRecord(ticket.application_id, ticket.office_id, evidence,
                                int(ticket.receipt.total), CounterMethod.POS)

        def recorded(result: DeliveryResult) -> None:
            self.result = result
            self.desk.audit("delivered", application_id=ticket.application_id,
                            amount_rial=result.charge.amount_rial)
            self.goto("done")

        self.call(lambda s: s.record_delivery(record), recorded)

    def on_receipt(self, _arg: Any) -> None:
        assert self.result is not None
        r = self.result.record
        show_charge_receipt(self.office, r, self.result.charge,
                            f"delivery-{r.application_id}-{r.card_serial}")
