"""Quality of a touch, and the gate that asks for another one instead of a poor template.

Two things decide, in the spirit of NFIQ 2's features: how much usable finger the window
saw (foreground area) and how clearly ridges alternate with valleys there (share of the
signal the oriented ridge filter keeps, and the flow's coherence). How many minutiae came
out does not: real fingertips carry 0.10-0.18 minutiae per mm^2, and a clear touch of a
sparse finger is a good touch; the card's matcher weighs what it gets (the only floor
left is ``CARD_MIN_MINUTIAE``, below which the card cannot compare at all). Skin
moisture is read from the share of dark pixels, so a refused touch can say "too dry" or
"too wet".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from biometric.errors import CaptureFeedback, QualityError
from biometric.extract import Extraction
from biometric.matcher import MIN_MINUTIAE as CARD_MIN_MINUTIAE

MIN_QUALITY = 30
MIN_AREA = 0.26  # share of the window
MIN_CLARITY = 0.58
MIN_MINUTIAE = CARD_MIN_MINUTIAE  # kept for callers that put it in a BIT


@dataclass(frozen=True)
class QualityReport:
    """Scores of one touch; ``score`` is 0..100, ``feedback`` GOOD or the main fault."""

    score: int
    feedback: CaptureFeedback
    area: float  # usable foreground share of the window
    clarity: float  # 0..1
    dark_share: float  # share of ridge (dark) pixels in the foreground
    minutiae: int


def _clarity(ex: Extraction) -> float:
    maps = ex.maps
    m = maps.mask
    if m.sum() < 100:
        return 0.0
    resp = maps.enhanced[m]
    coh = float(np.mean(maps.coherence[m]))
    # How much of the response agrees in sign with a clean two-level pattern: a clear
    # print gives a strong, bimodal Gabor response relative to its spread.
    strength = float(np.mean(np.abs(resp)) / (np.sqrt(np.mean(resp**2)) + 1e-9))
    return float(np.clip(0.6 * coh + 0.4 * strength, 0.0, 1.0))


def assess(image: np.ndarray, ex: Extraction) -> QualityReport:
    """Quality report of a touch from its image and extraction."""
    maps = ex.maps
    mask = maps.mask
    area = float(mask.mean())
    clarity = _clarity(ex)
    fg = image[mask]
    if fg.size:
        level = 0.5 * (float(np.percentile(image, 99)) + float(np.percentile(fg, 5)))
        dark = float(np.mean(fg < level))
    else:
        dark = 0.0
    n = len(ex.minutiae)
    score = 100.0 * min(1.0, area / 0.55) ** 0.5 * min(1.0, clarity / 0.75)
    score_i = int(round(score))
    if area < MIN_AREA:
        fb = _why_no_area(image, maps.contrast)
    elif clarity < MIN_CLARITY or score_i < MIN_QUALITY:
        if dark < 0.35:
            fb = CaptureFeedback.TOO_DRY
        elif dark > 0.70:
            fb = CaptureFeedback.TOO_WET
        else:
            fb = CaptureFeedback.UNCLEAR
    elif n < CARD_MIN_MINUTIAE:
        fb = CaptureFeedback.TOO_FEW_MINUTIAE
    else:
        fb = CaptureFeedback.GOOD
    return QualityReport(score_i, fb, area, clarity, dark, n)


def _why_no_area(image: np.ndarray, contrast: np.ndarray) -> CaptureFeedback:
    """Name the fault when hardly any usable ridge area was found."""
    top = float(np.percentile(image, 99))
    touched = float(np.mean(image < top - 25))  # share of the window darker than the platen
    if touched < 0.03:
        return CaptureFeedback.NO_FINGER
    if touched > 0.5:  # the finger covered the window, but left no ridges to read
        level = 0.5 * (top + float(np.percentile(image, 5)))
        return (
            CaptureFeedback.TOO_WET
            if float(np.mean(image < level)) > 0.85
            else CaptureFeedback.UNCLEAR
        )
    if float(np.percentile(contrast, 95)) < 20:  # faint marks only: parched skin
        return CaptureFeedback.TOO_DRY
    return CaptureFeedback.TOO_SMALL


def require_quality(report: QualityReport) -> QualityReport:
    """Raise :class:`QualityError` unless the touch is good enough for a template."""
    if report.feedback is not CaptureFeedback.GOOD:
        raise QualityError(report.feedback, report.score)
    return report
