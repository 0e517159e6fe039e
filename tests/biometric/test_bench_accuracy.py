"""The accuracy benchmark's metrics, and a small cross-family configuration of it that
fails as soon as the chain falls behind NIST MINDTCT + BOZORTH3 on any finger family."""

from __future__ import annotations

import numpy as np
import pytest

from bench import fingerprint_accuracy as bench
from bench import fingerprint_accuracy_nbis as nbis
from bench.fingerprint_accuracy_metrics import bootstrap, error_rates, rates_at
from simulators.fingers.families import FAMILIES


def test_error_rates_on_known_scores() -> None:
    genuine = [90, 80, 70, 60, 10]
    impostor = [5, 10, 15, 20, 65]
    er = error_rates(genuine, impostor)
    assert er.genuine == 5 and er.impostor == 5
    assert er.eer == pytest.approx(0.2)
    assert er.fnmr_at[1e-2] == pytest.approx(0.4)  # threshold 66: no impostor, 2 genuine lost
    assert rates_at(genuine, impostor, 65) == (0.2, 0.4)


def test_bootstrap_resamples_fingers_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(0)
    fingers = 30
    g_finger = np.repeat(np.arange(fingers), 3)
    genuine = rng.normal(60, 15, len(g_finger))
    pairs = np.array([(f, g) for f in range(fingers) for g in range(f + 1, fingers)])
    impostor = rng.normal(10, 5, len(pairs))
    ci = bootstrap(genuine, g_finger, impostor, pairs, fingers, threshold=30, reps=100)
    eer = error_rates(genuine, impostor).eer
    assert ci["eer"][0] <= eer <= ci["eer"][1]
    lo, hi = ci["fnmr_at_threshold"]
    assert 0.0 <= lo <= rates_at(genuine, impostor, 30)[1] <= hi <= 1.0


@pytest.mark.slow
def test_chain_stays_ahead_of_nbis_on_every_family() -> None:
    # the baseline is part of the benchmark: `make test` builds it (`make nbis`)
    assert nbis.available(), "NBIS baseline library missing: run `make nbis`"
    for family in FAMILIES:
        res = bench.run(14, "standard", "tuning", family=family, enrol=3, probes=2,
                        workers=2, reps=20)
        assert res["genuine"] == 28 and res["impostor"] == 14 * 13 // 2
        ours, theirs = res["ours"], res["nbis"]
        for side in (ours, theirs):
            assert 0.0 <= side["eer"] <= 0.5 and 0.0 <= side["fte"] <= 0.1
            assert side["extract_ms_median"] > 0
        assert ours["fte"] <= theirs["fte"], family
        assert ours["eer"] <= theirs["eer"], family
        # With 91 impostors, FNMR @ FMR 1e-4 is the FNMR with no impostor accepted.
        assert ours["fnmr_at_fmr"]["0.0001"] <= theirs["fnmr_at_fmr"]["0.0001"], family
        assert ours["at_shipped_threshold"]["fmr"] == 0.0, family
        text = bench.report([res])
        assert "EER" in text and "FNMR @ FMR 0.0001" in text
