"""Fingerprint accuracy benchmark: our compact-card chain vs NIST MINDTCT + BOZORTH3,
on every synthetic finger family and difficulty, side by side, in one run.

Protocol per finger: the office takes ``--enrol`` touches (a touch the quality gate
refuses is taken again, up to ``RETAKES`` more). Office touches are attended, so they are
drawn at the probes' difficulty but never above STANDARD (``ENROLMENT_DIFFICULTY``): a
HARD run is unattended kiosk touches against an office enrolment. Ours consolidates the
usable ones into one reference (``biometric.enrol``), NBIS keeps the MINDTCT templates of
the same first touches and scores a probe by the best of them (multi-template). Then
``--probes`` verification touches. Genuine = each reference against its finger's probes;
impostor = the reference of finger f against the first probe of finger g, for f < g
(31,125 comparisons at 250 fingers). A refused probe or a finger that could not be
enrolled counts as a non-match (failure to enrol is also reported by itself). Tuning and
reporting use disjoint finger seed ranges: the threshold is chosen on "tuning" and only
read on "report". Confidence intervals: bootstrap over fingers.

    python -m bench.fingerprint_accuracy --family gabor,phase \
        --difficulty easy,standard,hard --fingers 250 --seed-range report
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench import fingerprint_accuracy_nbis as nbis
from bench.fingerprint_accuracy_metrics import (
    FAILED,
    FMR_POINTS,
    bootstrap,
    error_rates,
    rates_at,
)
from biometric.enrol import consolidate
from biometric.errors import BiometricError, QualityError
from biometric.matcher import MATCH_THRESHOLD, match
from biometric.template import make_template
from simulators.fingers import Difficulty
from simulators.fingers.families import FAMILIES, family_finger

SEED_RANGES = {"tuning": 1_000_000, "report": 2_000_000}
RETAKES = 3  # extra enrolment touches a station takes when the gate refuses one
ENROLMENT_DIFFICULTY = {
    Difficulty.EASY: Difficulty.EASY,
    Difficulty.STANDARD: Difficulty.STANDARD,
    Difficulty.HARD: Difficulty.STANDARD,  # the office operator guides the finger
}
_RETAKE_BASE = 100  # impression seeds of retaken enrolment touches


@dataclass
class FingerResult:
    """One finger through both chains (templates stay in memory, never printed)."""

    reference: bytes | None
    probes: list[bytes | None]
    refusals: list[str]
    nbis_refs: list[bytes]
    nbis_probes: list[bytes | None]
    extract_ms: list[float] = field(default_factory=list)
    nbis_ms: list[float] = field(default_factory=list)
    probe_minutiae: list[int] = field(default_factory=list)


def _ours(image: np.ndarray, out: FingerResult) -> bytes | None:
    t = time.perf_counter()
    try:
        tpl = make_template(image)
    except QualityError as exc:
        out.refusals.append(exc.feedback.name)
        out.extract_ms.append((time.perf_counter() - t) * 1000)
        return None
    out.extract_ms.append((time.perf_counter() - t) * 1000)
    return tpl.data


def _theirs(image: np.ndarray, out: FingerResult, with_nbis: bool) -> bytes | None:
    if not with_nbis:
        return None
    t = time.perf_counter()
    tpl = nbis.mindtct(image)
    out.nbis_ms.append((time.perf_counter() - t) * 1000)
    return tpl


def _process_finger(job: tuple[str, int, str, int, int, bool, str | None]) -> FingerResult:
    family, seed, difficulty, enrol, probes, with_nbis, cache = job
    finger = family_finger(family, seed, cache_dir=cache)
    out = FingerResult(None, [], [], [], [])
    usable: list[bytes] = []
    office = ENROLMENT_DIFFICULTY[Difficulty.parse(difficulty)]
    for k in range(enrol):
        image = finger.impression(k, office)
        tpl = _ours(image, out)
        if tpl is not None:
            usable.append(tpl)
        theirs = _theirs(image, out, with_nbis)
        if theirs is not None:
            out.nbis_refs.append(theirs)
    for j in range(RETAKES):
        if len(usable) >= enrol:
            break
        tpl = _ours(finger.impression(_RETAKE_BASE + j, office), out)
        if tpl is not None:
            usable.append(tpl)
    if usable:
        try:
            out.reference = consolidate(usable).data
        except BiometricError:
            out.reference = None
    for k in range(enrol, enrol + probes):
        image = finger.impression(k, difficulty)
        tpl = _ours(image, out)
        out.probes.append(tpl)
        if tpl is not None:
            out.probe_minutiae.append(len(tpl) // 3)
        out.nbis_probes.append(_theirs(image, out, with_nbis))
    return out


_FINGERS: list[FingerResult] = []


def _init_matcher(fingers: list[FingerResult]) -> None:
    global _FINGERS
    _FINGERS = fingers


def _compare(chunk: list[tuple[int, int, int, bool]]) -> list[tuple[float, ...]]:
    """(our score, our ms, NBIS score or NaN when not asked) for (reference finger, probe
    finger, probe k, with NBIS)."""
    out: list[tuple[float, ...]] = []
    for f, g, k, with_theirs in chunk:
        ref, probe = _FINGERS[f].reference, _FINGERS[g].probes[k]
        ours, ours_ms = FAILED, float("nan")
        if ref is not None and probe is not None:
            t = time.perf_counter()
            try:
                ours = float(match(ref, probe))
            except BiometricError:
                ours = FAILED
            ours_ms = (time.perf_counter() - t) * 1000
        theirs = FAILED if with_theirs else float("nan")
        tprobe = _FINGERS[g].nbis_probes[k]
        if with_theirs and tprobe is not None and _FINGERS[f].nbis_refs:
            theirs = float(max(nbis.bozorth3(tprobe, r) for r in _FINGERS[f].nbis_refs))
        out.append((ours, ours_ms, theirs))
    return out


def run(
    fingers: int,
    difficulty: str,
    seed_range: str,
    family: str = "gabor",
    enrol: int = 3,
    probes: int = 3,
    workers: int = 2,
    with_nbis: bool = True,
    cache: str | None = None,
    threshold: int = MATCH_THRESHOLD,
    reps: int = 200,
    nbis_impostor_stride: int = 1,
) -> dict:
    """Run one family and difficulty; return its figures as a plain dict.

    ``nbis_impostor_stride`` > 1 gives NBIS every n-th impostor comparison only (BOZORTH3
    over three templates costs several times our matcher): its EER stays sound, its
    FNMR at FMR 1e-4 then means "at no false match among the impostors it saw".
    """
    base = SEED_RANGES[seed_range]
    level = Difficulty.parse(difficulty)
    if with_nbis and not nbis.available():
        raise nbis.NbisUnavailable(
            f"NBIS library missing at {nbis.library_path()}: run `make nbis`"
        )
    # spawn, not fork: a forked child of a process with threads (a test runner, a GUI)
    # can wait forever on a lock some thread held at the fork
    ctx = mp.get_context("spawn")
    wall0 = time.perf_counter()
    jobs = [(family, base + f, level.value, enrol, probes, with_nbis, cache)
            for f in range(fingers)]
    with ctx.Pool(workers) as pool:
        results = list(pool.imap(_process_finger, jobs, chunksize=2))
    t_extract = time.perf_counter() - wall0
    genuine_keys = [(f, f, k) for f in range(fingers) for k in range(probes)]
    impostor_keys = [(f, g, 0) for f, g in itertools.combinations(range(fingers), 2)]
    keys = [(f, g, k, with_nbis) for f, g, k in genuine_keys] + [
        (f, g, k, with_nbis and n % nbis_impostor_stride == 0)
        for n, (f, g, k) in enumerate(impostor_keys)
    ]
    scores: list[tuple[float, ...]] = []
    with ctx.Pool(workers, initializer=_init_matcher, initargs=(results,)) as pool:
        for part in pool.imap(_compare, [keys[i : i + 400] for i in range(0, len(keys), 400)]):
            scores.extend(part)
    arr = np.array(scores, dtype=float).reshape(-1, 3)
    ng = len(genuine_keys)
    g_finger = np.array([f for f, _, _ in genuine_keys])
    i_fingers = np.array([(f, g) for f, g, _ in impostor_keys])

    def side(col: int, fte: float, extract_ms: list[float], thr: float | None) -> dict:
        g, i = arr[:ng, col], arr[ng:, col]
        seen = ~np.isnan(i)
        i, pairs = i[seen], i_fingers[seen]
        er = error_rates(g, i)
        figures: dict[str, Any] = {
            "eer": er.eer,
            "fnmr_at_fmr": {f"{k:g}": v for k, v in er.fnmr_at.items()},
            "threshold_at_fmr": {f"{k:g}": v for k, v in er.threshold_at.items()},
            "fte": fte,
            "impostor": int(len(i)),
            "extract_ms_median": float(np.median(extract_ms)) if extract_ms else float("nan"),
        }
        figures["impostor_top"] = sorted(i.tolist())[-10:]  # the tail FMR 1e-4 rests on
        ci_thr = thr if thr is not None else er.threshold_at[1e-4]
        figures["ci95"] = bootstrap(g, g_finger, i, pairs, fingers, ci_thr, reps=reps)
        if thr is not None:
            fmr, fnmr = rates_at(g, i, thr)
            figures["at_shipped_threshold"] = {"threshold": thr, "fmr": fmr, "fnmr": fnmr}
        return figures

    refused = [r for fr in results for r in fr.refusals]
    result: dict[str, Any] = {
        "family": family,
        "difficulty": level.value,
        "seed_range": seed_range,
        "finger_seeds": [base, base + fingers - 1],
        "fingers": fingers,
        "enrol_touches": enrol,
        "probe_touches": probes,
        "genuine": ng,
        "impostor": len(impostor_keys),
        "workers": workers,
        "wall_s": time.perf_counter() - wall0,
        "extract_stage_s": t_extract,
        "ours": side(0, float(np.mean([fr.reference is None for fr in results])),
                     [m for fr in results for m in fr.extract_ms], threshold),
        "probe_refusals": float(np.mean([p is None for fr in results for p in fr.probes])),
        "refusal_reasons": {r: refused.count(r) for r in sorted(set(refused))},
        "probe_minutiae_median": float(np.median([m for fr in results
                                                  for m in fr.probe_minutiae] or [0])),
        "match_ms_median": float(np.nanmedian(arr[:, 1])),
        "match_ms_max": float(np.nanmax(arr[:, 1])) if np.any(np.isfinite(arr[:, 1]))
        else float("nan"),
    }
    if with_nbis:
        result["nbis"] = side(2, float(np.mean([not fr.nbis_refs for fr in results])),
                              [m for fr in results for m in fr.nbis_ms], None)
    return result


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def _ci(side: dict, key: str) -> str:
    lo, hi = side["ci95"][key]
    return f"[{_pct(lo)}-{_pct(hi)}]"


def report(results: list[dict]) -> str:
    """One table: a column pair (ours, NBIS) per family and difficulty; rates in %."""
    head = ["metric (%, 95 % CI over fingers)"]
    for r in results:
        head += [f"{r['family']}/{r['difficulty']} ours", "NBIS"]
    rows: list[list[str]] = []

    def add(name: str, ours: Any, theirs: Any) -> None:
        row = [name]
        for r in results:
            row.append(ours(r))
            row.append(theirs(r) if "nbis" in r else "-")
        rows.append(row)

    add("EER", lambda r: f"{_pct(r['ours']['eer'])} {_ci(r['ours'], 'eer')}",
        lambda r: f"{_pct(r['nbis']['eer'])} {_ci(r['nbis'], 'eer')}")
    for p in FMR_POINTS:
        key = f"{p:g}"
        add(f"FNMR @ FMR {key}",
            lambda r, k=key: f"{_pct(r['ours']['fnmr_at_fmr'][k])} {_ci(r['ours'], 'fnmr@' + k)}",
            lambda r, k=key: f"{_pct(r['nbis']['fnmr_at_fmr'][k])} {_ci(r['nbis'], 'fnmr@' + k)}")
    add("FMR at shipped threshold",
        lambda r: f"{_pct(r['ours']['at_shipped_threshold']['fmr'])} "
        f"{_ci(r['ours'], 'fmr_at_threshold')}", lambda r: "-")
    add("FNMR at shipped threshold",
        lambda r: f"{_pct(r['ours']['at_shipped_threshold']['fnmr'])} "
        f"{_ci(r['ours'], 'fnmr_at_threshold')}", lambda r: "-")
    add("threshold for FMR 1e-4", lambda r: f"{r['ours']['threshold_at_fmr']['0.0001']:g}",
        lambda r: f"{r['nbis']['threshold_at_fmr']['0.0001']:g}")
    add("failure to enrol", lambda r: _pct(r["ours"]["fte"]), lambda r: _pct(r["nbis"]["fte"]))
    add("probes refused by the gate", lambda r: _pct(r["probe_refusals"]), lambda r: "-")
    add("extraction median (ms)", lambda r: f"{r['ours']['extract_ms_median']:.1f}",
        lambda r: f"{r['nbis']['extract_ms_median']:.1f}")
    add("match median (ms)", lambda r: f"{r['match_ms_median']:.2f}", lambda r: "-")
    add("probe minutiae (median)", lambda r: f"{r['probe_minutiae_median']:.0f}", lambda r: "-")
    widths = [max(len(row[c]) for row in [head] + rows) for c in range(len(head))]
    lines = [
        f"seed range {results[0]['seed_range']}; {results[0]['fingers']} fingers, "
        f"{results[0]['enrol_touches']} enrolment + {results[0]['probe_touches']} probe "
        f"touches; {results[0]['genuine']} genuine, {results[0]['impostor']} impostor per "
        f"column; shipped threshold {MATCH_THRESHOLD}",
        "  ".join(h.rjust(w) for h, w in zip(head, widths)),
    ]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    for r in results:
        lines.append(f"{r['family']}/{r['difficulty']}: wall {r['wall_s']:.0f} s, "
                     f"refusals {r['refusal_reasons'] or 'none'}")
    return "\n".join(lines)


def _sci(x: float) -> str:
    return "0" if x == 0 else f"{x:.1e}"


def markdown(results: list[dict]) -> str:
    """The figures as a Markdown table for docs/benchmarks.md: a row per family,
    difficulty and chain (ours, then NBIS on the same images); rates in %, 95 % CIs;
    false matches at the shipped threshold as a count (its CI as a rate)."""

    def cell(side: dict, value: float, key: str) -> str:
        lo, hi = side["ci95"][key]
        return f"{_pct(value)} ({_pct(lo)}–{_pct(hi)})"

    cols = ["family", "difficulty", "chain", "EER"] + [f"FNMR @ FMR {p:g}" for p in FMR_POINTS]
    cols += [f"false matches @ {MATCH_THRESHOLD} (FMR CI)", f"FNMR @ {MATCH_THRESHOLD}", "FTE",
             "refused probes",
             "extraction (ms)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in results:
        for chain in ("ours", "nbis"):
            if chain not in r:
                continue
            side = r[chain]
            cells = [r["family"], r["difficulty"], "ours" if chain == "ours" else "NBIS",
                     cell(side, side["eer"], "eer")]
            cells += [cell(side, side["fnmr_at_fmr"][f"{p:g}"], f"fnmr@{p:g}") for p in FMR_POINTS]
            if chain == "ours":
                at = side["at_shipped_threshold"]
                lo, hi = side["ci95"]["fmr_at_threshold"]
                accepted = round(at["fmr"] * side["impostor"])
                cells += [f"{accepted} of {side['impostor']:,} ({_sci(lo)}–{_sci(hi)})",
                          cell(side, at["fnmr"], "fnmr_at_threshold"),
                          _pct(side["fte"]), _pct(r["probe_refusals"])]
            else:
                cells += ["–", "–", _pct(side["fte"]), "–"]
            cells.append(f"{side['extract_ms_median']:.1f}")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--family", default="gabor,phase", help=f"comma list of {FAMILIES}")
    ap.add_argument("--difficulty", default="standard", help="comma list: easy,standard,hard")
    ap.add_argument("--fingers", type=int, default=250)
    ap.add_argument("--enrol", type=int, default=3)
    ap.add_argument("--probes", type=int, default=3)
    ap.add_argument("--impressions", type=int, default=None,
                    help="touches per finger in all (enrolment + probes); sets --probes")
    ap.add_argument("--seed-range", default="report", choices=sorted(SEED_RANGES))
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-nbis", action="store_true", help="skip the MINDTCT+BOZORTH3 baseline")
    ap.add_argument("--cache", default=None, help="directory to cache master fingers in")
    ap.add_argument("--reps", type=int, default=200, help="bootstrap resamples")
    ap.add_argument("--nbis-impostor-stride", type=int, default=1,
                    help="give NBIS only every n-th impostor comparison (it is slow)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--from-json", type=Path, default=None,
                    help="print the tables of an earlier run's JSON instead of running")
    args = ap.parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        print(report(results))
        print()
        print(markdown(results))
        return 0
    if args.impressions is not None:
        args.probes = args.impressions - args.enrol
    if args.fingers < 2 or args.probes < 1 or args.enrol < 1:
        ap.error("need at least 2 fingers, 1 enrolment and 1 probe touch")
    results = []
    for family in args.family.split(","):
        for difficulty in args.difficulty.split(","):
            results.append(run(args.fingers, difficulty, args.seed_range, family=family,
                               enrol=args.enrol, probes=args.probes, workers=args.workers,
                               with_nbis=not args.no_nbis, cache=args.cache, reps=args.reps,
                               nbis_impostor_stride=args.nbis_impostor_stride))
            if args.json:
                args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
