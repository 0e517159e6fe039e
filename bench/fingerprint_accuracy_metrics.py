"""Error rates from genuine and impostor scores, the FVC way, with bootstrap intervals.

Scores are "higher is more similar"; a comparison that could not be made (a template
failed to enrol, or a probe was refused) carries ``FAILED`` and counts as a non-match, so
rejected touches raise FNMR instead of hiding from it.

Confidence intervals resample fingers, not comparisons (Bolle, Ratha and Pankanti's
subsets bootstrap): comparisons of one finger are not independent, so resampling them
one by one would give intervals far too narrow. A genuine score is weighted by how often
its finger was drawn, an impostor score by the product of its two fingers' draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

FAILED = -1.0
FMR_POINTS = (1e-2, 1e-3, 1e-4)


@dataclass(frozen=True)
class ErrorRates:
    genuine: int
    impostor: int
    eer: float
    fnmr_at: dict[float, float]  # FMR target -> lowest FNMR with FMR <= target
    threshold_at: dict[float, float]  # FMR target -> smallest threshold reaching it


def _weighted_rates(
    genuine: np.ndarray, impostor: np.ndarray, wg: np.ndarray, wi: np.ndarray
) -> tuple[np.ndarray, ...]:
    """FMR(t) and FNMR(t) at every distinct score t (decision: score >= t), weighted."""
    thresholds = np.unique(np.concatenate([genuine, impostor, [np.inf]]))
    og, oi = np.argsort(genuine, kind="stable"), np.argsort(impostor, kind="stable")
    g, i = genuine[og], impostor[oi]
    cg = np.concatenate([[0.0], np.cumsum(wg[og])])
    ci = np.concatenate([[0.0], np.cumsum(wi[oi])])
    fnmr = cg[np.searchsorted(g, thresholds, side="left")] / max(cg[-1], 1e-300)
    fmr = 1.0 - ci[np.searchsorted(i, thresholds, side="left")] / max(ci[-1], 1e-300)
    return thresholds, fmr, fnmr


def _summarise(t: np.ndarray, fmr: np.ndarray, fnmr: np.ndarray) -> tuple[float, dict, dict]:
    # EER as FVC2000 defines it: the interval around the crossing of the two curves.
    below = np.nonzero(fnmr <= fmr)[0]
    above = np.nonzero(fnmr >= fmr)[0]
    t1 = int(below.max()) if len(below) else 0
    t2 = int(above.min()) if len(above) else len(t) - 1
    if fnmr[t1] + fmr[t1] <= fnmr[t2] + fmr[t2]:
        eer = float((fnmr[t1] + fmr[t1]) / 2)
    else:
        eer = float((fmr[t2] + fnmr[t2]) / 2)
    fnmr_at: dict[float, float] = {}
    threshold_at: dict[float, float] = {}
    for target in FMR_POINTS:
        j = int(np.argmax(fmr <= target + 1e-15))  # thresholds ascend: first is best FNMR
        fnmr_at[target] = float(fnmr[j])
        threshold_at[target] = float(t[j])
    return eer, fnmr_at, threshold_at


def error_rates(genuine: ArrayLike, impostor: ArrayLike) -> ErrorRates:
    g_arr = np.asarray(genuine, dtype=float)
    i_arr = np.asarray(impostor, dtype=float)
    t, fmr, fnmr = _weighted_rates(g_arr, i_arr, np.ones(len(g_arr)), np.ones(len(i_arr)))
    eer, fnmr_at, threshold_at = _summarise(t, fmr, fnmr)
    return ErrorRates(len(g_arr), len(i_arr), eer, fnmr_at, threshold_at)


def rates_at(genuine: ArrayLike, impostor: ArrayLike, threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) at a fixed decision threshold."""
    g_arr = np.asarray(genuine, dtype=float)
    i_arr = np.asarray(impostor, dtype=float)
    fmr = float(np.mean(i_arr >= threshold)) if len(i_arr) else 0.0
    fnmr = float(np.mean(g_arr < threshold)) if len(g_arr) else 0.0
    return fmr, fnmr


def bootstrap(
    genuine: ArrayLike,
    genuine_finger: ArrayLike,
    impostor: ArrayLike,
    impostor_fingers: ArrayLike,
    fingers: int,
    threshold: float,
    reps: int = 200,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """95 % intervals (2.5th, 97.5th percentiles) of EER, FNMR at each FMR point, and
    FMR / FNMR at ``threshold``, resampling fingers with replacement."""
    g = np.asarray(genuine, dtype=float)
    gf = np.asarray(genuine_finger, dtype=np.intp)
    i = np.asarray(impostor, dtype=float)
    pf = np.asarray(impostor_fingers, dtype=np.intp).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {"eer": [], "fmr_at_threshold": [], "fnmr_at_threshold": []}
    for target in FMR_POINTS:
        draws[f"fnmr@{target:g}"] = []
    for _ in range(reps):
        counts = np.bincount(rng.integers(0, fingers, fingers), minlength=fingers).astype(float)
        wg, wi = counts[gf], counts[pf[:, 0]] * counts[pf[:, 1]]
        if wg.sum() == 0 or wi.sum() == 0:
            continue
        t, fmr, fnmr = _weighted_rates(g, i, wg, wi)
        eer, fnmr_at, _ = _summarise(t, fmr, fnmr)
        draws["eer"].append(eer)
        for target in FMR_POINTS:
            draws[f"fnmr@{target:g}"].append(fnmr_at[target])
        draws["fmr_at_threshold"].append(float(np.sum(wi * (i >= threshold)) / wi.sum()))
        draws["fnmr_at_threshold"].append(float(np.sum(wg * (g < threshold)) / wg.sum()))
    return {
        k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) if v else (0.0, 0.0)
        for k, v in draws.items()
    }
