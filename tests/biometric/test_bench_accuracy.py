"""A small configuration of the accuracy benchmark runs and gives sane figures."""

from __future__ import annotations

import math

import pytest

from bench import fingerprint_accuracy as bench
from bench import fingerprint_accuracy_nbis as nbis
from bench.fingerprint_accuracy_metrics import error_rates, rates_at


def test_error_rates_on_known_scores() -> None:
    genuine = [90, 80, 70, 60, 10]
    impostor = [5, 10, 15, 20, 65]
    er = error_rates(genuine, impostor)
    assert er.genuine == 5 and er.impostor == 5
    assert er.eer == pytest.approx(0.2)
    assert er.fnmr_at[1e-2] == pytest.approx(0.4)  # threshold 66: no impostor, 2 genuine lost
    assert rates_at(genuine, impostor, 65) == (0.2, 0.4)


@pytest.mark.slow
def test_small_benchmark_runs_with_sane_numbers() -> None:
    # the baseline is part of the benchmark: `make test` builds it (`make nbis`)
    assert nbis.available(), "NBIS baseline library missing: run `make nbis`"
    with_nbis = True
    res = bench.run(12, 3, "standard", "tuning", workers=2, with_nbis=with_nbis)
    assert res["genuine"] == 12 * 3 and res["impostor"] == 12 * 11 // 2
    sides = ["ours"] + (["nbis"] if with_nbis else [])
    for side in sides:
        figures = res[side]
        assert 0.0 <= figures["eer"] <= 0.5
        assert 0.0 <= figures["fte"] <= 0.25
        assert all(0.0 <= v <= 1.0 for v in figures["fnmr_at_fmr"].values())
        assert figures["extract_ms_median"] > 0 and figures["match_ms_median"] > 0
    assert res["ours"]["eer"] <= 0.15  # a dozen easy-to-tell fingers: few errors
    text = bench.report(res)
    assert "EER" in text and "FNMR @ FMR 0.0001" in text
    assert not math.isnan(res["ours_minutiae_median"])
