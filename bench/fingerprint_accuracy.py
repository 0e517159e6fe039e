"""Fingerprint accuracy benchmark: our compact-card chain vs NIST MINDTCT + BOZORTH3.

FVC protocol on synthetic fingers: every finger gives ``--impressions`` touches; genuine
comparisons are all same-finger pairs (each once), impostor comparisons are the first
touches of every pair of fingers. Tuning and reporting use disjoint finger seed ranges
(the matcher's threshold is chosen on "tuning" and only read on "report"). Touches that
fail to enrol (our quality gate, or MINDTCT failing) count as failures to enrol and their
comparisons as non-matches.

    python -m bench.fingerprint_accuracy --fingers 250 --impressions 4 \
        --difficulty standard --seed-range report
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import fingerprint_accuracy_nbis as nbis
from bench.fingerprint_accuracy_metrics import FAILED, FMR_POINTS, error_rates, rates_at
from biometric.errors import BiometricError, QualityError
from biometric.matcher import MATCH_THRESHOLD, match
from biometric.template import make_template
from simulators.fingers import Difficulty, Finger

SEED_RANGES = {"tuning": 1_000_000, "report": 2_000_000}


@dataclass
class ImageResult:
    """One touch through both chains (templates stay in memory, never printed)."""

    ours: bytes | None
    ours_refusal: str
    ours_ms: float
    ours_minutiae: int
    nbis: bytes | None
    nbis_ms: float
    nbis_minutiae: int
    agreement: float  # share of our minutiae within 8 px of a MINDTCT minutia


def _agreement(ours_xy: np.ndarray, theirs_xy: np.ndarray) -> float:
    if len(ours_xy) == 0 or len(theirs_xy) == 0:
        return float("nan")
    d = np.hypot(
        ours_xy[:, None, 0] - theirs_xy[None, :, 0], ours_xy[:, None, 1] - theirs_xy[None, :, 1]
    )
    return float(np.mean(d.min(axis=1) <= 8.0))


def _process_finger(job: tuple[int, int, str, bool, str | None]) -> tuple[float, list[ImageResult]]:
    seed, impressions, difficulty, with_nbis, cache = job
    t0 = time.perf_counter()
    finger = Finger.generate(seed, cache_dir=cache)
    gen_s = time.perf_counter() - t0
    out = []
    for k in range(impressions):
        image = finger.impression(k, difficulty)
        t = time.perf_counter()
        refusal = ""
        ours: bytes | None = None
        ours_xy = np.empty((0, 2))
        try:
            tpl = make_template(image)
            ours = tpl.data
            ours_xy = np.array([(m.x, m.y) for m in tpl.minutiae]).reshape(-1, 2)
        except QualityError as exc:
            refusal = exc.feedback.name
        ours_ms = (time.perf_counter() - t) * 1000
        theirs: bytes | None = None
        nbis_ms, nbis_n, agree = float("nan"), 0, float("nan")
        if with_nbis:
            t = time.perf_counter()
            theirs = nbis.mindtct(image)
            nbis_ms = (time.perf_counter() - t) * 1000
            if theirs is not None:
                nbis_n = nbis.minutiae_count(theirs)
                agree = _agreement(ours_xy, nbis.minutiae_xy(theirs))
        out.append(
            ImageResult(ours, refusal, ours_ms, len(ours_xy), theirs, nbis_ms, nbis_n, agree)
        )
    return gen_s, out


_TEMPLATES: dict[tuple[int, int], ImageResult] = {}


def _init_matcher(templates: dict[tuple[int, int], ImageResult]) -> None:
    global _TEMPLATES
    _TEMPLATES = templates


def _compare(chunk: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[tuple[float, ...]]:
    """(our score, our ms, NBIS score, NBIS ms) for (reference, probe) keys."""
    out: list[tuple[float, ...]] = []
    for ref_key, probe_key in chunk:
        ref, probe = _TEMPLATES[ref_key], _TEMPLATES[probe_key]
        ours, ours_ms = FAILED, float("nan")
        if ref.ours is not None and probe.ours is not None:
            t = time.perf_counter()
            try:
                ours = float(match(ref.ours, probe.ours))
            except BiometricError:
                ours = FAILED
            ours_ms = (time.perf_counter() - t) * 1000
        theirs, nbis_ms = FAILED, float("nan")
        if ref.nbis is not None and probe.nbis is not None:
            t = time.perf_counter()
            theirs = float(nbis.bozorth3(probe.nbis, ref.nbis))
            nbis_ms = (time.perf_counter() - t) * 1000
        out.append((ours, ours_ms, theirs, nbis_ms))
    return out


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def run(
    fingers: int,
    impressions: int,
    difficulty: str,
    seed_range: str,
    workers: int = 2,
    with_nbis: bool = True,
    cache: str | None = None,
) -> dict:
    """Run the benchmark and return its figures as a plain dict."""
    base = SEED_RANGES[seed_range]
    level = Difficulty.parse(difficulty)
    if with_nbis and not nbis.available():
        raise nbis.NbisUnavailable(
            f"NBIS library missing at {nbis.library_path()}: run `make nbis`"
        )
    ctx = mp.get_context("fork")
    wall0 = time.perf_counter()
    jobs = [(base + f, impressions, level.value, with_nbis, cache) for f in range(fingers)]
    templates: dict[tuple[int, int], ImageResult] = {}
    gen_times = []
    with ctx.Pool(workers) as pool:
        for f, (gen_s, results) in enumerate(pool.imap(_process_finger, jobs, chunksize=2)):
            gen_times.append(gen_s)
            for k, r in enumerate(results):
                templates[(f, k)] = r
    t_extract = time.perf_counter() - wall0

    genuine_keys = [
        ((f, a), (f, b))
        for f in range(fingers)
        for a, b in itertools.combinations(range(impressions), 2)
    ]
    impostor_keys = [((f, 0), (g, 0)) for f, g in itertools.combinations(range(fingers), 2)]
    keys = genuine_keys + impostor_keys
    scores: list[tuple[float, ...]] = []
    with ctx.Pool(workers, initializer=_init_matcher, initargs=(templates,)) as pool:
        for part in pool.imap(_compare, _chunks(keys, 400)):
            scores.extend(part)
    wall = time.perf_counter() - wall0
    arr = np.array(scores, dtype=float).reshape(-1, 4)
    ng = len(genuine_keys)
    images = list(templates.values())

    def side(col: int, ms_col: int, failures: int, extract_ms: list[float]) -> dict:
        g, i = arr[:ng, col], arr[ng:, col]
        er = error_rates(g, i)
        return {
            "eer": er.eer,
            "fnmr_at_fmr": {f"{k:g}": v for k, v in er.fnmr_at.items()},
            "threshold_at_fmr": {f"{k:g}": v for k, v in er.threshold_at.items()},
            "fte": failures / len(images),
            "extract_ms_median": float(np.nanmedian(extract_ms)),
            "match_ms_median": float(np.nanmedian(arr[:, ms_col])),
            "match_ms_max": float(np.nanmax(arr[:, ms_col]))
            if np.any(np.isfinite(arr[:, ms_col]))
            else float("nan"),
        }

    result: dict[str, Any] = {
        "fingers": fingers,
        "impressions": impressions,
        "difficulty": level.value,
        "seed_range": seed_range,
        "finger_seeds": [base, base + fingers - 1],
        "genuine": ng,
        "impostor": len(impostor_keys),
        "workers": workers,
        "wall_s": wall,
        "extract_stage_s": t_extract,
        "master_s_median": float(np.median(gen_times)),
        "ours": side(0, 1, sum(r.ours is None for r in images), [r.ours_ms for r in images]),
        "refusals": _count([r.ours_refusal for r in images if r.ours_refusal]),
        "ours_minutiae_median": float(np.median([r.ours_minutiae for r in images if r.ours]))
        if any(r.ours for r in images)
        else 0.0,
    }
    fmr, fnmr = rates_at(arr[:ng, 0], arr[ng:, 0], MATCH_THRESHOLD)
    result["ours"]["at_match_threshold"] = {"threshold": MATCH_THRESHOLD, "fmr": fmr, "fnmr": fnmr}
    if with_nbis:
        result["nbis"] = side(
            2, 3, sum(r.nbis is None for r in images), [r.nbis_ms for r in images]
        )
        result["nbis_minutiae_median"] = float(np.median([r.nbis_minutiae for r in images]))
        result["agreement_with_mindtct"] = float(np.nanmedian([r.agreement for r in images]))
    return result


def _count(items: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in items:
        out[s] = out.get(s, 0) + 1
    return out


def _pct(x: float) -> str:
    return f"{100 * x:.2f} %"


def _fnmr_at(side: dict[str, Any], key: str) -> str:
    return _pct(side["fnmr_at_fmr"][key])


def report(res: dict) -> str:
    lines = [
        "Fingerprint accuracy, FVC protocol on synthetic fingers",
        f"difficulty {res['difficulty']}, seed range {res['seed_range']} "
        f"(finger seeds {res['finger_seeds'][0]}..{res['finger_seeds'][1]}), "
        f"{res['fingers']} fingers x {res['impressions']} impressions",
        f"comparisons: {res['genuine']} genuine, {res['impostor']} impostor; "
        f"{res['workers']} workers; wall {res['wall_s']:.0f} s "
        f"(generation+extraction {res['extract_stage_s']:.0f} s, master median "
        f"{1000 * res['master_s_median']:.0f} ms)",
        "",
    ]
    cols = ["ours"] + (["nbis"] if "nbis" in res else [])
    head = {"ours": "ours (compact card)", "nbis": "MINDTCT+BOZORTH3"}
    lines.append(f"{'':28}" + "".join(f"{head[c]:>22}" for c in cols))
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [("EER", lambda s: _pct(s["eer"]))]
    for point in FMR_POINTS:
        rows.append((f"FNMR @ FMR {point:g}", functools.partial(_fnmr_at, key=f"{point:g}")))
    rows += [
        ("threshold for FMR 1e-4", lambda s: f"{s['threshold_at_fmr']['0.0001']:g}"),
        ("FTE (failure to enrol)", lambda s: _pct(s["fte"])),
        ("extraction median", lambda s: f"{s['extract_ms_median']:.1f} ms"),
        ("match median", lambda s: f"{s['match_ms_median']:.2f} ms"),
        ("match max", lambda s: f"{s['match_ms_max']:.1f} ms"),
    ]
    for name, fmt in rows:
        lines.append(f"{name:28}" + "".join(f"{fmt(res[c]):>22}" for c in cols))
    at = res["ours"]["at_match_threshold"]
    lines += [
        "",
        f"ours at MATCH_THRESHOLD={at['threshold']}: "
        f"FMR {_pct(at['fmr'])}, FNMR {_pct(at['fnmr'])}",
        f"refused touches: {res['refusals'] or 'none'}; minutiae per template (median): "
        f"ours {res['ours_minutiae_median']:.0f}"
        + (f", MINDTCT {res['nbis_minutiae_median']:.0f}" if "nbis" in res else ""),
    ]
    if "agreement_with_mindtct" in res:
        lines.append(
            f"our minutiae within 8 px of a MINDTCT minutia (median share): "
            f"{_pct(res['agreement_with_mindtct'])}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fingers", type=int, default=250)
    ap.add_argument("--impressions", type=int, default=4)
    ap.add_argument("--difficulty", default="standard", choices=[d.value for d in Difficulty])
    ap.add_argument("--seed-range", default="report", choices=sorted(SEED_RANGES))
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--no-nbis", action="store_true", help="skip the MINDTCT+BOZORTH3 baseline")
    ap.add_argument("--cache", default=None, help="directory to cache master fingers in")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    if args.fingers < 2 or args.impressions < 2:
        ap.error("need at least 2 fingers and 2 impressions")
    res = run(
        args.fingers,
        args.impressions,
        args.difficulty,
        args.seed_range,
        workers=args.workers,
        with_nbis=not args.no_nbis,
        cache=args.cache,
    )
    print(report(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
