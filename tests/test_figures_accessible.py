"""Every figure is readable on a projector and has alt text: each ``plot_*`` of ``rseai/*/plots.py``
is drawn here, and every visible Text artist (titles, ticks, labels, legends, annotations) must be
at least ``TEXT_PT`` points; its alt text names what it shows; a notebook shows it as ``<img alt>``."""

import importlib
import inspect
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from rseai.style import TEXT_PT, AltFigure, alt_text, set_alt

TOPICS = sorted(p.parent.name for p in Path(__file__).resolve().parents[1].glob("rseai/*/plots.py"))
RNG = np.random.default_rng(0)


def small_texts(fig) -> list[str]:
    """The visible, non-empty texts of ``fig`` under ``TEXT_PT`` points, with their size."""
    return [
        f"{t.get_text()!r}: {t.get_fontsize():g} pt"
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < TEXT_PT - 1e-9
    ]


def _dist(prompt="The capital of Australia is"):
    top = pd.DataFrame({"token": [" Sydney", " Canberra", " a", "\n"], "prob": [0.36, 0.34, 0.2, 0.0004]})
    return SimpleNamespace(
        prompt=prompt,
        temperature=1.0,
        top_k=None,
        top_p=0.9,
        entropy_bits=2.1,
        n_candidates=49152,
        top=lambda k: top.head(k),
    )


def _consistency():
    from rseai.hallucination.asking import Answer, Consistency

    greedy = Answer(
        "Who first walked on Mars?", "John Smith", ["John", " Smith"], [0.4, 0.3], 0.12, [True, True]
    )
    return Consistency(
        "Who first walked on Mars?",
        greedy,
        ["John Smith", "Neil Armstrong", "John Smith"],
        [[0, 2], [1]],
        2 / 3,
        0.9,
    )


def _sweep():
    from rseai.risk.costs import threshold_sweep

    y = np.r_[np.zeros(40), np.ones(20)].astype(int)
    return threshold_sweep(y, np.clip(y * 0.4 + RNG.random(60) * 0.6, 0, 1), cost_fp=1, cost_fn=5)


def _conf():
    from rseai.metrics import confusion

    return confusion([1, 1, 0, 0, 0, 1], [1, 0, 0, 1, 0, 1])


def _issues():
    return pd.DataFrame(
        {
            "index": [3, 0, 5],
            "given_label": [1, 7, 3],
            "suggested_label": [7, 1, 8],
            "label_quality": [0.01, 0.02, 0.2],
        }
    )


def _detection_table():
    return pd.DataFrame(
        {
            name: np.r_[RNG.normal(0, 1, 20), RNG.normal(1, 1, 20)]
            for name in ("log_prob", "neg_log_rank", "neg_burstiness", "fast_detectgpt")
        }
    )


# One call per plot function, on small inputs of the shapes the notebooks pass.
CASES = {
    "carbon.plot_countries": lambda m: m.plot_countries(
        pd.DataFrame({"region": ["India", "Norway", "World"], "co2e_kg": [7.1, 0.3, 4.8]}), highlight="India"
    ),
    "carbon.plot_strubell": lambda m: m.plot_strubell(
        pd.DataFrame(
            {
                "model": ["Transformer (big)", "NAS"],
                "co2e_lbs": [192, 626155],
                "published_co2e_lbs": [192, 626155],
            }
        ),
        reference_lbs=1984,
        reference_label="one flight",
    ),
    "carbon.plot_estimate_vs_measured": lambda m: m.plot_estimate_vs_measured(
        pd.DataFrame(
            {"phase": ["prefill", "decode"], "tdp_energy_j": [7000, 21000], "energy_j": [3000, 9000]}
        )
    ),
    "carbon.plot_energy_per_token": lambda m: m.plot_energy_per_token(
        pd.DataFrame({"label": ["H200, batch 1", "laptop CPU"], "j_per_token": [0.3, 2.2]})
    ),
    "carbon.plot_tools": lambda m: m.plot_tools(
        pd.DataFrame({"tool": ["ML CO2 Impact", "CodeCarbon"], "co2e_kg": [1.2, 0.9], "pue": [1.58, 1.0]})
    ),
    "detection.plot_roc": lambda m: m.plot_roc(
        np.r_[np.zeros(20), np.ones(20)].astype(int), _detection_table(), catch=0.9
    ),
    "detection.plot_score_histogram": lambda m: m.plot_score_histogram(
        RNG.normal(0, 1, 30), RNG.normal(1, 1, 30), name="fast_detectgpt", threshold=0.5, mark=1.2, far=0.3
    ),
    "detection.plot_auroc_lines": lambda m: m.plot_auroc_lines(
        pd.DataFrame(
            {
                "score": ["log_prob"] * 2 + ["fast_detectgpt"] * 2,
                "length": [50, 100, 50, 100],
                "auroc": [0.6, 0.7, 0.8, 0.9],
            }
        ),
        x="length",
        xlabel="tokens",
        title="Longer is easier",
    ),
    "detection.plot_false_accusations": lambda m: m.plot_false_accusations(
        pd.DataFrame(
            {"far_native": [0.05, 0.1], "far_non_native": [0.3, 0.5]}, index=["log_prob", "fast_detectgpt"]
        ),
        kinds=["native", "non_native"],
    ),
    "hallucination.plot_answer_tokens": lambda m: m.plot_answer_tokens(_consistency().greedy),
    "hallucination.plot_sample_groups": lambda m: m.plot_sample_groups(_consistency()),
    "hallucination.plot_reliability": lambda m: m.plot_reliability(
        pd.DataFrame(
            {
                "bin_low": [0.0, 0.5],
                "bin_high": [0.5, 1.0],
                "accuracy": [0.3, 0.8],
                "mean_confidence": [0.3, 0.7],
                "count": [10, 20],
            }
        ),
        ece=0.05,
    ),
    "hallucination.plot_detector_roc": lambda m: m.plot_detector_roc(
        {"agreement": ([0, 0.2, 1], [0, 0.7, 1], 0.78), "confidence": ([0, 0.4, 1], [0, 0.6, 1], 0.69)}
    ),
    "hallucination.plot_accuracy_by_group": lambda m: m.plot_accuracy_by_group(
        pd.DataFrame(
            {
                "category": ["science", "science", "history"],
                "kind": ["fact", "false_premise", "fact"],
                "accuracy": [0.6, 0.1, 0.5],
                "n": [10, 5, 8],
            }
        )
    ),
    "hallucination.plot_grounding_effect": lambda m: m.plot_grounding_effect(
        {"fact": (0.5, 0.9), "false_premise": (0.1, 0.4)}
    ),
    "hallucination.plot_confidence_vs_agreement": lambda m: m.plot_confidence_vs_agreement(
        pd.DataFrame(
            {"confidence": [0.2, 0.9, 0.5], "agreement": [0.3, 1.0, 0.4], "correct": [False, True, False]}
        )
    ),
    "labels.plot_digits": lambda m: m.plot_digits(RNG.random((3, 8, 8)), titles=["a", "b", "c"]),
    "labels.plot_issue_gallery": lambda m: m.plot_issue_gallery(
        RNG.random((6, 8, 8)), _issues(), flipped=np.array([False, True, False, True, False, False])
    ),
    "labels.plot_approaches": lambda m: m.plot_approaches(
        pd.DataFrame(
            {"accuracy": [0.8, 0.85, 0.9], "change": [0, 0.05, 0.1]},
            index=["Baseline", "Model-centric", "Data-centric"],
        ),
        reference={"Baseline": 0.76, "Model-centric": 0.76, "Data-centric": 0.93},
    ),
    "labels.plot_detection": lambda m: m.plot_detection(
        {"cleanlab": {"precision": 0.7, "recall": 0.8}, "loss": {"precision": 0.5, "recall": 0.6}}
    ),
    "labels.plot_noise_sweep": lambda m: m.plot_noise_sweep(
        pd.DataFrame(
            {
                "kind": ["uniform"] * 4,
                "approach": ["Baseline", "Baseline", "Data-centric", "Data-centric"],
                "rate": [0.1, 0.2, 0.1, 0.2],
                "accuracy": [0.9, 0.8, 0.93, 0.9],
                "precision": [0.7, 0.8, 0.7, 0.8],
                "recall": [0.6, 0.7, 0.6, 0.7],
            }
        )
    ),
    "labels.plot_psi": lambda m: m.plot_psi(RNG.random(64) * 0.5),
    "lm.plot_probabilities": lambda m: m.plot_probabilities(_dist(), highlight=(" Canberra",)),
    "lm.plot_probability_panels": lambda m: m.plot_probability_panels(
        [_dist(), _dist()], titles=["T=0.5", "T=2"]
    ),
    "lm.plot_entropy": lambda m: m.plot_entropy(
        np.array([0.5, 1.0, 2.0]), np.array([1.0, 2.0, 3.5]), label="x"
    ),
    "lm.plot_generation_steps": lambda m: m.plot_generation_steps(
        SimpleNamespace(
            steps=[SimpleNamespace(token=" Canberra", prob=0.34), SimpleNamespace(token=".", prob=0.05)]
        )
    ),
    "privacy.plot_complexity": lambda m: m.plot_complexity(
        pd.DataFrame({"gap": [0.0, 0.3], "attack_auroc": [0.5, 0.65]}, index=[1, 20]), depth=20
    ),
    "privacy.plot_loss_histograms": lambda m: m.plot_loss_histograms(
        [1e-9, 0.1, 0.2], [0.3, 14.0], threshold=0.15
    ),
    "privacy.plot_epsilon": lambda m: m.plot_epsilon(
        pd.DataFrame(
            {
                "test_accuracy": [0.5, 0.72],
                "test_accuracy_sd": [0.05, 0.0],
                "attack_auroc": [0.5, 0.54],
                "attack_auroc_sd": [0.01, 0.0],
            },
            index=[0.1, math.inf],
        ),
        epsilon=0.1,
        baseline=0.7,
    ),
    "privacy.plot_importance": lambda m: m.plot_importance(
        pd.Series({"a": 0.2, "b": 0.05}), pd.Series({"a": 0.8, "b": 0.3})
    ),
    "privacy.plot_proxies": lambda m: m.plot_proxies(
        pd.Series({"housing": 0.68, "all inputs together": 0.7})
    ),
    "privacy.plot_shap_person": lambda m: m.plot_shap_person(pd.Series({"a": 0.4, "b": -0.1}), -1.0),
    "risk.plot_confusion": lambda m: m.plot_confusion(_conf()),
    "risk.plot_tradeoff": lambda m: m.plot_tradeoff(_sweep(), threshold=0.5),
    "risk.plot_cost_curve": lambda m: m.plot_cost_curve(_sweep(), threshold=0.5, optimum=_sweep().iloc[3]),
    "risk.plot_group_rates": lambda m: m.plot_group_rates(
        pd.DataFrame(
            {"tpr": [0.8, 0.6], "fpr": [0.1, np.nan], "selection_rate": [0.3, 0.2]}, index=["female", "male"]
        )
    ),
    "risk.plot_group_confusions": lambda m: m.plot_group_confusions({"female": _conf(), "male": _conf()}),
    "risk.plot_risk_heatmap": lambda m: m.plot_risk_heatmap(
        pd.DataFrame({"hazard": ["missed tumour", "false alarm"], "likelihood": [3, 4], "impact": [5, 2]})
    ),
}


def _all_plot_functions() -> list[str]:
    names = []
    for topic in TOPICS:
        module = importlib.import_module(f"rseai.{topic}.plots")
        names += [
            f"{topic}.{n}"
            for n, f in inspect.getmembers(module, inspect.isfunction)
            if n.startswith("plot_") and f.__module__ == module.__name__
        ]
    return sorted(names)


def test_every_plot_function_is_drawn_here():
    assert sorted(CASES) == _all_plot_functions()


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_text_is_readable_and_the_figure_has_alt_text(name):
    topic, function = name.split(".")
    fig = CASES[name](importlib.import_module(f"rseai.{topic}.plots"))
    fig.canvas.draw()  # legends and tick labels exist once drawn
    assert isinstance(fig, AltFigure), f"{function} must draw through rseai.style.new_axes/new_figure"
    assert not small_texts(fig), f"{function}: text under {TEXT_PT} pt: {small_texts(fig)}"
    alt = alt_text(fig)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(alt.split()) >= 5 and (not titles or titles[0].split("\n")[0][:20] in alt), alt


def test_colour_is_never_the_only_code():
    from rseai.hallucination import plots as hallucination
    from rseai.labels import plots as labels
    from rseai.privacy import plots as privacy

    gallery = CASES["labels.plot_issue_gallery"](labels)
    said = [ax.get_title() for ax in gallery.axes[:3]]
    assert ["✓ flipped" in said[0], "✗ false alarm" in said[1], "✗ false alarm" in said[2]] == [True] * 3, (
        said
    )
    losses = privacy.plot_loss_histograms([0.1, 0.2], [0.3, 0.4]).axes[0]
    assert {p.get_hatch() for p in losses.patches} == {privacy.MEMBER_HATCH, None}
    dots = CASES["hallucination.plot_confidence_vs_agreement"](hallucination).axes[0].collections
    assert len({tuple(map(tuple, d.get_paths()[0].vertices)) for d in dots}) == 2  # two marker shapes
    from rseai.detection import plots as detection

    texts = CASES["detection.plot_score_histogram"](detection).axes[0]
    assert {p.get_hatch() for p in texts.patches} == {"//", None}  # machine hatched, human plain
    heatmap = CASES["risk.plot_risk_heatmap"](importlib.import_module("rseai.risk.plots")).axes[0]
    assert len({p.get_hatch() for p in heatmap.patches}) == 3  # one pattern per region


def test_alt_text_reads_the_numbers_drawn_and_set_alt_wins():
    fig = CASES["risk.plot_group_rates"](importlib.import_module("rseai.risk.plots"))
    alt = alt_text(fig)
    assert "Rates by group" in alt and "TPR (caught): female 0.8, male 0.6" in alt and "n/a" in alt, alt
    set_alt(fig, "Two groups:  the female group is caught more often.")
    assert alt_text(fig) == "Two groups: the female group is caught more often."
    with pytest.raises(ValueError, match="text must be a non-empty string"):
        set_alt(fig, " ")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        alt_text("figure")


def test_a_notebook_shows_the_png_once_in_an_img_with_the_alt():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        select_figure_formats(shell, {"png"})  # what the inline backend registers for every Figure
        fig = CASES["privacy.plot_proxies"](importlib.import_module("rseai.privacy.plots"))
        bundle, _ = shell.display_formatter.format(fig)
    finally:
        InteractiveShell.clear_instance()
    html = bundle["text/html"]
    assert html.startswith('<img src="data:image/png;base64,' + bundle["image/png"][:40])
    assert f'alt="{alt_text(fig)}"' in html.replace("&#x27;", "'").replace("&quot;", '"')


def test_a_widget_picture_carries_its_alt_and_loses_it_with_the_picture():
    import ipywidgets as w

    from rseai.widgets import Explorer, page_fixes

    class Square(Explorer):
        figure_size = (3, 2)

        def __init__(self):
            self.x = w.FloatSlider(value=2.0, min=-5, description="x")
            super().__init__({"x": self.x})

        def compute(self, values):
            if values["x"] < 0:
                raise ValueError("x must be at least 0")
            return {"square": values["x"] ** 2}

        def draw(self, figure, state):
            figure.axes[0].clear()
            figure.axes[0].bar(["x²"], [state["square"]])
            figure.axes[0].set_title("The square of x")

    ex = Square()
    assert "description" in ex.image.keys  # without it the view never sets the <img>'s title
    ex.x.value = 3.0
    assert ex.image.tooltip == "Figure: The square of x; bars: x² 9.", ex.image.tooltip
    ex.x.value = -1.0
    assert ex.image.tooltip is None and ex.image.value == b""  # no alt for a picture that is gone
    script = page_fixes().outputs[0]["data"]["application/javascript"]
    assert "noUi-handle" in script and "aria-label" in script and "tabindex" in script
    assert any(isinstance(c, w.Output) and "rseaiPageFixes" in str(c.outputs) for c in ex.children)


def test_alt_text_reads_numeric_axes_as_numbers_and_names_each_series():
    import numpy as np

    from rseai.privacy.plots import plot_loss_histograms
    from rseai.style import _describe

    alt = _describe(plot_loss_histograms([0.001, 0.01, 0.1], [0.5, 1.0, 2.0], threshold=0.2))
    assert "members (3): 0.00" in alt and "non-members (3):" in alt, alt  # the bins' own positions
    assert "$" not in alt and "bars:" not in alt, alt  # no mathtext tick labels, no nameless series
    assert np.isfinite(float(alt.split("members (3): ")[1].split()[0]))
