"""Extraction speed: image to card template (enhance, thin, minutiae, quality gate, compact
encoding), with NIST MINDTCT on the same images in the same run as the baseline.

One process, one image at a time (what a kiosk does with a touch). Every image of both
families and three difficulties is run through both chains in turns (ours first on even
rounds, MINDTCT first on odd ones), after one untimed warm-up pass. Medians of wall time
and of the process's CPU time (the latter moves less when other work shares the cores);
the load average before and after says how quiet the machine was.

    python -m bench.fingerprint_extraction [--fingers 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from bench import fingerprint_accuracy_nbis as nbis
from biometric.errors import QualityError
from biometric.template import make_template
from simulators.fingers import Difficulty
from simulators.fingers.families import FAMILIES, family_finger

SEED_BASE = 2_000_000  # the accuracy benchmark's report seeds
TOUCHES = 2  # per finger and difficulty


def _ours(image: np.ndarray) -> None:
    try:
        make_template(image)
    except QualityError:
        pass  # a refused touch cost its extraction too


def _timed(fn: object, image: np.ndarray) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn(image)  # type: ignore[operator]
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def run(fingers: int, rounds: int, cache: str | None) -> dict:
    images: list[tuple[str, str, np.ndarray]] = []
    for family in FAMILIES:
        for f in range(fingers):
            finger = family_finger(family, SEED_BASE + f, cache_dir=cache)
            for level in Difficulty:
                for k in range(TOUCHES):
                    images.append((family, level.value, finger.impression(3 + k, level)))
    chains = {"ours": _ours, "mindtct": nbis.mindtct}
    for _, _, image in images:  # warm-up: caches, lazy imports, the Gabor bank
        for fn in chains.values():
            fn(image)  # type: ignore[operator]
    load_before = os.getloadavg()
    times: dict[str, dict[str, list[tuple[float, float]]]] = {c: {} for c in chains}
    for r in range(rounds):
        order = list(chains) if r % 2 == 0 else list(chains)[::-1]
        for family, difficulty, image in images:
            for chain in order:
                key = f"{family}/{difficulty}"
                times[chain].setdefault(key, []).append(_timed(chains[chain], image))
    load_after = os.getloadavg()

    def med(samples: list[tuple[float, float]], i: int) -> float:
        return float(statistics.median(s[i] for s in samples))

    groups: dict[str, dict[str, float]] = {}
    for key in times["ours"]:
        ours, theirs = times["ours"][key], times["mindtct"][key]
        groups[key] = {"ours_wall": med(ours, 0), "mindtct_wall": med(theirs, 0),
                       "ours_cpu": med(ours, 1), "mindtct_cpu": med(theirs, 1)}
    every = {c: [s for v in times[c].values() for s in v] for c in chains}
    groups["all"] = {"ours_wall": med(every["ours"], 0), "mindtct_wall": med(every["mindtct"], 0),
                     "ours_cpu": med(every["ours"], 1), "mindtct_cpu": med(every["mindtct"], 1)}
    groups["all"]["ours_wall_p90"] = float(np.percentile([s[0] for s in every["ours"]], 90))
    return {"images": len(images), "rounds": rounds, "load_before": load_before,
            "load_after": load_after, "groups": groups}


def report(result: dict) -> str:
    lines = [
        f"extraction, {result['images']} images x {result['rounds']} rounds, one process; "
        f"load average {result['load_before'][0]:.2f} before, {result['load_after'][0]:.2f} after",
        f"{'family/difficulty':<16} {'ours wall':>10} {'MINDTCT':>8} {'ratio':>6}   "
        f"{'ours CPU':>9} {'MINDTCT':>8} {'ratio':>6}",
    ]
    for key, g in result["groups"].items():
        lines.append(
            f"{key:<16} {g['ours_wall']:8.1f} ms {g['mindtct_wall']:5.1f} ms "
            f"{g['ours_wall'] / g['mindtct_wall']:6.2f}   {g['ours_cpu']:6.1f} ms "
            f"{g['mindtct_cpu']:5.1f} ms {g['ours_cpu'] / g['mindtct_cpu']:6.2f}"
        )
    lines.append(f"ours, all images: p90 {result['groups']['all']['ours_wall_p90']:.1f} ms (wall)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--fingers", type=int, default=8, help="fingers per family")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cache", default=None, help="directory to cache master fingers in")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    if not nbis.available():
        print(f"NBIS library missing at {nbis.library_path()}: run `make nbis`", file=sys.stderr)
        return 2
    result = run(args.fingers, args.rounds, args.cache)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
