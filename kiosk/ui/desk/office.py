"""Office mode, behind an operator's code: the day's schedule of the office this kiosk
serves, who came, completing a registration (documents, the camera's photo, ten
fingers through the enrolment flow), the manager's decision (another person's code:
four eyes), issuing the card, making it ready, and the hand-over through the delivery
flow with its fee recorded and its receipt.

What may be done next is the lifecycle's answer (``registry.lifecycle.can_move``) for
the application's status as the registry reports it; every step is the registry's call.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, Protocol

from apdu.biometric_profile import FingerPosition as CardFinger
from biometric.capture import CaptureStep
from citizen.errors import CitizenDataError, DataProblem
from citizen.national_code import validate_national_code
from kiosk.flows.base import Flow
from kiosk.flows.deliver import DeliverCardFlow, Delivery, Expected
from kiosk.flows.enrol_fingers import EnrolFingersFlow, EnrolledFingers, EnrolState
from kiosk.flows.events import Cancel, Retry, SkipFinger
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.situation import Service
from kiosk.text import digits, national_code, number
from kiosk.ui.desk.base import Desk, DeskHost, Errand
from kiosk.ui.desk.views import (
    Button,
    OfficeNotConfigured,
    Tile,
    choices_view,
    day_text,
    form_view,
    office_refusal,
    sheet_view,
    time_text,
    toman_and_rial,
)
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from registry.cards import ProducedCard
from registry.clock import Clock
from registry.contract import AppointmentView, ScheduledAppointment
from registry.documents import (
    BirthCertificateSeen,
    DocField,
    Documents,
    InvalidDocuments,
    PresentedCard,
    checked_documents,
)
from registry.fingers import TEN_FINGERS, FingerCapture, FingerPosition, SkipReason
from registry.lifecycle import Status, can_move
from registry.office_contract import (
    CardEvidence,
    Charge,
    CollectionTicket,
    Completion,
    CompletionResult,
    CounterMethod,
    Decision,
    DeliveryRecord,
    DeliveryResult,
    IssuedCard,
    OfficeRecord,
    RejectReason,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.photo import Photo, photo_problem
from registry.refusals import NotFound
from registry.service import RegistryService
from registry.states import AppointmentState

DOC_FIELDS = {DocField.GIVEN_NAME: "given_name", DocField.SURNAME: "surname",
              DocField.FATHER_NAME: "father_name", DocField.BIRTH_CERTIFICATE: "original",
              DocField.BIRTH_CERTIFICATE_NUMBER: "certificate_number",
              DocField.BIRTH_CERTIFICATE_SERIAL: "serial", DocField.POSTAL_CODE: "postal_code",
              DocField.ADDRESS: "address", DocField.LANDLINE: "landline",
              DocField.MOBILE: "mobile"}
"""The documents' fields by the names the kiosk's form gives them."""


class OfficeHost(DeskHost, Protocol):
    """What office mode needs of the session besides a desk's: flows and devices."""

    @property
    def backend(self) -> Any: ...

    def start(self, flow: Flow, service: Service | None, *,
              then: Callable[[Outcome], None] | None = None,
              view: Callable[[Flow], View] | None = None) -> None: ...

    def send(self, event: Any) -> None: ...

    def ask_manager(self, then: Callable[[], None], back: Callable[[], None],
                    error: str = "") -> None: ...

    @property
    def last_operator(self) -> str | None: ...


class OfficeDesk(Desk):
    audit_prefix = "office"

    def __init__(self, host: OfficeHost, access: RegistryAccess, clock: Clock, *,
                 office_id: int | None, finger_attempts: int | None = None) -> None:
        super().__init__(host, access, clock)
        self.office_host = host
        self.configured_office = office_id
        self.finger_attempts = finger_attempts
        self.operator: str | None = None

    def office_id(self) -> int:
        """The office this kiosk serves: the settings', else the simulator's demo office
        (known once the registry is open: call from a job)."""
        office = self.configured_office or self.access.demo_office_id
        if office is None:
            raise OfficeNotConfigured()
        return office

    def open(self, operator: str) -> None:
        self.operator = operator
        self.begin(HomeErrand(self))
        self.audit("open", operator=operator)

    def act(self, action: str, arg: Any = None) -> None:
        if action == "office_home":
            self.begin(HomeErrand(self))
        elif action == "leave":
            self.audit("close", operator=self.operator)
            self.host.go_home()
        else:
            super().act(action, arg)

    def call_as_operator(self, job: Callable[[RegistryService], Any],
                         done: Callable[[Any], None], **kwargs: Any) -> None:
        self.call(job, done, operator=self.operator, **kwargs)

    @property
    def wants_card(self) -> bool:
        return isinstance(self.errand, DeliverErrand) and self.errand.step == "insert"

    def card_inserted(self) -> None:
        if isinstance(self.errand, DeliverErrand):
            self.errand.card_inserted()

    def wipe(self) -> None:
        super().wipe()
        self.operator = None


class OfficeErrand(Errand):
    def __init__(self, desk: OfficeDesk) -> None:
        super().__init__(desk)
        self.office = desk

    def call(self, job: Callable[[RegistryService], Any], done: Callable[[Any], None],
             **kwargs: Any) -> None:
        self.office.call_as_operator(job, done, **kwargs)

    def act(self, action: str, arg: Any) -> bool:
        handler = getattr(self, f"on_{action}", None)
        if handler is None:
            return False
        handler(arg)
        return True

    def home_button(self) -> Button:
        return Button("office_home", self.w.say("office.home"), "office_home", role="secondary")


# --- home and the day's schedule --------------------------------------------------------

class HomeErrand(OfficeErrand):
    name = "home"

    def view(self) -> View:
        w = self.w
        tiles = [Tile(w.say("office.schedule"), w.say("office.schedule.hint"), "schedule",
                      "schedule"),
                 Tile(w.say("office.deliver"), w.say("office.deliver.hint"), "deliver",
                      "deliver")]
        return choices_view(w, w.say("office.title"), tiles,
                            [Button("leave", w.say("office.leave"), "leave", role="secondary")],
                            body=w.say("office.operator", name=w.say(
                                f"operator.{self.office.operator}")))

    def on_schedule(self, _arg: Any) -> None:
        self.desk.begin(ScheduleErrand(self.office))

    def on_deliver(self, _arg: Any) -> None:
        self.desk.begin(DeliverErrand(self.office))


Line = tuple[ScheduledAppointment, OfficeRecord | None]


def read_line(service: RegistryService, line: ScheduledAppointment) -> Line:
    try:
        return line, service.office_record(line.application_id)
    except NotFound:
        return line, None          # not completed yet


class ScheduleErrand(OfficeErrand):
    name = "schedule"

    def __init__(self, desk: OfficeDesk) -> None:
        super().__init__(desk)
        self.lines: list[Line] = []

    def start(self) -> None:
        office, today = self.office, self.desk.clock.today()

        def job(s: RegistryService) -> list[Line]:
            return [read_line(s, line) for line in s.office_schedule(office.office_id(), today)]

        self.call(job, self._read)

    def _read(self, lines: list[Line]) -> None:
        self.lines = lines
        self.desk.audit("schedule", count=len(lines))
        self.desk.render()

    def view(self) -> View:
        w = self.w
        tiles = []
        for line, record in self.lines:
            a = line.appointment
            status = w.say(record.status) if record else w.say(a.state)
            who = (f"{record.given_name} {record.surname}" if record
                   else w.say("office.application", id=number(line.application_id, w.lang)))
            tiles.append(Tile(who, w.say("office.line", appointment=w.say(a.state),
                                         status=status),
                              "open", line.application_id,
                              badge=digits(line.application_id, w.lang),
                              tone="ok" if record and record.status is Status.DELIVERED
                              else "info"))
        return choices_view(w, w.say("office.schedule.title",
                                     day=day_text(w, self.desk.clock.today())), tiles,
                            [Button("refresh", w.say("office.refresh"), "refresh",
                                    role="secondary"), self.home_button()],
                            body=w.say("office.schedule.body"))

    def on_refresh(self, _arg: Any) -> None:
        self.start()

    def on_open(self, arg: Any) -> None:
        for line, record in self.lines:
            if line.application_id == int(arg):
                self.desk.begin(ApplicantErrand(self.office, line, record))
                return


# --- one applicant ----------------------------------------------------------------------

class ApplicantErrand(OfficeErrand):
    """An applicant of the day: facts so far, and the steps their status allows now."""

    name = "applicant"

    def __init__(self, desk: OfficeDesk, line: ScheduledAppointment,
                 record: OfficeRecord | None, note: str = "") -> None:
        super().__init__(desk)
        self.line = line
        self.record = record
        self.note = note
        self.produced: ProducedCard | None = None

    @property
    def status(self) -> Status:
        if self.record is not None:
            return self.record.status
        return Status.BOOKED

    def view(self) -> View:
        w = self.w
        a: AppointmentView = self.line.appointment
        r = self.record
        rows = [(w.say("office.application_no"), digits(self.line.application_id, w.lang)),
                (w.say("office.appointment"), w.say(a.state)),
                (w.say("status.now"), w.say(self.status))]
        if r is not None:
            rows += [(w.say("office.name"), f"{r.given_name} {r.surname}"),
                     (w.say("field.national_code"), national_code(r.national_code, w.lang)),
                     (w.say("office.fingers_taken"), w.say(
                         "office.fingers_count", taken=number(len(r.captured), w.lang),
                         skipped=number(len(r.skipped), w.lang)))]
            if r.card_serial:
                rows.append((w.say("status.card"), digits(r.card_serial, "en")))
            if r.collect_by:
                rows.append((w.say("office.collect_by"), day_text(w, r.collect_by)))
        buttons = self._steps(a)
        buttons.append(Button("schedule", w.say("office.schedule"), "schedule",
                              role="secondary"))
        return sheet_view(w, w.say("office.applicant"), "", rows=rows, buttons=buttons,
                          note=self.note, tone="ok" if self.note else "info")

    def _steps(self, a: AppointmentView) -> list[Button]:
        """The steps the appointment and the lifecycle allow from here."""
        w = self.w
        status = self.status
        if a.state is AppointmentState.BOOKED:
            return [Button("attended", w.say("office.attended"), "attended"),
                    Button("missed", w.say("office.missed"), "missed", role="danger")]
        steps = {Status.COMPLETED: "complete", Status.APPROVED: "decide",
                 Status.ISSUED: "issue", Status.READY_FOR_COLLECTION: "ready",
                 Status.DELIVERED: "deliver"}
        allowed = [step for target, step in steps.items() if can_move(status, target)]
        if a.state is not AppointmentState.ATTENDED:
            allowed = [s for s in allowed if s != "complete"]
        return [Button(step, w.say(f"office.step.{step}"), step) for step in allowed]

    def reload(self, note: str = "") -> None:
        line = self.line

        def job(s: RegistryService) -> Line:
            today = self.desk.clock.today()
            for found in s.office_schedule(self.office.office_id(), today):
                if found.application_id == line.application_id:
                    return read_line(s, found)
            return read_line(s, line)

        def read(found: Line) -> None:
            self.line, self.record = found
            self.note = note
            self.desk.render()

        self.call(job, read)

    def on_schedule(self, _arg: Any) -> None:
        self.desk.begin(ScheduleErrand(self.office))

    def on_attended(self, _arg: Any) -> None:
        appointment = self.line.appointment.appointment_id
        self.desk.audit("attended", application_id=self.line.application_id)
        self.call(lambda s: s.mark_attended(appointment),
                  lambda _v: self.reload(self.w.say("office.marked_attended")))

    def on_missed(self, _arg: Any) -> None:
        appointment = self.line.appointment.appointment_id
        self.desk.audit("missed", application_id=self.line.application_id)
        self.call(lambda s: s.mark_missed(appointment),
                  lambda _v: self.reload(self.w.say("office.marked_missed")))

    def on_complete(self, _arg: Any) -> None:
        self.desk.begin(CompleteErrand(self.office, self.line, self))

    def on_decide(self, _arg: Any) -> None:
        self.desk.begin(DecideErrand(self.office, self.line, self.record))

    def on_issue(self, _arg: Any) -> None:
        application_id = self.line.application_id

        def issued(card: IssuedCard) -> None:
            self.desk.audit("issued", application_id=application_id)
            self.office_host().backend.receive_card(card.card)  # the simulator's reader
            w = self.w
            assert card.record.collect_by is not None
            self.reload(w.say("office.issued", serial=digits(card.record.card_serial or "", "en"),
                              day=day_text(w, card.record.collect_by)))

        self.call(lambda s: s.issue_card(application_id), issued)

    def office_host(self) -> OfficeHost:
        return self.office.office_host

    def on_ready(self, _arg: Any) -> None:
        application_id = self.line.application_id

        def ready(_record: OfficeRecord) -> None:
            self.desk.audit("ready", application_id=application_id)
            self.reload(self.w.say("office.ready_sent"))

        self.call(lambda s: s.card_arrived(application_id), ready)

    def on_deliver(self, _arg: Any) -> None:
        assert self.record is not None
        self.desk.begin(DeliverErrand(self.office, self.record.national_code))


# --- completing a registration ----------------------------------------------------------

def documents_form() -> Form:
    def check(form: Form) -> dict[str, Enum]:
        try:
            checked_documents(typed_documents(form), form.text("serial"))
        except InvalidDocuments as refused:
            return {DOC_FIELDS[p.field]: p.problem for p in refused.problems}
        return {}

    return Form([
        Field("given_name", Keys.LETTERS, 40), Field("surname", Keys.LETTERS, 40),
        Field("father_name", Keys.LETTERS, 40), Field("certificate_number", Keys.DIGITS, 10),
        Field("serial", Keys.TEXT, 14),
        Field("original", Keys.CHOICE, choices=("yes", "no"), value="yes"),
        Field("national_card", Keys.CHOICE, choices=tuple(c.value for c in PresentedCard),
              value=PresentedCard.NONE.value),
        Field("postal_code", Keys.DIGITS, 10), Field("address", Keys.TEXT, 120),
        Field("landline", Keys.DIGITS, 11), Field("mobile", Keys.DIGITS, 11),
    ], check)


def typed_documents(form: Form) -> Documents:
    return Documents(
        BirthCertificateSeen(form.text("given_name"), form.text("surname"),
                             form.text("father_name"), form.text("certificate_number"),
                             form.text("serial"), form.text("original") == "yes"),
        PresentedCard(form.text("national_card") or PresentedCard.NONE.value),
        form.text("postal_code"), form.text("address"), form.text("landline"),
        form.text("mobile"))


HANDS = (TEN_FINGERS[:5], TEN_FINGERS[5:])


class CompleteErrand(OfficeErrand):
    """Documents, photo, ten fingers, then the registry records the completion."""

    name = "complete"

    def __init__(self, desk: OfficeDesk, line: ScheduledAppointment,
                 applicant: ApplicantErrand) -> None:
        super().__init__(desk)
        self.line = line
        self.applicant = applicant
        self.documents = documents_form()
        self.photo: Photo | None = None
        self.flow: EnrolFingersFlow | None = None
        self.skips: dict[FingerPosition, SkipReason] = {}
        self.enrolled: EnrolledFingers | None = None
        self.result: CompletionResult | None = None
        self.step = "documents"

    @property
    def form(self) -> Form | None:
        return self.documents if self.step == "documents" else None

    def wipe(self) -> None:
        self.documents.wipe()
        self.photo = None
        self.enrolled = None
        self.result = None
        self.skips = {}

    def goto(self, step: str) -> None:
        self.step = step
        self.desk.render()

    def view(self) -> View:
        w = self.w
        if self.step == "documents":
            return form_view(w, w.say("office.documents"), self.documents, [
                Button("next", w.say("button.next"), "next"),
                Button("back", w.say("button.back"), "back", role="secondary")],
                body=w.say("office.documents.body"))
        if self.step == "photo":
            problem = photo_problem(self.photo.jpeg) if self.photo else None
            body = w.say("office.photo.body") if self.photo is None else (
                w.say("office.photo.ok") if problem is None else w.say(
                    "office.photo.bad", why=w.say(f"PhotoProblem.{problem.name}")))
            buttons = [Button("shoot", w.say("office.photo.take" if self.photo is None
                                             else "office.photo.again"), "shoot",
                              role="primary" if self.photo is None else "secondary")]
            if self.photo is not None and problem is None:
                buttons.insert(0, Button("use", w.say("office.photo.use"), "use"))
            buttons.append(Button("back", w.say("button.back"), "back", role="secondary"))
            source = w.say(self.photo.source) if self.photo else ""
            return sheet_view(w, w.say("office.photo"), body, photo=self.photo.jpeg
                              if self.photo else None, tone="warn" if problem else "info",
                              rows=[(w.say("office.photo.source"), source)] if source else [],
                              buttons=buttons)
        if self.step == "done" and self.result is not None:
            r, charge = self.result.record, self.result.charge
            return sheet_view(w, w.say("office.completed"), w.say("office.completed.body"),
                              tone="ok", rows=[
                                  (w.say("office.name"), f"{r.given_name} {r.surname}"),
                                  (w.say("office.fingers_taken"), w.say(
                                      "office.fingers_count",
                                      taken=number(len(r.captured), w.lang),
                                      skipped=number(len(r.skipped), w.lang))),
                                  (w.say("office.completion_fee"),
                                   toman_and_rial(w, charge.amount_rial))],
                              buttons=[Button("applicant", w.say("office.applicant_back"),
                                              "applicant"),
                                       Button("receipt", w.say("receipt.show"), "receipt",
                                              role="secondary")])
        return sheet_view(w, w.say("office.fingers.ready"), w.say("office.fingers.ready_body"),
                          buttons=[Button("fingers", w.say("office.fingers.start"), "fingers"),
                                   Button("back", w.say("button.back"), "back",
                                          role="secondary")])

    # -- documents ----------------------------------------------------------------------
    def on_next(self, _arg: Any) -> None:
        form = self.documents
        form.touch_all()
        first = form.first_problem()
        if first is not None:
            form.focus_on(first)
            self.desk.render()
            return
        if self.photo is not None and self.enrolled is not None:
            self._submit()          # a document corrected after the registry refused it
            return
        self.goto("photo")

    def on_back(self, _arg: Any) -> None:
        back = {"documents": None, "photo": "documents", "fingers": "photo"}.get(self.step)
        if back is None:
            self.desk.begin(self.applicant)
            self.applicant.reload()
        else:
            self.goto(back)

    # -- photo --------------------------------------------------------------------------
    def on_shoot(self, _arg: Any) -> None:
        camera = self.office.office_host.backend.camera
        if camera is None:
            self.desk.trouble(OfficeStepRefused(OfficeRefusal.PHOTO, detail="not-jpeg"))
            return

        def taken(photo: Photo) -> None:
            self.photo = photo
            self.desk.audit("photo", source=photo.source.value,
                            usable=photo_problem(photo.jpeg) is None)
            self.goto("photo")

        self.desk.run(camera.capture, taken)

    def on_use(self, _arg: Any) -> None:
        self.goto("fingers")

    # -- ten fingers --------------------------------------------------------------------
    def on_fingers(self, _arg: Any) -> None:
        host = self.office.office_host
        self.skips = {}
        flow = EnrolFingersFlow(host.runner, host.backend.fingers)
        self.flow = flow
        self.desk.audit("fingers-start", application_id=self.line.application_id)
        host.start(flow, None, then=self._enrolled, view=self.fingers_view)

    def fingers_view(self, flow: Flow) -> View:
        assert isinstance(flow, EnrolFingersFlow)
        w = self.w
        current = FingerPosition(int(flow.finger))
        passed = {FingerPosition(int(p)) for p in flow.positions[:flow.index]}
        taken = passed - set(self.skips)
        hands = []
        for hand in HANDS:
            row = []
            for position in hand:
                if position in taken:
                    state = "done"
                elif position in self.skips:
                    state = "skipped"
                elif position == current:
                    state = "bad" if flow.state is EnrolState.FINGER_FAILED else "now"
                else:
                    state = "todo"
                row.append({"name": w.say(f"finger.short.{int(position)}"), "state": state,
                            "position": int(position)})
            hands.append(row)
        finger = w.say(CardFinger(int(current)))
        progress = w.say("office.fingers.progress", taken=number(len(taken), w.lang),
                         total=number(len(TEN_FINGERS), w.lang),
                         skipped=number(len(self.skips), w.lang))
        cancel = Button("cancel", w.say("button.cancel"), "cancel_fingers", role="secondary")
        if flow.state is EnrolState.FINGER_FAILED:
            why = flow.last_failure.ending if flow.last_failure else Ending.NO_USABLE_TOUCH
            buttons = [Button("retry", w.say("button.retry"), "retry_finger")]
            buttons += [Button(f"skip_{r.value}", w.say(f"office.skip.{r.name}"), "skip_finger",
                               r.value, role="secondary") for r in SkipReason]
            return View("fingers", w.say("office.fingers.failed", finger=finger),
                        w.say(f"end.{why.name}"), note=progress, tone="warn",
                        data={"hands": hands, "buttons": [*buttons, cancel]})
        step = flow.capture_step or CaptureStep.PLACE_FINGER
        return View("fingers", w.say("office.fingers.place", finger=finger), w.say(step),
                    note=progress, tone="warn" if step in (CaptureStep.POOR_TOUCH,
                                                           CaptureStep.LIFT_AND_PLACE)
                    else "info", data={"hands": hands, "buttons": [cancel]})

    def on_retry_finger(self, _arg: Any) -> None:
        self.office.office_host.send(Retry())

    def on_skip_finger(self, arg: Any) -> None:
        flow = self.flow
        if flow is None or flow.state is not EnrolState.FINGER_FAILED:
            return
        self.skips[FingerPosition(int(flow.finger))] = SkipReason(arg)
        self.desk.audit("finger-skipped", finger=int(flow.finger), reason=str(arg))
        self.office.office_host.send(SkipFinger())

    def on_cancel_fingers(self, _arg: Any) -> None:
        self.office.office_host.send(Cancel())

    def _enrolled(self, outcome: Outcome) -> None:
        self.flow = None
        if not outcome.ok or not isinstance(outcome.value, EnrolledFingers):
            w = self.w
            self.desk.audit("fingers-ended", ending=outcome.ending.value)
            self.desk.show(sheet_view(w, w.say(f"end.{outcome.ending.name}"),
                                      w.say(f"next.{outcome.ending.name}"), tone="warn",
                                      buttons=[Button("fingers", w.say("office.fingers.start"),
                                                      "fingers"),
                                               Button("back", w.say("button.back"), "back",
                                                      role="secondary")]))
            self.step = "fingers"
            return
        self.enrolled = outcome.value
        self._submit()

    def _capture(self) -> FingerCapture:
        enrolled = self.enrolled
        assert enrolled is not None
        skipped = dict(self.skips)
        for p in enrolled.skipped:
            skipped.setdefault(FingerPosition(int(p)), SkipReason.UNREADABLE)
        return FingerCapture({FingerPosition(int(p)): t for p, t in enrolled.templates.items()},
                             skipped, enrolled.max_minutiae, enrolled.minutiae_order)

    def _submit(self) -> None:
        assert self.photo is not None
        office, line = self.office, self.line
        documents = typed_documents(self.documents)
        photo, capture = self.photo, self._capture()

        def job(s: RegistryService) -> CompletionResult:
            return s.complete_registration(Completion(line.application_id, office.office_id(),
                                                      photo, capture, documents))

        self.call(job, self._completed, failed=self._refused)

    def _completed(self, result: CompletionResult) -> None:
        self.result = result
        self.enrolled = None
        self.desk.audit("completed", application_id=result.record.application_id,
                        captured=len(result.record.captured),
                        skipped=len(result.record.skipped))
        self.goto("done")

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, InvalidDocuments):
            self.documents.refuse({DOC_FIELDS[p.field]: p.problem for p in error.problems})
            self.goto("documents")
            return True
        if isinstance(error, OfficeStepRefused) and error.reason is OfficeRefusal.PHOTO:
            self.photo = None
            self.goto("photo")
            return True
        return False

    def on_applicant(self, _arg: Any) -> None:
        self.desk.begin(self.applicant)
        self.applicant.reload()

    def on_receipt(self, _arg: Any) -> None:
        assert self.result is not None
        show_charge_receipt(self.office, self.result.record, self.result.charge,
                            f"completion-{self.result.record.application_id}")


def show_charge_receipt(desk: OfficeDesk, record: OfficeRecord, charge: Charge,
                        name: str) -> None:
    from kiosk.receipts import ReceiptFacts

    desk.show_receipt(ReceiptFacts.of(record, charge), name, desk.render)


# --- the manager's decision -------------------------------------------------------------

class DecideErrand(OfficeErrand):
    """Approve, or refuse with a reason; decided by whoever enters their code now, and
    the registry refuses it from the one who completed the registration."""

    name = "decide"

    def __init__(self, desk: OfficeDesk, line: ScheduledAppointment,
                 record: OfficeRecord | None) -> None:
        super().__init__(desk)
        self.line = line
        self.record = record
        self.manager: str | None = None
        self.refusing = False
        self.decided: OfficeRecord | None = None

    def start(self, error: str = "") -> None:
        host = self.office.office_host
        host.ask_manager(self._manager, self._back, error)

    def _manager(self) -> None:
        self.manager = self.office.office_host.last_operator
        self.desk.audit("manager", manager=self.manager)
        self.desk.render()

    def _back(self) -> None:
        applicant = ApplicantErrand(self.office, self.line, self.record)
        self.desk.begin(applicant)
        applicant.reload()

    def view(self) -> View:
        w = self.w
        r = self.record
        if self.decided is not None:
            approved = bool(self.decided.approved)
            return sheet_view(w, w.say("office.approved" if approved else "office.rejected"),
                              w.say(self.decided.reject_reason)
                              if self.decided.reject_reason else "",
                              tone="ok" if approved else "warn",
                              rows=[(w.say("office.decided_by"),
                                     w.say(f"operator.{self.manager}"))],
                              buttons=[Button("applicant", w.say("office.applicant_back"),
                                              "applicant")])
        who = f"{r.given_name} {r.surname}" if r else ""
        if self.refusing:
            tiles = [Tile(w.say(reason), "", "refuse", reason.value) for reason in RejectReason]
            return choices_view(w, w.say("office.refuse_why"), tiles,
                                [Button("back", w.say("button.back"), "not_refusing",
                                        role="secondary")], body=who)
        facts = []
        if r is not None:
            clerk = r.completed_by.split(":")[-1]
            facts = [w.say("office.fingers_count", taken=number(len(r.captured), w.lang),
                           skipped=number(len(r.skipped), w.lang)),
                     w.say("office.completed_by", at=time_text(w, r.completed_at),
                           who=w.say(f"operator.{clerk}") if w.has(f"operator.{clerk}")
                           else clerk)]
        tiles = [Tile(w.say("office.approve"), "", "approve", "approve", tone="ok"),
                 Tile(w.say("office.refuse"), "", "refusing", "refuse", tone="bad")]
        return choices_view(w, w.say("office.decision", who=who), tiles,
                            [Button("back", w.say("button.back"), "back_applicant",
                                    role="secondary")],
                            body="\n".join(facts))

    def on_approve(self, _arg: Any) -> None:
        self._decide(Decision(self.line.application_id, True))

    def on_refusing(self, _arg: Any) -> None:
        self.refusing = True
        self.desk.render()

    def on_not_refusing(self, _arg: Any) -> None:
        self.refusing = False
        self.desk.render()

    def on_refuse(self, arg: Any) -> None:
        self._decide(Decision(self.line.application_id, False, RejectReason(arg)))

    def _decide(self, decision: Decision) -> None:
        def decided(record: OfficeRecord) -> None:
            self.decided = record
            self.desk.audit("decided", application_id=record.application_id,
                            approved=decision.approve, manager=self.manager)
            self.desk.render()

        self.desk.call(lambda s: s.decide(decision), decided, operator=self.manager,
                       failed=self._refused)

    def _refused(self, error: BaseException) -> bool:
        """The one who completed it cannot decide on it: someone else's code, then."""
        if isinstance(error, OfficeStepRefused) and error.reason is OfficeRefusal.SAME_OPERATOR:
            self.desk.audit("four-eyes", manager=self.manager)
            self.manager = None
            self.refusing = False
            self.start(office_refusal(self.w, error))
            return True
        return False

    def on_back_applicant(self, _arg: Any) -> None:
        self._back()

    def on_applicant(self, _arg: Any) -> None:
        self._back()


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
