"""Figures for notebook 07; each ``plot_<what>`` takes tables of ``rseai.privacy`` / ``rseai.explain``
and returns a Figure (``attribution_html``: coloured tokens). Members vermillion and hatched,
non-members blue.

Example
-------
>>> import pandas as pd
>>> table = pd.DataFrame({"gap": [0.0, 0.3], "attack_auroc": [0.5, 0.65]}, index=[1, 20])
>>> plot_complexity(table, depth=20).axes[0].get_title()
'Deeper trees: a bigger gap, an easier attack'
"""

from __future__ import annotations

import math

import numpy as np

from rseai.style import PALETTE, TEXT_GREY, coloured_tokens_html, new_axes, new_figure

MEMBER, NONMEMBER = PALETTE["vermillion"], PALETTE["blue"]
MEMBER_HATCH = "///"


def plot_complexity(table, *, depth=None, ax=None, title="Deeper trees: a bigger gap, an easier attack"):
    """Train-test accuracy gap and attack AUROC against tree depth; ``depth`` marked."""
    fig, ax = new_axes(title=title, xlabel="tree depth (max_depth)", ylabel="", ax=ax)
    depths = np.asarray(table.index, dtype=float)
    ax.plot(depths, table["gap"], "o-", color=PALETTE["orange"], label="accuracy gap (train − test)")
    ax.plot(depths, table["attack_auroc"], "s-", color=MEMBER, label="attack AUROC")
    ax.axhline(0.5, color=PALETTE["grey"], linestyle=":", linewidth=1)
    ax.text(depths.max(), 0.49, "AUROC 0.5: a coin", ha="right", va="top", fontsize=11, color=TEXT_GREY)
    if depth is not None:
        ax.axvline(depth, color=PALETTE["black"], linewidth=0.8, linestyle="--")
    ax.set_ylim(-0.02, max(1.0, float(table["attack_auroc"].max()) + 0.05))
    ax.legend(frameon=False, fontsize=11, loc="upper left")
    return fig


def loss_bins(*losses, n: int = 30) -> np.ndarray:
    """``n`` log-spaced bin edges spanning every array in ``losses`` (losses below 1e-6 count as 1e-6)."""
    low = max(min(float(np.min(x)) for x in losses), 1e-6)
    return np.geomspace(low, max(max(float(np.max(x)) for x in losses), low * 10), n)


def plot_loss_histograms(member_losses, nonmember_losses, *, threshold=None, bins=None, ax=None,
                         title="Loss of members and non-members"):
    """Histograms of the per-person loss (log scale, ``bins`` from ``loss_bins``), with the attack's
    threshold."""
    fig, ax = new_axes(title=title, xlabel="loss, −log p(true outcome) (log scale)", ylabel="people", ax=ax)
    member, other = np.asarray(member_losses, float), np.asarray(nonmember_losses, float)
    bins = loss_bins(member, other) if bins is None else bins
    low = bins[0]
    *_, bars = ax.hist([np.maximum(member, low), np.maximum(other, low)], bins=bins,
                       color=[MEMBER, NONMEMBER],  # side by side: no overlap
                       label=[f"members ({len(member)})", f"non-members ({len(other)})"])
    for patch in bars[0]:
        patch.set_hatch(MEMBER_HATCH)  # members hatched, not told by colour alone
    ax.set_xscale("log")
    if threshold is not None:
        ax.axvline(max(threshold, low), color=PALETTE["black"], linestyle="--", linewidth=1,
                   label="threshold: guess 'member' at or left of it", gid="threshold")
    ax.legend(frameon=False, fontsize=11, loc="upper right")
    return fig


def plot_epsilon(summary, *, epsilon=None, baseline=None, axes=None):
    """Test accuracy and attack AUROC against ε (``epsilon_summary``'s mean ± sd); no DP as a line."""
    if axes is None:
        fig, axes = new_figure(ncols=2, figsize=(10, 4))
    fig = axes[0].figure
    finite = summary[np.isfinite(summary.index.to_numpy(dtype=float))]
    plain = summary.loc[math.inf] if math.inf in summary.index else None
    panels = [("test_accuracy", "test accuracy", "Privacy costs accuracy"),
              ("attack_auroc", "attack AUROC", "…and buys protection")]
    for ax, (column, label, title) in zip(axes, panels):
        new_axes(title=title, xlabel="ε (log scale; smaller = more private)", ylabel=label, ax=ax)
        x = finite.index.to_numpy(dtype=float)
        ax.errorbar(x, finite[column], yerr=finite[f"{column}_sd"], fmt="o-", color=PALETTE["green"],
                    capsize=3, label="with differential privacy")
        if plain is not None:
            ax.axhline(plain[column], color=PALETTE["black"], linewidth=1,
                       label=f"no DP: {plain[column]:.3f}")
        ax.set_xscale("log")
        if epsilon is not None and math.isfinite(epsilon):
            ax.axvline(epsilon, color=PALETTE["black"], linestyle="--", linewidth=0.8)
    if baseline is not None:
        axes[0].axhline(baseline, color=PALETTE["grey"], linestyle=":",
                        label=f"'good' for everyone: {baseline:.2f}")
    axes[1].axhline(0.5, color=PALETTE["grey"], linestyle=":", label="a coin: 0.5")
    for ax in axes:
        ax.legend(frameon=False, fontsize=11, loc="lower right")
    fig.tight_layout()
    return fig


def plot_importance(permutation, shap_mean, *, ax=None, title="What drives the credit model"):
    """Permutation importance and mean |SHAP| side by side, one row per input."""
    fig, ax = new_axes(title=title, xlabel="importance (each scaled to its largest = 1)", ylabel="", ax=ax)
    order = list(permutation.sort_values().index)
    y = np.arange(len(order))
    perm = permutation.reindex(order).clip(lower=0)
    shap_abs = shap_mean.reindex(order)
    ax.barh(y + 0.2, perm / perm.max(), height=0.4, color=PALETTE["blue"], label="permutation (AUROC drop)")
    ax.barh(y - 0.2, shap_abs / shap_abs.max(), height=0.4, color=PALETTE["orange"],
            label="mean |SHAP| (log-odds)")
    ax.set_yticks(y, order)
    ax.legend(frameon=False, fontsize=11, loc="lower right")
    return fig


def plot_proxies(proxies, *, ax=None, title="How well the inputs reveal age (under 25)"):
    """Proxy AUROC of each input alone and of all together, with the coin line."""
    fig, ax = new_axes(title=title, xlabel="AUROC for 'under 25' (0.5 = reveals nothing)", ylabel="", ax=ax)
    order = proxies.iloc[::-1]
    colours = [PALETTE["vermillion"] if name.startswith("all") else PALETTE["sky"] for name in order.index]
    ax.barh(np.arange(len(order)), order.to_numpy(), color=colours)
    ax.set_yticks(np.arange(len(order)), list(order.index))
    ax.axvline(0.5, color=PALETTE["grey"], linestyle=":")
    ax.set_xlim(0.4, 1.0)
    return fig


def plot_shap_person(values, base, *, ax=None, title="Why this applicant got this score"):
    """One person's SHAP values as bars from the average log-odds (red = towards 'bad risk')."""
    fig, ax = new_axes(title=title, xlabel="push on the log-odds of 'bad risk'", ylabel="", ax=ax)
    order = values.reindex(values.abs().sort_values().index)
    colours = [PALETTE["vermillion"] if v > 0 else PALETTE["blue"] for v in order]
    ax.barh(np.arange(len(order)), order.to_numpy(), color=colours)
    ax.set_yticks(np.arange(len(order)), [str(i) for i in order.index])
    ax.axvline(0, color=PALETTE["black"], linewidth=0.8)
    ax.text(0.99, 0.02, f"average {base:+.2f}, this person {base + order.sum():+.2f}", transform=ax.transAxes,
            ha="right", fontsize=11)
    return fig


def attribution_html(table, *, targets=None) -> str:
    """A line of prompt tokens per target of ``occlusion``'s table: bright pushed towards it, dark
    away (one scale, symmetric around 0; values in the tooltips)."""
    if targets is None:
        targets = [c for c in table.columns if c not in ("token", "token_id")]
    limit = float(np.nanmax(np.abs(table[targets].to_numpy()))) or 1.0
    probs = table.attrs.get("probs", {})
    lines = []
    for t in targets:
        p = f" (probability {probs[t]:.1%} after the whole prompt)" if t in probs else ""
        lines.append(coloured_tokens_html(table["token"], table[t].to_numpy(), vmin=-limit, vmax=limit,
                                          title=f"towards {t!r}{p}"))
    return "".join(lines)

