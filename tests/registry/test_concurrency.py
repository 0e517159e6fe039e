"""Many clients booking the last places of one office at once, on both databases.

Every client does what a kiosk does (hold, pay, read the outcome). Whatever the
interleaving: never more bookings than places, every place sold, and every loser told
"slot gone" (SlotGone), never an untyped failure. Then holds lapse while late payments
arrive: each payment ends confirmed or marked for refund, never lost.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from registry.clock import SettableClock
from registry.contract import HoldRequest, PaymentRequest
from registry.payments import Behaviour, SimulatedBank
from registry.refusals import SlotGone
from registry.service import LocalRegistry
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState
from registry.storage.models import Appointment, Payment
from tests.registry.helpers import MONDAY, office, registered, retry_busy
from tests.registry.workers import booking_process, outcome_of


def _together(count: int, work: Callable[[int], str]) -> list[str]:
    """Run ``work(i)`` for every i in its own thread, all released at the same instant."""
    barrier = threading.Barrier(count)
    outcomes = [""] * count

    def run(i: int) -> None:
        barrier.wait(30)
        outcomes[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _booked(registry: LocalRegistry, office_id: int) -> int:
    with registry.database.read("count") as session:
        return int(session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.office_id == office_id, Appointment.day == MONDAY.togregorian(),
            Appointment.state == AppointmentState.BOOKED.value)) or 0)


def test_threads_race_for_the_last_places(registry: LocalRegistry) -> None:
    capacity, clients = 7, 40
    place = registry.add_office(office("T1", capacity))
    codes = [registered(registry, n) for n in range(clients)]
    outcomes = _together(clients, lambda i: outcome_of(registry, codes[i], place.office_id,
                                                       MONDAY, f"book-t-{i:04d}"))
    assert Counter(outcomes) == {"applied": capacity, "slot-gone": clients - capacity}
    assert _booked(registry, place.office_id) == capacity


def test_processes_and_threads_race_for_the_last_places(registry: LocalRegistry,
                                                        db_url: str) -> None:
    capacity, processes, per_process = 5, 4, 6
    place = registry.add_office(office("P1", capacity))
    codes = [registered(registry, n) for n in range(processes * per_process)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes * per_process)
    results = context.Queue()
    workers = [context.Process(target=booking_process,
                               args=(db_url, p, codes[p * per_process:(p + 1) * per_process],
                                     place.office_id, MONDAY, barrier, results))
               for p in range(processes)]
    for worker in workers:
        worker.start()
    collected = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    outcomes = [o for p in sorted(collected) for o in collected[p]]
    assert Counter(outcomes) == {"applied": capacity,
                                 "slot-gone": processes * per_process - capacity}
    assert _booked(registry, place.office_id) == capacity


def test_holds_lapse_while_late_payments_arrive(registry: LocalRegistry, bank: SimulatedBank,
                                                clock: SettableClock) -> None:
    capacity, newcomers = 10, 10
    place = registry.add_office(office("LP1", capacity))
    late = [registered(registry, n) for n in range(capacity)]
    fresh = [registered(registry, 1000 + n) for n in range(newcomers)]
    # every place held, each paid through a bank that will answer after the hold lapsed
    bank.script(Behaviour.PAY_LATE, delay=dt.timedelta(minutes=12), times=capacity)
    for i, code in enumerate(late):
        registry.hold_slot(HoldRequest(code, place.office_id, MONDAY))
        registry.start_payment(PaymentRequest(code, PaymentPurpose.BOOKING, f"late-{i:04d}"))
    clock.advance(dt.timedelta(minutes=12))        # holds lapsed 2 min ago; payments succeed

    def work(i: int) -> str:
        if i < capacity:                          # the bank's callback for late payment i
            paid = retry_busy(lambda: registry.payment_notice(
                registry.observe_payment(f"late-{i:04d}").reference or ""))
            return f"late:{paid.disposition}"
        n = i - capacity                          # a newcomer after a freed place
        try:
            retry_busy(lambda: registry.hold_slot(HoldRequest(fresh[n], place.office_id,
                                                              MONDAY)))
        except SlotGone:
            return "new:slot-gone"
        retry_busy(lambda: registry.start_payment(
            PaymentRequest(fresh[n], PaymentPurpose.BOOKING, f"fresh-{n:04d}")))
        paid = retry_busy(lambda: registry.observe_payment(f"fresh-{n:04d}"))
        return f"new:{paid.disposition}"

    outcomes = Counter(_together(capacity + newcomers, work))
    placed = outcomes["late:applied"] + outcomes["new:applied"]
    assert placed == capacity == _booked(registry, place.office_id)
    assert outcomes["late:applied"] + outcomes["late:refund-due"] == capacity
    assert outcomes["new:applied"] + outcomes["new:slot-gone"] + outcomes[
        "new:refund-due"] == newcomers
    with registry.database.read("payments") as session:
        payments = session.scalars(select(Payment).where(
            Payment.purpose == PaymentPurpose.BOOKING.value)).all()
    succeeded = [p for p in payments if p.state == PaymentState.SUCCEEDED.value]
    assert all(p.disposition in (Disposition.APPLIED, Disposition.REFUND_DUE)
               for p in succeeded)
    assert sum(p.disposition == Disposition.APPLIED for p in succeeded) == capacity
    print(f"\n{registry.database.dialect}: {dict(outcomes)}")
