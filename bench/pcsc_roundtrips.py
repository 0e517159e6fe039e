"""PC/SC speed: SELECT round trips through pcscd, and a full identity read.

Runs in its own private namespaces with its own pcscd (needs root, as the suite).
The baseline is a bare echo card behind the same vpcd bridge in the same run, so
the ratio is the cost of our chip; both go through real pcscd and the vpcd driver.

    python -m bench.pcsc_roundtrips [--rounds 2000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from smartcard import scard

from apdu.command import CommandApdu
from apdu.pcsc import open_card
from apdu.profile import ATR, NID_AID
from bench.pcsc_setup import private_readers, wait_present
from simulators.card import CardStore, SimulatedChip
from simulators.issuer import IssuerPki
from simulators.personalize import personalize
from simulators.personas import generate_persona


class _Label:
    label = "echo card"


class EchoCard:
    """The cheapest possible card: 9000 to everything. Same interface as SimulatedChip."""

    atr = ATR
    image = _Label()
    commands = 0

    def process(self, raw: bytes) -> bytes:
        return b"\x90\x00"

    def power_on(self) -> bytes:
        return self.atr

    def power_off(self) -> None:
        pass

    def reset(self) -> bytes:
        return self.atr


def select_rate(reader: str, rounds: int) -> float:
    """SELECT by AID round trips per second over a raw SCardTransmit loop."""
    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    rv, card, protocol = scard.SCardConnect(context, reader, scard.SCARD_SHARE_SHARED,
                                            scard.SCARD_PROTOCOL_T1)
    pci = scard.SCARD_PCI_T1
    apdu = list(CommandApdu(0x00, 0xA4, 0x04, 0x0C, NID_AID).encode())
    started = time.perf_counter()
    for _ in range(rounds):
        rv, response = scard.SCardTransmit(card, pci, apdu)
        if rv != 0 or response[-2:] != [0x90, 0x00]:
            raise RuntimeError(f"SELECT failed: {rv:X} {response}")
    elapsed = time.perf_counter() - started
    scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    scard.SCardReleaseContext(context)
    return rounds / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reads", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-"))
    pki = IssuerPki.create()
    persona = generate_persona(1402)
    image = personalize(persona.identity, persona.address, persona.photo_jpeg, pki)
    (work / "card.json").write_text(image.to_json(), encoding="utf-8")
    with private_readers() as readers:
        readers[0].insert(SimulatedChip(CardStore.open(work / "card.json")))
        readers[1].insert(EchoCard())  # type: ignore[arg-type]
        wait_present("Virtual PCD 00 00")
        wait_present("Virtual PCD 00 01")
        select_rate("Virtual PCD 00 00", 200)  # warm-up
        ours = [select_rate("Virtual PCD 00 00", args.rounds) for _ in range(args.repeats)]
        echo = [select_rate("Virtual PCD 00 01", args.rounds) for _ in range(args.repeats)]
        times, counts = [], set()
        with open_card(0) as card:
            for _ in range(args.reads):
                before = card.apdu_count
                started = time.perf_counter()
                reading = card.read_identity([pki.csca])
                times.append(time.perf_counter() - started)
                counts.add(card.apdu_count - before)
                assert reading.authenticity.genuine and reading.contents is not None
        contents = reading.contents
        assert contents is not None
        photo = len(contents.photo_jpeg or b"")
    # what the socket handling is worth: the same chip without quick ACKs
    with private_readers(quickack=False) as readers:
        readers[0].insert(SimulatedChip(CardStore.open(work / "card.json")))
        wait_present("Virtual PCD 00 00")
        slow = select_rate("Virtual PCD 00 00", 100)
    m_ours, m_echo = statistics.median(ours), statistics.median(echo)
    print(f"SELECT round trips through pcscd ({args.repeats} x {args.rounds}, median):")
    print(f"  nidkiosk chip : {m_ours:9,.0f} /s")
    print(f"  echo card     : {m_echo:9,.0f} /s   (baseline, same bridge, same run)")
    print(f"  ratio         : {m_ours / m_echo:9.2f}")
    print(f"  nidkiosk chip without TCP_QUICKACK: {slow:,.0f} /s (100 rounds)")
    print(f"full identity read incl. photo ({photo:,} bytes) and both authentications, "
          f"{args.reads} reads:")
    print(f"  median {statistics.median(times) * 1000:.1f} ms, "
          f"p90 {sorted(times)[int(0.9 * len(times)) - 1] * 1000:.1f} ms, "
          f"APDUs per read: {sorted(counts)}")


if __name__ == "__main__":
    main()
