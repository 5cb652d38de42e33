"""The plotting helpers draw the data they are given, with the labels they promise."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnncourse.draw import plots


def test_char_label_makes_invisible_characters_visible():
    assert plots.char_label(" ") == "\u2423"
    assert plots.char_label("\n") == "\\n"
    assert plots.char_label("a") == "a"


def test_plot_history_draws_each_key_against_epochs_from_one():
    history = {"loss": [3.0, 2.0, 1.5], "val_loss": [3.1, 2.5, 2.2]}
    ax = plots.plot_history(history, keys=["loss", "val_loss"], labels=["train", "validation"])
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(lines[1].get_ydata(), [3.1, 2.5, 2.2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    assert ax.get_xlabel() == "epoch"


def test_plot_history_accepts_a_keras_like_history_and_a_transform():
    class FakeHistory:
        history = {"val_loss": [np.log(10.0), np.log(5.0)]}

    _, ax = plt.subplots()
    returned = plots.plot_history(FakeHistory(), keys=["val_loss"], ax=ax, transform=np.exp,
                                  ylabel="perplexity")
    assert returned is ax
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [10.0, 5.0])
    assert ax.get_ylabel() == "perplexity"


def test_plot_history_names_a_missing_key():
    with pytest.raises(KeyError, match="accuracy"):
        plots.plot_history({"loss": [1.0]}, keys=["accuracy"])


def test_plot_correct_counts_draws_counts_ceiling_and_mark():
    counts = [10, 30, 45, 46]
    ax = plots.plot_correct_counts(counts, 48, ceiling=46, mark_epoch=3)
    step = ax.get_lines()[0]
    np.testing.assert_array_equal(step.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(step.get_ydata(), counts)
    horizontal = sorted(line.get_ydata()[0] for line in ax.get_lines()[1:3])
    assert horizontal == [46, 48]
    assert any("epoch 3: 45/48" in t.get_text() for t in ax.texts)
    assert ax.get_ylim()[1] >= 48


def test_plot_ceiling_plots_values_and_marks_the_chosen_length():
    lengths = [1, 2, 3]
    ceilings = [0.5, 0.8, 46 / 48]
    ax = plots.plot_ceiling(lengths, ceilings, mark=3)
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), lengths)
    np.testing.assert_allclose(line.get_ydata(), ceilings)
    assert any("0.9583" in t.get_text() for t in ax.texts)
    assert list(ax.get_xticks()) == lengths


def test_plot_distributions_orders_bars_by_the_first_distribution():
    chars = ["a", "b", " "]
    dists = {"T = 1": [0.2, 0.1, 0.7], "T = 2": [0.3, 0.2, 0.5]}
    ax = plots.plot_distributions(dists, chars, top=2)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [0.7, 0.2, 0.5, 0.3])  # first series, then the second
    assert [t.get_text() for t in ax.get_xticklabels()] == ["\u2423", "a"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["T = 1", "T = 2"]


def test_plot_distributions_rejects_a_length_mismatch():
    with pytest.raises(ValueError, match="3 entries"):
        plots.plot_distributions({"p": [0.2, 0.3, 0.5]}, ["a", "b"])
