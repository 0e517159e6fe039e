"""Read and check the card: genuine, every forgery, pulled at each step, out of order."""

import pytest

from apdu.authenticity import Verdict
from kiosk.flows.events import CardInserted, Start
from kiosk.flows.outcome import Ending
from kiosk.flows.read_card import ReadCardFlow, ReadState
from simulators.card import CardStore, SimulatedChip
from simulators.forgery import Forgery, forge
from tests.kiosk.flows.conftest import HOLDER, Step
from tests.kiosk.flows.harness import check_every_path


def test_every_path(card, reader, runner, anchors):
    check_every_path(lambda: ReadCardFlow(runner, reader.open, anchors),
                     lambda: card.insert(delivered=False), reader, [Step(CardInserted("r"))])


def test_genuine_card_gives_the_reading(card, reader, runner, anchors):
    card.insert()
    seen = []
    flow = ReadCardFlow(runner, reader.open, anchors, on_change=lambda f: seen.append(f.state))
    flow.send(CardInserted("slot 0"))
    assert flow.outcome.ending is Ending.DONE and flow.reader == "slot 0"
    reading = flow.outcome.value
    assert reading.authenticity.genuine and reading.contents.photo_jpeg
    assert ReadState.READING in seen


@pytest.mark.parametrize("kind", list(Forgery))
def test_a_forged_card_is_never_done(cards, reader, runner, anchors, kind):
    reader.insert(SimulatedChip(CardStore(forge(cards.image(HOLDER), kind, cards.issuer))))
    flow = ReadCardFlow(runner, reader.open, anchors)
    flow.send(Start())
    assert flow.outcome.ending is Ending.NOT_GENUINE
    assert flow.outcome.detail.verdict is not Verdict.GENUINE


def test_no_card_in_the_reader(reader, runner, anchors):
    flow = ReadCardFlow(runner, reader.open, anchors)
    flow.send(Start())
    assert flow.outcome.ending is Ending.NO_CARD
