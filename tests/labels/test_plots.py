

def test_the_detection_chart_names_cleanlabs_methods_in_words():
    from rseai.labels import plots as label_plots
    from rseai.labels.cleaning import FILTER_METHODS

    score = {"precision": 0.9, "recall": 0.8}
    fig = label_plots.plot_detection({m: score for m in FILTER_METHODS[:5]})
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert not [t for t in ticks if "_" in t], ticks  # no code names under the bars
    assert ticks[0] == "cleanlab's default"
