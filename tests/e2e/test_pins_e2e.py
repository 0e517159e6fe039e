"""PIN management end to end: through pcscd, with the client API and the CLI."""

import logging
import os
import pty
import select
import subprocess
import time

import pytest

from apdu.errors import (
    CardRemovedError,
    ConditionsNotSatisfiedError,
    NoCardError,
    PinBlockedError,
    PinNotSetError,
    PinServicesGoneError,
    TransportError,
    WrongPinError,
)
from apdu.pcsc import open_card
from apdu.pins import PinRef, PinState
from apdu.trace import TRAFFIC
from simulators.card import CardStore, PowerLoss, SimulatedChip
from tests.conftest import KNOWN_PINS, NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow
PIN1, PUK = KNOWN_PINS.pin1, KNOWN_PINS.puk
NEW1, NEWER1 = "975310", "864200"


def insert(sim, chip, slot=0):
    sim.readers[slot].insert(chip)
    wait_for_card(slot)
    return chip


def test_status_verify_down_to_blocked_and_unblock(reader0, cards):
    insert(reader0, cards.chip(70))
    with open_card(0) as card:
        status = card.pin_status()
        assert status[PinRef.PIN1].tries_left == 3 and status[PinRef.PUK].tries_left == 10
        assert status[PinRef.PIN2].state is PinState.NOT_SET
        assert card.tries_left(PinRef.PIN1) == 3
        card.verify_pin(PinRef.PIN1, PIN1)
        with pytest.raises(WrongPinError) as wrong:
            card.verify_pin(PinRef.PIN1, "111222")
        assert wrong.value.tries_left == 2
        with pytest.raises(WrongPinError):
            card.verify_pin(PinRef.PIN1, "111222")
        with pytest.raises(PinBlockedError):
            card.verify_pin(PinRef.PIN1, "111222")
        with pytest.raises(PinBlockedError):
            card.verify_pin(PinRef.PIN1, PIN1)
        assert card.pin_status()[PinRef.PIN1].blocked
        card.unblock_pin(PinRef.PIN1, PUK, NEW1)
        card.verify_pin(PinRef.PIN1, NEW1)
        card.change_pin(PinRef.PIN1, NEW1, NEWER1)
        card.verify_pin(PinRef.PIN1, NEWER1)


def test_puk_down_to_used_up(reader0, cards):
    insert(reader0, cards.chip(71))
    with open_card(0) as card:
        for left in range(9, 0, -1):
            with pytest.raises(WrongPinError) as wrong:
                card.unblock_pin(PinRef.PIN1, "00000000", NEW1)
            assert wrong.value.tries_left == left
        with pytest.raises(PinServicesGoneError):
            card.unblock_pin(PinRef.PIN1, "00000000", NEW1)
        with pytest.raises(PinServicesGoneError):
            card.unblock_pin(PinRef.PIN1, PUK, NEW1)  # even the right PUK: it is gone
        with pytest.raises(PinServicesGoneError):
            card.change_pin(PinRef.PIN1, PIN1, NEW1)
        assert card.lifecycle().name == "BLOCKED"
        card.verify_pin(PinRef.PIN1, PIN1)  # PIN1 still works while it has tries


def test_pin2_before_signature_activation(reader0, cards):
    insert(reader0, cards.chip(72))
    with open_card(0) as card:
        for call in (lambda: card.verify_pin(PinRef.PIN2, "123987"),
                     lambda: card.change_pin(PinRef.PIN2, "123987", "456321"),
                     lambda: card.unblock_pin(PinRef.PIN2, PUK, "456321")):
            with pytest.raises(PinNotSetError):
                call()
        card.verify_pin(PinRef.PIN1, PIN1)
        with pytest.raises(ConditionsNotSatisfiedError):
            card.set_initial_pin2("456321")  # only while the signature key is activated
        with pytest.raises(PinNotSetError):
            card.verify_pin(PinRef.PIN2, "456321")


def test_card_pulled_in_the_middle_of_a_change(reader0, cards):
    path = cards.file(73)
    chip = insert(reader0, SimulatedChip(CardStore.open(path)))

    def pull_after_spend(label):
        if label == "change.spend:after":
            raise PowerLoss(label)  # the bridge drops the card: the holder pulled it

    chip.store.fault_hook = pull_after_spend
    with open_card(0) as card:
        with pytest.raises(TransportError) as pulled:
            card.change_pin(PinRef.PIN1, PIN1, NEW1)
        assert isinstance(pulled.value, (CardRemovedError, NoCardError))
        assert "removed" in str(pulled.value) or "no card" in str(pulled.value)
    wait_for_card(0, present=False)
    insert(reader0, SimulatedChip(CardStore.open(path)))
    with open_card(0) as card:
        status = card.pin_status()[PinRef.PIN1]
        assert status.tries_left == 2  # the spent try stayed spent
        card.verify_pin(PinRef.PIN1, PIN1)  # and the PIN is still the old one
        assert card.read_contents(photo=False).identity.national_code


def cli(*args, stdin=""):
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def test_cli_pin_paths_non_interactive(reader0, cards):
    insert(reader0, cards.chip(74))
    status = cli("pin", "status", "--reader", "0")
    assert status.returncode == 0 and "PIN1  3 tries left of 3" in status.stdout
    assert "Signature PIN (PIN2) active: no" in status.stdout
    changed = cli("pin", "change", "--which", "pin1", "--reader", "0",
                  stdin=f"{PIN1}\n۹۷۵۳۱۰\n{NEW1}\n")
    assert changed.returncode == 0, changed.stderr
    wrong = cli("pin", "change", "--which", "pin1", stdin=f"111222\n{NEWER1}\n{NEWER1}\n")
    assert wrong.returncode == 4 and "2 tries left" in wrong.stderr
    weak = cli("pin", "change", "--which", "pin1", stdin=f"{NEW1}\n123456\n123456\n")
    assert weak.returncode == 2 and "run of digits" in weak.stderr
    mismatch = cli("pin", "change", "--which", "pin1", stdin=f"{NEW1}\n{NEWER1}\n864201\n")
    assert mismatch.returncode == 2 and "differ" in mismatch.stderr
    for _ in range(2):
        cli("pin", "change", "--which", "pin1", stdin=f"111222\n{NEWER1}\n{NEWER1}\n")
    blocked = cli("pin", "status")
    assert "PIN1  BLOCKED" in blocked.stdout and "pin unblock --which pin1" in blocked.stdout
    unblocked = cli("pin", "unblock", "--which", "pin1", stdin=f"{PUK}\n{NEWER1}\n{NEWER1}\n")
    assert unblocked.returncode == 0 and "unblocked" in unblocked.stdout
    pin2 = cli("pin", "change", "--which", "pin2", stdin="")
    assert pin2.returncode == 3 and "signature key is activated" in pin2.stderr
    missing = cli("pin", "unblock", "--which", "pin1", stdin="")
    assert missing.returncode == 2 and "standard input" in missing.stderr


def test_cli_puk_used_up_says_what_to_do(reader0, cards):
    insert(reader0, cards.chip(75))
    for _ in range(9):
        cli("pin", "unblock", "--which", "pin1", stdin=f"00000000\n{NEW1}\n{NEW1}\n")
    last = cli("pin", "unblock", "--which", "pin1", stdin=f"00000000\n{NEW1}\n{NEW1}\n")
    assert last.returncode == 4 and "reissued at an office" in last.stderr
    after = cli("pin", "unblock", "--which", "pin1", stdin="")
    assert after.returncode == 3 and "PIN services are gone" in after.stderr


def test_cli_hidden_prompts_on_a_terminal(reader0, cards):
    insert(reader0, cards.chip(76))
    master, slave = pty.openpty()
    process = subprocess.Popen([*NIDKIOSK, "pin", "change", "--which", "pin1"], cwd=REPO,
                               stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    transcript = b""
    answers = [(b"Current PIN1: ", PIN1), (b"New PIN1: ", NEW1), (b"New PIN1 again: ", NEW1)]
    deadline = time.monotonic() + 30
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                transcript += os.read(master, 4096)
            except OSError:
                break
        if answers and transcript.endswith(answers[0][0]):
            os.write(master, answers.pop(0)[1].encode() + b"\n")
    process.wait(timeout=10)
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                break
            transcript += os.read(master, 4096)
    except OSError:
        pass
    os.close(master)
    text = transcript.decode(errors="replace")
    assert process.returncode == 0, text
    assert "PIN1: 3 tries left." in text and "PIN1 changed." in text
    assert PIN1 not in text and NEW1 not in text  # typed hidden: never echoed


def test_no_pin_or_puk_in_anything_written(reader0, cards, pcscd, caplog):
    """Every PIN flow at the most verbose logging and APDU tracing; then search every
    output for the secrets, as text and as the hex of their PIN blocks."""
    secrets = [PIN1, PUK, NEW1, NEWER1, "111222", "10293847"]
    needles = set(secrets) | {s.encode().hex() for s in secrets} | {
        s.encode().hex().upper() for s in secrets}
    written = []
    insert(reader0, cards.chip(77))
    with caplog.at_level(TRAFFIC):
        logging.getLogger("nidkiosk.apdu").setLevel(TRAFFIC)
        with open_card(0) as card:
            card.pin_status()
            card.verify_pin(PinRef.PIN1, PIN1)
            for call in (lambda: card.verify_pin(PinRef.PIN1, "111222"),
                         lambda: card.unblock_pin(PinRef.PIN1, "10293847", NEW1)):
                with pytest.raises(WrongPinError) as wrong:
                    call()
                written.append(repr(wrong.value) + str(wrong.value))
            card.change_pin(PinRef.PIN1, PIN1, NEW1)
            card.unblock_pin(PinRef.PIN1, PUK, NEWER1)
    written.append(caplog.text)
    assert "VERIFY" in caplog.text and "masked" in caplog.text
    for args, stdin in [
        (("pin", "status"), ""),
        (("pin", "change", "--which", "pin1"), f"{NEWER1}\n{NEW1}\n{NEW1}\n"),
        (("pin", "change", "--which", "pin1"), f"111222\n{NEWER1}\n{NEWER1}\n"),
        (("pin", "unblock", "--which", "pin1"), f"{PUK}\n{NEWER1}\n{NEWER1}\n"),
        (("pin", "unblock", "--which", "pin1"), f"10293847\n{NEW1}\n{NEW1}\n"),
    ]:
        result = cli("-vv", *args, "--trace", stdin=stdin)
        written += [result.stdout, result.stderr]
        assert "> VERIFY" in result.stderr or "> GET_DATA" in result.stderr
    written.append(pcscd.log_path.read_text(errors="replace"))
    for text in written:
        for needle in needles:
            assert needle not in text, f"a secret leaked into output: {text[:200]!r}"
