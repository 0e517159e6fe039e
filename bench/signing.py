"""Signature service speed through pcscd: activation (key generation included) and
signatures per second once PIN2 is verified, for both algorithms the card offers.

Baseline in the same run: the same signature with a software key (cryptography), so the
ratio shows what the card round trips and the chip simulation cost.

    python -m bench.signing [--activations 5] [--signatures 200]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from apdu.pcsc import open_card
from apdu.pins import PinRef
from apdu.profile import SignatureAlgorithmRef
from bench.pcsc_setup import private_readers, swap
from signing.activation import SignatureActivation
from signing.ca import LocalCertificateAuthority
from signing.card_signer import CardDigestSigner
from signing.signer import SignatureAlgorithm, SoftwareSigner
from simulators.card import CardStore, SimulatedChip
from simulators.issuer import IssuerPki
from simulators.personalize import PinLetter, personalize
from simulators.personas import generate_persona

PINS = PinLetter("246810", "13579024")
PIN2 = "975310"
SOFTWARE = {SignatureAlgorithmRef.ECDSA_P256_SHA256: SignatureAlgorithm.ECDSA_P256_SHA256,
            SignatureAlgorithmRef.RSA2048_SHA256_PKCS1: SignatureAlgorithm.RSA2048_SHA256_PKCS1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activations", type=int, default=5)
    parser.add_argument("--signatures", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-sign-"))
    pki = IssuerPki.create()
    ca = LocalCertificateAuthority(work / "ca")
    digest = hashlib.sha256(b"benchmark document").digest()
    with private_readers() as readers:
        for algorithm in SignatureAlgorithmRef:
            activations = []
            for run in range(args.activations):
                # one card per holder: the authority certifies a card (and a holder) once
                persona = generate_persona(1403 + 1000 * algorithm + run)
                image = personalize(persona.identity, persona.address, persona.photo_jpeg, pki,
                                    pins=PINS)
                path = work / f"card-{algorithm.name}-{run}.json"
                path.write_text(image.to_json(), encoding="utf-8")
                swap(readers, 0, SimulatedChip(CardStore.open(path)))
                with open_card(0) as card:
                    card.verify_pin(PinRef.PIN1, PINS.pin1)
                    card.activate_card()
                    started = time.perf_counter()
                    activation = SignatureActivation(card, ca, work / "journal",
                                                     trust_anchors=[pki.csca],
                                                     algorithm=algorithm)
                    activation.run(PINS.pin1, PIN2)
                    activations.append(time.perf_counter() - started)
            swap(readers, 0, SimulatedChip(CardStore.open(path)))
            with open_card(0) as card:
                card.verify_pin(PinRef.PIN2, PIN2)
                signer = CardDigestSigner(card)
                started = time.perf_counter()
                for _ in range(args.signatures):
                    signer.sign_digest(digest)
                card_rate = args.signatures / (time.perf_counter() - started)
                apdus_before = card.apdu_count
                signer.sign_digest(digest)
                per_signature = card.apdu_count - apdus_before
            software = SoftwareSigner.generate(SOFTWARE[algorithm])
            started = time.perf_counter()
            for _ in range(args.signatures):
                software.sign_digest(digest)
            soft_rate = args.signatures / (time.perf_counter() - started)
            print(f"{algorithm.name}:")
            print(f"  activation (PIN2 set, key generated on card, CSR, issue, write): "
                  f"median {statistics.median(activations) * 1000:.0f} ms over "
                  f"{args.activations}")
            print(f"  signatures through pcscd: {card_rate:,.0f} /s "
                  f"({per_signature} APDU{'s' if per_signature != 1 else ''} each); "
                  f"software key, same run: {soft_rate:,.0f} /s; "
                  f"ratio {card_rate / soft_rate:.2f}")
    ca.close()


if __name__ == "__main__":
    main()
