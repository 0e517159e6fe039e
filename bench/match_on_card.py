"""Match-on-card speed: VERIFY with a finger through pcscd, next to the bare matcher call
on the same templates in the same run (the difference is the card round trip).

    python -m bench.match_on_card [--probes 40]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from apdu.biometric_profile import FingerPosition, reference_for
from apdu.errors import FingerNotMatchedError
from apdu.pcsc import open_card
from bench.pcsc_setup import private_readers, swap
from biometric.compact import MinutiaeOrder
from biometric.matcher import match
from biometric.template import make_template
from simulators.card import CardStore, SimulatedChip
from simulators.card.biometric import reference_secret
from simulators.enrolment import enrol_persona, touch
from simulators.issuer import IssuerPki
from simulators.personalize import personalize
from simulators.personas import generate_persona

SEED = 1404
FINGER = FingerPosition.RIGHT_INDEX
REFERENCE = reference_for(FINGER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=40)
    args = parser.parse_args()
    persona = generate_persona(SEED)
    enrolment = enrol_persona(SEED)
    image = personalize(persona.identity, persona.address, persona.photo_jpeg,
                        IssuerPki.create(), fingers=enrolment)
    path = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-moc-")) / "card.json"
    path.write_text(image.to_json(), encoding="utf-8")
    reference = image.secrets[reference_secret(REFERENCE)]
    order = MinutiaeOrder(enrolment.minutiae_order)
    probes = [make_template(touch(SEED, FINGER, i), order=order).data
              for i in range(1, args.probes + 1)]
    bare = []
    for probe in probes:
        started = time.perf_counter()
        match(reference, probe)
        bare.append(time.perf_counter() - started)
    on_card, matched = [], 0
    with private_readers() as readers:
        swap(readers, 0, SimulatedChip(CardStore.open(path)))
        with open_card(0) as card:
            for probe in probes:
                started = time.perf_counter()
                try:
                    card.verify_finger(REFERENCE, probe)
                    matched += 1
                except FingerNotMatchedError:
                    pass
                on_card.append(time.perf_counter() - started)
                card.send(card_reset_command(), "VERIFY reset")
    print(f"match-on-card, {args.probes} genuine probes of one finger "
          f"({matched} matched):")
    print(f"  VERIFY through pcscd: median {statistics.median(on_card) * 1000:.1f} ms, "
          f"max {max(on_card) * 1000:.1f} ms")
    print(f"  bare matcher, same templates: median {statistics.median(bare) * 1000:.1f} ms, "
          f"max {max(bare) * 1000:.1f} ms")


def card_reset_command():  # noqa: ANN201 - drop the match so every probe is a fresh one
    from apdu.command import CommandApdu

    return CommandApdu(0x00, 0x21, 0xFF, REFERENCE)


if __name__ == "__main__":
    main()
