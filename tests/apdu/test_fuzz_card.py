"""Fuzz the identity read: thousands of mutated cards through the in-process chip.

Each case mutates one thing the card returns (EF.SOD, DG1, DG2, DG11, DG15, or the
INTERNAL AUTHENTICATE answer) and reads the card. Whatever the bytes, the read must
return, quickly, with a verdict; and it is GENUINE exactly when the bytes are the
genuine ones. ``NIDKIOSK_FUZZ_CASES`` and ``NIDKIOSK_FUZZ_SEED`` run more or other cases.
"""

import os
import random
import time
from collections import Counter

from apdu.client import NidCard
from apdu.constants import Ins
from apdu.problems import ProblemKind, SodPart
from apdu.profile import DATA_GROUP_FILES, EF_SOD, DataGroup
from apdu.transport import DirectTransport
from simulators.card import CardStore, SimulatedChip
from tests.apdu.mutations import Mutator

CASES = int(os.environ.get("NIDKIOSK_FUZZ_CASES", "3000"))
SEED = int(os.environ.get("NIDKIOSK_FUZZ_SEED", "8"))
CHIP_AUTH = "INTERNAL AUTHENTICATE"
TARGETS = {
    "EF.SOD": EF_SOD.fid,
    "DG1": DATA_GROUP_FILES[DataGroup.IDENTITY].fid,
    "DG2": DATA_GROUP_FILES[DataGroup.PHOTO].fid,
    "DG11": DATA_GROUP_FILES[DataGroup.ADDRESS].fid,
    "DG15": DATA_GROUP_FILES[DataGroup.CHIP_AUTH_KEY].fid,
}
WEIGHTS = {"EF.SOD": 6, "DG1": 2, "DG2": 1, "DG11": 1, "DG15": 2, CHIP_AUTH: 2}
SLOWEST_ALLOWED = 0.5  # seconds for one read, whatever the card says


class ChipAuthMutation:
    """Passes the chip's answers through, mutating INTERNAL AUTHENTICATE's when armed."""

    def __init__(self, chip: SimulatedChip, mutator: Mutator) -> None:
        self.chip = chip
        self.mutator = mutator
        self.armed = False
        self.changed = False

    def process(self, raw: bytes) -> bytes:
        response = self.chip.process(raw)
        if not self.armed or raw[1] != Ins.INTERNAL_AUTHENTICATE:
            return response
        rng = self.mutator.rng
        if rng.random() < 0.15:  # another status word, or the response itself garbled
            mutated = rng.choice((response[:-2] + rng.randbytes(2),
                                  self.mutator.mutate(response)))
        else:
            mutated = self.mutator.mutate(response[:-2]) + response[-2:]
        self.changed = mutated != response
        return mutated


def test_no_mutated_card_crashes_the_reader_or_passes_as_genuine(cards, issuer):
    image = cards.image(71)
    chip = SimulatedChip(CardStore(image))
    rng = random.Random(SEED)
    mutator = Mutator(rng)
    relay = ChipAuthMutation(chip, mutator)
    card = NidCard(DirectTransport(relay.process, chip.atr))
    original = dict(image.files)
    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    outcomes: Counter[str] = Counter()
    parts: set[SodPart] = set()
    seen: set[ProblemKind] = set()
    slowest = 0.0
    started = time.perf_counter()
    for case in range(CASES):
        target = rng.choices(names, weights)[0]
        chip.store.image.files = dict(original)
        relay.armed = target == CHIP_AUTH
        if target == CHIP_AUTH:
            unchanged = None
        else:
            fid = TARGETS[target]
            mutated = mutator.mutate(original[fid])
            chip.store.image.files[fid] = mutated
            unchanged = mutated == original[fid]
        where = f"case {case} (seed {SEED}): {mutator.last} on {target}"
        began = time.perf_counter()
        try:
            reading = card.read_identity([issuer.csca], photo=target == "DG2")
        except Exception as exc:  # the property under test: nothing escapes
            raise AssertionError(f"{where} raised {exc!r}") from exc
        slowest = max(slowest, time.perf_counter() - began)
        if unchanged is None:
            unchanged = not relay.changed
        report = reading.authenticity
        if unchanged:
            assert reading.genuine, f"{where}: unchanged bytes, {report.problems}"
        else:
            assert not reading.genuine, f"{where}: changed bytes read GENUINE"
            assert reading.contents is None and report.problems, where
        outcomes[report.verdict.value] += 1
        seen.update(p.kind for p in report.problems)
        parts.update(p.part for p in report.problems if p.part is not None)
    elapsed = time.perf_counter() - started
    print(f"\n{CASES} fuzz cases in {elapsed:.2f} s ({CASES / elapsed:,.0f}/s), slowest read "
          f"{slowest * 1000:.1f} ms; verdicts {dict(outcomes)}; mutations {mutator.counts}")
    assert slowest < SLOWEST_ALLOWED
    if CASES >= 2000:  # the mutations reach deep: each layer of the SOD, each check
        assert {SodPart.FILE, SodPart.ENCODING, SodPart.CONTENT_INFO, SodPart.SIGNED_DATA,
                SodPart.CERTIFICATES, SodPart.SIGNER_INFO, SodPart.SIGNED_ATTRIBUTES} <= parts
        assert {ProblemKind.GROUP_HASH_MISMATCH, ProblemKind.GROUP_MALFORMED,
                ProblemKind.SIGNATURE_INVALID, ProblemKind.CHIP_AUTH_FAILED,
                ProblemKind.CHIP_AUTH_MALFORMED, ProblemKind.CHIP_KEY_MALFORMED} <= seen


SIGNED_CASES = max(1, CASES // 3)
SIGNED_TARGETS = ("DG1", "DG1", "DG11", "DG15", "DG2")


def test_signed_garbage_decodes_or_is_a_problem(cards, issuer):
    """The issuer itself signs mutated groups: hashes match, so the decoders and the chip
    key loader face the garbage. Nothing escapes; contents exist exactly when genuine."""
    image = cards.image(72)
    chip = SimulatedChip(CardStore(image))
    card = NidCard(DirectTransport(chip.process, chip.atr))
    original = dict(image.files)
    groups = {number: original[fid] for number, fid in
              ((1, TARGETS["DG1"]), (2, TARGETS["DG2"]), (11, TARGETS["DG11"]),
               (15, TARGETS["DG15"]))}
    rng = random.Random(SEED + 1)
    mutator = Mutator(rng)
    outcomes: Counter[str] = Counter()
    seen: set[ProblemKind] = set()
    for case in range(SIGNED_CASES):
        target = rng.choice(SIGNED_TARGETS)
        fid = TARGETS[target]
        mutated = mutator.mutate(original[fid])
        files = chip.store.image.files = dict(original)
        files[fid] = mutated
        files[EF_SOD.fid] = issuer.sign_security_object(
            {number: files[TARGETS[f"DG{number}"]] for number in groups})
        where = f"signed case {case} (seed {SEED + 1}): {mutator.last} on {target}"
        try:
            reading = card.read_identity([issuer.csca], photo=target == "DG2")
        except Exception as exc:
            raise AssertionError(f"{where} raised {exc!r}") from exc
        assert reading.genuine == (reading.contents is not None), where
        assert ProblemKind.GROUP_HASH_MISMATCH not in {p.kind for p in
                                                        reading.authenticity.problems}, where
        outcomes[reading.authenticity.verdict.value] += 1
        seen.update(p.kind for p in reading.authenticity.problems)
    print(f"\n{SIGNED_CASES} signed fuzz cases: {dict(outcomes)}")
    if SIGNED_CASES >= 500:
        assert {ProblemKind.GROUP_MALFORMED, ProblemKind.CHIP_KEY_MALFORMED} <= seen
