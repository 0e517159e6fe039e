"""Error rates from genuine and impostor scores, the FVC way.

Scores are "higher is more similar"; a comparison that could not be made (a template
failed to enrol) carries ``FAILED`` and counts as a non-match, so rejected touches raise
FNMR instead of hiding from it.
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


def _rates(genuine: np.ndarray, impostor: np.ndarray) -> tuple[np.ndarray, ...]:
    """FMR(t) and FNMR(t) at every distinct score t (decision: score >= t)."""
    thresholds = np.unique(np.concatenate([genuine, impostor, [np.inf]]))
    g = np.sort(genuine)
    i = np.sort(impostor)
    fnmr = np.searchsorted(g, thresholds, side="left") / max(len(g), 1)
    fmr = 1.0 - np.searchsorted(i, thresholds, side="left") / max(len(i), 1)
    return thresholds, fmr, fnmr


def error_rates(genuine: ArrayLike, impostor: ArrayLike) -> ErrorRates:
    g_arr = np.asarray(genuine, dtype=float)
    i_arr = np.asarray(impostor, dtype=float)
    t, fmr, fnmr = _rates(g_arr, i_arr)
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
        j = int(np.argmax(fmr <= target))  # thresholds ascend: the first is the best FNMR
        fnmr_at[target] = float(fnmr[j])
        threshold_at[target] = float(t[j])
    return ErrorRates(len(g_arr), len(i_arr), eer, fnmr_at, threshold_at)


def rates_at(genuine: ArrayLike, impostor: ArrayLike, threshold: float) -> tuple[float, float]:
    """(FMR, FNMR) at a fixed decision threshold."""
    g_arr = np.asarray(genuine, dtype=float)
    i_arr = np.asarray(impostor, dtype=float)
    fmr = float(np.mean(i_arr >= threshold)) if len(i_arr) else 0.0
    fnmr = float(np.mean(g_arr < threshold)) if len(g_arr) else 0.0
    return fmr, fnmr
