"""Office mode, behind an operator's code: the day's schedule of the office this kiosk
serves, who came, completing a registration (documents, the camera's photo, ten
fingers through the enrolment flow), the manager's decision (another person's code:
four eyes), issuing the card, making it ready, and the hand-over through the delivery
flow with its fee recorded and its receipt.

What may be done next is the lifecycle's answer (``registry.lifecycle.can_move``) for
the application's status as the registry reports it; every step is the registry's call.
The errands live beside it: completion in ``enrol``, the hand-over in ``deliver``, what
they share in ``office_base``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.text import digits, national_code, number
from kiosk.ui.desk.base import Desk
from kiosk.ui.desk.deliver import DeliverErrand
from kiosk.ui.desk.enrol import CompleteErrand
from kiosk.ui.desk.office_base import OfficeErrand, OfficeHost
from kiosk.ui.desk.views import (
    Button,
    OfficeNotConfigured,
    Tile,
    choices_view,
    day_text,
    office_refusal,
    sheet_view,
    time_text,
)
from kiosk.ui.present import View
from kiosk.ui.registry_access import RegistryAccess
from registry.cards import ProducedCard
from registry.clock import Clock
from registry.contract import AppointmentView, ScheduledAppointment
from registry.lifecycle import Status, can_move
from registry.office_contract import Decision, IssuedCard, OfficeRecord, RejectReason
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.refusals import NotFound
from registry.service import RegistryService
from registry.states import AppointmentState


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
            who = (f"{record.given_name} {record.surname}" if record
                   else w.say("office.application", id=number(line.application_id, w.lang)))
            hint = (w.say("office.line", appointment=w.say(a.state), status=w.say(record.status))
                    if record else w.say("office.line.expected", appointment=w.say(a.state)))
            tiles.append(Tile(who, hint,
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


