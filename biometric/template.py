"""Image to card template in one call: extract, gate on quality, encode compact.

This is what the kiosk and the personalization station run on a captured image; the card
(or its simulator) then runs :func:`biometric.matcher.match` on the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from biometric.compact import DEFAULT_MAX_MINUTIAE, MinutiaeOrder, encode_compact, prune
from biometric.extract import extract
from biometric.minutia import Minutia
from biometric.quality import QualityReport, assess, require_quality


@dataclass(frozen=True)
class CardTemplate:
    """A compact card template and what it was made from (minutiae as encoded)."""

    data: bytes
    minutiae: tuple[Minutia, ...]
    quality: QualityReport

    def __repr__(self) -> str:  # never print template bytes into logs
        return (
            f"CardTemplate({len(self.minutiae)} minutiae, quality={self.quality.score}, "
            f"{len(self.data)} bytes)"
        )


def make_template(
    image: np.ndarray,
    *,
    max_count: int = DEFAULT_MAX_MINUTIAE,
    order: MinutiaeOrder = MinutiaeOrder.NONE,
    enforce_quality: bool = True,
) -> CardTemplate:
    """Compact card template of a touch; raises :class:`QualityError` for a poor one."""
    ex = extract(image)
    report = assess(image, ex)
    if enforce_quality:
        require_quality(report)
    kept = tuple(prune(ex.minutiae, max_count))
    return CardTemplate(encode_compact(kept, max_count=max_count, order=order), kept, report)
