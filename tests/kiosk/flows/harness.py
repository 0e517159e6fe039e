"""The paths every flow must survive: cancel, timeout and a pulled card at each step, a card
pulled in the middle of each command, and every event that comes out of order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.flows.base import EventRefused, Flow
from kiosk.flows.events import (
    Cancel,
    CardInserted,
    CardRemoved,
    Confirm,
    Event,
    NewPinEntered,
    PinEntered,
    Retry,
    Start,
    Timeout,
)
from kiosk.flows.outcome import Ending
from simulators.card import SimulatedChip
from simulators.inprocess import InProcessReader
from tests.kiosk.flows.conftest import Recorder, Step

ANY_EVENTS: list[Event] = [Start(), CardInserted("r"), PinEntered("246810"),
                           NewPinEntered("975310", "975310"), Confirm(), Retry()]


def run(flow: Flow, steps: list[Step]) -> Flow:
    for step in steps:
        if flow.finished:
            break
        if step.before is not None:
            step.before()
        flow.send(step.event)
    return flow


def assert_card_forgot_everything(chip: SimulatedChip) -> None:
    """After the flow, nothing verified survives on the card (the close reset it)."""
    assert not chip.powered or not chip.session.verified


def check_every_path(make_flow: Callable[[], Flow], insert: Callable[[], SimulatedChip],
                     reader: InProcessReader, steps: list[Step], done: Ending = Ending.DONE,
                     ) -> None:
    """Happy path, then cancel / timeout / card removed before each step, then a card
    pulled during each command of the happy path, then out-of-order events."""
    chip = insert()
    recorder = Recorder()
    recorder.attach(chip)
    flow = make_flow()
    flow.subscribe(lambda f: recorder.stop() if f.finished else None)
    run(flow, steps)
    assert flow.outcome is not None and flow.outcome.ending is done, flow.outcome
    assert_card_forgot_everything(chip)

    for cut in range(len(steps) + 1):
        for ending_event, ending in ((Cancel(), Ending.CANCELLED), (Timeout(), Ending.TIMED_OUT),
                                     (CardRemoved(), Ending.CARD_REMOVED)):
            chip = insert()
            flow = run(make_flow(), steps[:cut])
            if flow.finished:
                continue
            if isinstance(ending_event, CardRemoved):
                reader.remove()
            flow.send(ending_event)
            assert flow.outcome is not None and flow.outcome.ending is ending
            assert_card_forgot_everything(chip)
            with pytest.raises(EventRefused):
                flow.send(Start())

    for ins, occurrence in recorder.occurrences():
        chip = insert()
        reader.pull_at(ins, occurrence)
        flow = run(make_flow(), steps)
        assert flow.outcome is not None, (hex(ins), occurrence)
        assert flow.outcome.ending is Ending.CARD_REMOVED, (hex(ins), occurrence, flow.outcome)

    insert()
    flow = make_flow()
    for step in [*steps, None]:
        if flow.finished:
            break
        state, allowed = flow.state, flow.expects()
        for event in ANY_EVENTS:
            if type(event) not in allowed:
                with pytest.raises(EventRefused):
                    flow.send(event)
                assert flow.state is state and not flow.finished
        if step is None:
            break
        if step.before is not None:
            step.before()
        flow.send(step.event)
