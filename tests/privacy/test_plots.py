"""Figures for 07 draw what they are given: titles, the marked depth/ε, bars per input."""

import math

import numpy as np
import pandas as pd

from rseai.privacy import plots


def test_complexity_and_loss_figures():
    table = pd.DataFrame({"gap": [0.0, 0.3], "attack_auroc": [0.5, 0.65]}, index=[1, 20])
    fig = plots.plot_complexity(table, depth=20)
    ax = fig.axes[0]
    assert [tuple(line.get_ydata()) for line in ax.lines[:2]] == [(0.0, 0.3), (0.5, 0.65)]
    assert any(tuple(line.get_xdata()) == (20, 20) for line in ax.lines)  # the marked depth
    fig = plots.plot_loss_histograms([1e-9, 0.1, 0.2], [0.3, 14.0], threshold=0.15)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and sum(p.get_height() for p in ax.patches) == 5  # every person counted


def test_epsilon_plot_draws_both_panels_and_the_no_dp_line():
    summary = pd.DataFrame({"test_accuracy": [0.5, 0.7, 0.72], "test_accuracy_sd": [0.05, 0.01, 0.0],
                            "attack_auroc": [0.5, 0.53, 0.54], "attack_auroc_sd": [0.01, 0.0, 0.0]},
                           index=[0.1, 100.0, math.inf])
    fig = plots.plot_epsilon(summary, epsilon=0.1, baseline=0.7)
    left, right = fig.axes
    assert left.get_xscale() == "log" and "no DP: 0.720" in [t.get_text() for t in left.get_legend().texts]
    assert "no DP: 0.540" in [t.get_text() for t in right.get_legend().texts]


def test_explanation_figures():
    perm = pd.Series({"a": 0.2, "b": 0.05, "c": -0.01})
    shap_mean = pd.Series({"a": 0.8, "b": 0.3, "c": 0.1})
    ax = plots.plot_importance(perm, shap_mean).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "b", "a"]
    ax = plots.plot_proxies(pd.Series({"housing": 0.68, "all inputs together": 0.7})).axes[0]
    assert np.isclose(max(p.get_width() for p in ax.patches), 0.7)
    ax = plots.plot_shap_person(pd.Series({"a": 0.4, "b": -0.1}), -1.0).axes[0]
    assert "this person -0.70" in ax.texts[0].get_text()


def test_attribution_html_colours_each_target_on_one_scale():
    table = pd.DataFrame({"token": ["The", "␣capital"], "token_id": [1, 2], " Sydney": [1.0, -2.0],
                          " Canberra": [0.5, 2.0]})
    table.attrs["probs"] = {" Sydney": 0.36, " Canberra": 0.34}
    html = plots.attribution_html(table)
    assert html.count("towards") == 2 and "probability 36.0%" in html and 'title="-2"' in html
    assert html.count("␣capital") == 2
