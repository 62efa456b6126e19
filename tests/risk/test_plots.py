"""Notebook 03's data loaders (breast cancer, German credit), its figures and its exercise checks."""

import numpy as np
import pytest

from rseai import data, risk
from rseai.risk import plots
from rseai.risk.costs import Hazard, risk_register
from rseai.risk.exercises import (
    check_bayes_threshold,
    check_expected_cost,
    check_group_gap,
    check_optimal_threshold,
)


def test_breast_cancer_loader_codes_malignant_as_positive():
    df = data.load_breast_cancer()
    assert df.shape == (569, 31)
    assert df["malignant"].sum() == 212  # 212 malignant, 357 benign (Wolberg et al.)


def test_german_credit_loader_matches_its_datasheet():
    df = data.load_german_credit()
    assert len(df) == 1000 and df["bad_risk"].sum() == 300
    assert df["sex"].value_counts().to_dict() == {"male": 690, "female": 310}
    assert df["age_group"].value_counts().to_dict() == {"25 and over": 851, "under 25": 149}
    assert (df["bad_risk"] == 1 - df["risk"]).all()


def test_german_credit_damaged_copy_is_caught(tmp_path, monkeypatch):
    src = data.dataset_path("german_credit.csv").read_text()
    (tmp_path / "german_credit.csv").write_text(src.replace("male", "MALE", 1))
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path))
    with pytest.raises(data.DatasetError, match="sha256"):
        data.load_german_credit()


def _example():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = np.clip(0.3 * y + rng.normal(0.35, 0.2, 200), 0, 1)
    return y, s, rng.choice(["f", "m"], 200)


def test_figures_show_the_numbers_they_are_given():
    y, s, g = _example()
    conf = risk.confusion(y, s >= 0.5)
    fig = plots.plot_confusion(conf, labels=("malignant", "benign"))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"False Negative\nType II error\n{conf.fn}" in texts
    assert f"False Positive\nType I error\n{conf.fp}" in texts
    sweep = risk.threshold_sweep(y, s, cost_fp=1, cost_fn=5)
    best = risk.optimal_row(sweep)
    fig = plots.plot_cost_curve(sweep, threshold=0.5, optimum=best)
    x, yv = fig.axes[0].lines[1].get_data()
    assert x[0] == best["threshold"] and yv[0] == best["expected_cost"]
    assert len(plots.plot_tradeoff(sweep, threshold=0.3).axes[0].lines) == 3
    rep = risk.group_report(y, s >= 0.5, g)
    fig = plots.plot_group_rates(rep.by_group)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert heights[:2] == pytest.approx(rep.by_group["tpr"].tolist())
    fig = plots.plot_group_confusions({k: risk.confusion(y[g == k], s[g == k] >= 0.5) for k in ("f", "m")})
    assert len(fig.axes) == 2


def test_heatmap_places_each_hazard_in_its_cell():
    reg = risk_register([Hazard("missed", impact=5, rate=0.06), Hazard("alarm", impact=2, likelihood=4)])
    fig = plots.plot_risk_heatmap(reg)
    ax = fig.axes[0]
    markers = [line.get_data() for line in ax.lines]
    assert [(round(x[0] + 0.25), round(y[0] - 0.1)) for x, y in markers] == [(5, 3), (2, 4)]
    assert "1. missed\n2. alarm" in [t.get_text() for t in ax.texts]


def test_exercise_checks(capsys):
    y, s, g = _example()
    cost = risk.expected_cost(y, s, threshold=0.5, cost_fp=1, cost_fn=5)
    assert check_expected_cost(cost, y, s, threshold=0.5, cost_fp=1, cost_fn=5)
    assert not check_expected_cost(cost * len(y), y, s, threshold=0.5, cost_fp=1, cost_fn=5)
    assert "total cost" in capsys.readouterr().out
    assert not check_expected_cost(None, y, s, threshold=0.5, cost_fp=1, cost_fn=5)
    assert check_bayes_threshold(1 / 6, cost_fp=1, cost_fn=5)
    assert not check_bayes_threshold(5 / 6, cost_fp=1, cost_fn=5)
    assert "swapped" in capsys.readouterr().out
    best = risk.optimal_row(risk.threshold_sweep(y, s, cost_fp=1, cost_fn=5))
    assert check_optimal_threshold(best["threshold"], y, s, cost_fp=1, cost_fn=5)
    assert not check_optimal_threshold(0.9, y, s, cost_fp=1, cost_fn=5)
    assert not check_optimal_threshold("high", y, s, cost_fp=1, cost_fn=5)
    rep = risk.group_report(y, s >= 0.5, g)
    assert check_group_gap(rep.gaps["tpr_difference"], y, s >= 0.5, g, rate="tpr")
    assert not check_group_gap(-rep.gaps["tpr_difference"], y, s >= 0.5, g, rate="tpr")
    assert "positive number" in capsys.readouterr().out
