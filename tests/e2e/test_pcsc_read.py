"""End to end through a real pcscd and the vpcd driver: what a developer's PC/SC tools see."""

import json
import subprocess
import threading
import time

import pytest

from apdu.authenticity import Verdict
from apdu.command import CommandApdu
from apdu.errors import CardRemovedError, NoCardError, TransportError
from apdu.events import CardEventKind, CardMonitor
from apdu.pcsc import list_readers, open_card
from simulators.forgery import Forgery, forge
from tests.conftest import NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow


def insert(sim, slot, chip):
    sim.readers[slot].insert(chip)
    wait_for_card(slot)


def test_pcsc_scan_sees_the_card(reader0, cards):
    insert(reader0, 0, cards.chip(21))
    out = subprocess.run(["pcsc_scan", "-r"], capture_output=True, text=True, timeout=20)
    assert "Virtual PCD 00 00" in out.stdout and "Virtual PCD 00 01" in out.stdout


def test_read_genuine_card_through_pcscd(reader0, cards, issuer):
    insert(reader0, 0, cards.chip(22))
    with open_card(0) as card:
        reading = card.read_identity([issuer.csca])
        assert card.transport.info.protocol.value == "T=1"
    assert reading.authenticity.verdict is Verdict.GENUINE
    assert reading.apdu_count <= 12


def test_two_readers_two_cards(reader0, cards, issuer):
    insert(reader0, 0, cards.chip(23))
    insert(reader0, 1, cards.chip(24))
    names = []
    for index in (0, 1):
        with open_card(index) as card:
            names.append(card.read_identity([issuer.csca], photo=False).contents.identity)
    assert names[0].national_code != names[1].national_code
    assert all(present for _name, present in list_readers())


def test_insert_and_remove_events(reader0, cards):
    events = []
    seen = threading.Event()

    def listener(event):
        events.append(event)
        if event.kind is CardEventKind.REMOVED:
            seen.set()

    with CardMonitor(listener, poll_timeout_ms=200):
        time.sleep(0.3)
        insert(reader0, 0, cards.chip(25))
        reader0.remove(0)
        assert seen.wait(10)
    kinds = [(e.kind, e.reader) for e in events]
    assert (CardEventKind.INSERTED, "Virtual PCD 00 00") in kinds
    assert (CardEventKind.REMOVED, "Virtual PCD 00 00") in kinds


def test_card_pulled_mid_session_gives_a_clear_error(reader0, cards, issuer):
    insert(reader0, 0, cards.chip(26))
    card = open_card(0)
    card.select_application()
    reader0.remove(0)
    wait_for_card(0, present=False)
    with pytest.raises(TransportError) as info:
        card.read_identity([issuer.csca])
    assert isinstance(info.value, (CardRemovedError, NoCardError))
    card.close()
    with pytest.raises(NoCardError):
        open_card(0)


def test_verified_state_does_not_survive_a_reset(reader0, cards):
    chip = cards.chip(27)
    insert(reader0, 0, chip)
    with open_card(0) as card:
        card.select_application()
        chip.session.verified.add("probe")
        card.transport.reset()
        assert chip.session.verified == set()


def run_cli(*args, timeout=60):
    return subprocess.run([*NIDKIOSK, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=timeout)


def test_cli_read_genuine_and_json(reader0, cards, tmp_path):
    insert(reader0, 0, cards.chip(28))
    result = run_cli("read", "--reader", "0", "--photo", str(tmp_path / "face.jpg"))
    assert result.returncode == 0, result.stderr
    assert "Authenticity: genuine" in result.stdout
    assert (tmp_path / "face.jpg").read_bytes()[:2] == b"\xff\xd8"
    as_json = json.loads(run_cli("read", "--json", "--reader", "0").stdout)
    assert as_json["authenticity"]["verdict"] == "genuine"
    assert as_json["apdus"] <= 12
    assert len(as_json["identity"]["birth_date"]["jalali"]) == 10


@pytest.mark.parametrize("kind, words", [
    (Forgery.DATA_TAMPERED, "data was changed"),
    (Forgery.SECURITY_OBJECT_TAMPERED, "security object is not validly signed"),
    (Forgery.UNKNOWN_ISSUER, "issuer we do not trust"),
    (Forgery.EXPIRED_SIGNER, "expired"),
    (Forgery.CLONED_CHIP, "copy"),
])
def test_cli_read_each_forgery(reader0, cards, issuer, kind, words):
    insert(reader0, 0, cards.chip(image=forge(cards.image(29), kind, issuer)))
    result = run_cli("read", "--reader", "0", "--no-photo")
    assert result.returncode == 4, result.stdout + result.stderr
    assert words in result.stdout


def test_cli_trace_masks_nothing_secret_and_shows_traffic(reader0, cards):
    insert(reader0, 0, cards.chip(30))
    result = run_cli("read", "--reader", "0", "--no-photo", "--trace")
    assert result.returncode == 0
    assert "> SELECT 00 A4 04 0C" in result.stderr and "< " in result.stderr
    assert "tracing is on" in result.stderr


def test_cli_exit_codes(reader0, cards):
    assert run_cli("read", "--reader", "0").returncode == 3  # no card
    assert run_cli("read", "--reader", "7").returncode == 3
    assert run_cli("read", "--bogus").returncode == 2
    assert run_cli("read", "--trust", "/nonexistent").returncode == 2


def test_cli_sim_control(reader0, cards, home):
    image = cards.file(31)
    assert run_cli("sim", "insert", str(image), "--reader", "1").returncode == 0
    wait_for_card(1)
    status = run_cli("sim", "status")
    assert "persona 31" in status.stdout
    assert run_cli("sim", "remove", "--reader", "1").returncode == 0
    wait_for_card(1, present=False)
    bad = run_cli("sim", "insert", "/no/such/image.json")
    assert bad.returncode == 2 and "no card image" in bad.stderr


def test_reading_with_raw_pyscard_like_any_pcsc_program(reader0, cards):
    from smartcard.System import readers

    insert(reader0, 0, cards.chip(32))
    connection = readers()[0].createConnection()
    connection.connect()
    data, sw1, sw2 = connection.transmit(list(CommandApdu(0, 0xA4, 4, 0x0C, bytes.fromhex(
        "D364004E494401")).encode()))
    assert (sw1, sw2) == (0x90, 0x00)
    data, sw1, sw2 = connection.transmit([0x00, 0x12, 0x00, 0x00])
    assert (sw1, sw2) == (0x6D, 0x00)
    connection.disconnect()
