"""rseai.hallucination.calibration against hand computation and scikit-learn."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from rseai.hallucination.calibration import auroc, expected_calibration_error, reliability_table, roc_points


def test_ece_by_hand():
    y = [1, 0, 1, 1, 0, 0]
    conf = [0.95, 0.95, 0.65, 0.62, 0.15, 0.05]
    # bins (0.9,1]: acc 0.5 conf 0.95 -> gap 0.45 (2 items); (0.6,0.7]: acc 1, conf 0.635 -> 0.365
    # (2 items); (0.1,0.2]: acc 0 conf 0.15 -> 0.15; (0,0.1]: acc 0 conf 0.05 -> 0.05
    expected = (2 * 0.45 + 2 * 0.365 + 0.15 + 0.05) / 6
    assert expected_calibration_error(y, conf) == pytest.approx(expected)
    table = reliability_table(y, conf)
    assert table["count"].sum() == 6
    assert table["bin_high"].tolist() == pytest.approx([0.1, 0.2, 0.7, 1.0])


def test_perfect_calibration_has_zero_ece():
    y = np.r_[np.ones(8), np.zeros(2)]
    assert expected_calibration_error(y, np.full(10, 0.8)) == pytest.approx(0.0)
    assert expected_calibration_error([1, 1], [1.0, 1.0]) == 0.0
    assert expected_calibration_error([0], [0.0]) == 0.0  # 0 lands in the first bin


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10)), min_size=2, max_size=60))
def test_auroc_and_roc_match_sklearn(pairs):
    y = np.array([int(a) for a, _ in pairs])
    s = np.array([b / 10 for _, b in pairs])  # coarse scores: many ties
    if y.min() == y.max():
        assert np.isnan(auroc(y, s))
        return
    assert auroc(y, s) == pytest.approx(roc_auc_score(y, s))
    fpr, tpr, _ = roc_points(y, s)
    ref_fpr, ref_tpr, _ = roc_curve(y, s, drop_intermediate=False)
    assert np.allclose(fpr, ref_fpr) and np.allclose(tpr, ref_tpr)


def test_auroc_extremes():
    assert auroc([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1]) == 1.0
    assert auroc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert auroc([1, 0], [0.5, 0.5]) == 0.5


def test_bad_inputs():
    with pytest.raises(ValueError, match="lengths differ"):
        auroc([1, 0], [0.5])
    with pytest.raises(ValueError, match=r"y_true must be binary \(0/1 only\), got other values \[2\]"):
        auroc([2, 0], [0.5, 0.1])
    with pytest.raises(ValueError, match="scores must be finite numbers"):
        auroc([1, 0], [np.nan, 0.1])
    with pytest.raises(ValueError, match=r"confidence must be probabilities in \[0, 1\]"):
        expected_calibration_error([1, 0], [1.5, 0.1])
    with pytest.raises(ValueError, match="n_bins must be an int in"):
        reliability_table([1, 0], [0.5, 0.1], n_bins=0)
    with pytest.raises(TypeError, match="scores must hold numbers"):
        auroc([1, 0], ["a", "b"])
