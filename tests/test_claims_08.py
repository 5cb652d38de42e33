"""The quantitative claims of unit 08_char_model that the package can check in seconds.

Each test rebuilds what the notebook computes, with the same package calls and the same
settings, and asserts the claim its prose makes: inequalities and outcomes, never the printed
numbers themselves and never a wall-clock time.
"""

import re

import numpy as np
import pytest

from rnncourse import data, draw, models

CORPUS_SEQ_LENGTH = 16                                                # section 6 of the notebook


@pytest.fixture(scope="module")
def corpus():
    text = data.load_corpus("stdlib")
    train_text, val_text = data.split_text(text, val_fraction=0.1)
    chars, c2i, _ = data.build_vocab(train_text)
    return {"text": text, "train_text": train_text, "val_text": val_text, "V": len(chars), "c2i": c2i}


@pytest.mark.parametrize("ceiling, n_samples", [(46, 48), (45, 45)])
def test_the_count_curve_is_drawn_on_top_of_the_ceiling(ceiling, n_samples):
    """Cells 31 and 50: the count curve stays visible where it reaches the ceiling."""
    counts = np.r_[np.arange(4, ceiling), np.full(30, ceiling)]
    ax = draw.plot_correct_counts(counts, n_samples, ceiling=ceiling)
    curve, *horizontal = ax.get_lines()
    np.testing.assert_array_equal(curve.get_ydata(), counts)
    at_ceiling = [line for line in horizontal if line.get_ydata()[0] == ceiling]
    assert len(at_ceiling) == 1                                          # one line there, not two on top of each other
    band = at_ceiling[0]
    assert curve.get_zorder() > max(line.get_zorder() for line in horizontal)
    assert band.get_linewidth() > 2 * curve.get_linewidth() and band.get_alpha() < 1   # wide and pale: seen around it
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(f"ceiling {ceiling}/{n_samples}" in label for label in labels)


def test_the_corpus_has_runs_of_one_character_longer_than_the_window(corpus):
    """Section 6: indentation and lines of '=' signs are runs that a 16-character window cannot measure."""
    for char in (" ", "="):
        longest = max(len(run) for run in re.findall(re.escape(char) + "+", corpus["text"]))
        assert longest > CORPUS_SEQ_LENGTH, char


def test_three_epochs_make_fewer_than_a_thousand_steps(corpus):
    X, y = data.make_sequences(corpus["train_text"], CORPUS_SEQ_LENGTH, corpus["c2i"])
    train_ds = models.one_hot_batches(X, y, corpus["V"], batch_size=128, shuffle=True, seed=0)
    steps = int(train_ds.cardinality())
    assert steps == -(-len(X) // 128) and 3 * steps < 1000


@pytest.mark.usefixtures("keras_seeded")
def test_the_gru_beats_the_simple_rnn_and_both_beat_the_unigram_after_one_epoch(corpus):
    """Section 6: 3 epochs, 48 units, learning rate 0.005, 16-character windows, the same seed."""
    from rnncourse.course.setup import quiet_tensorflow
    _, keras = quiet_tensorflow()
    V, c2i = corpus["V"], corpus["c2i"]
    X_train, y_train = data.make_sequences(corpus["train_text"], CORPUS_SEQ_LENGTH, c2i)
    X_val, y_val = data.make_sequences(corpus["val_text"], CORPUS_SEQ_LENGTH, c2i)
    train_ds = models.one_hot_batches(X_train, y_train, V, batch_size=128, shuffle=True, seed=0)
    val_ds = models.one_hot_batches(X_val, y_val, V, batch_size=1024)
    counts = np.bincount(data.encode(corpus["train_text"], c2i), minlength=V)
    unigram = (counts + 1) / (counts.sum() + V)
    unigram_loss = -np.mean(np.log(unigram[y_val]))

    histories, sizes = {}, {}
    for cell in ("SimpleRNN", "GRU"):
        keras.utils.set_random_seed(0)
        model = models.build_char_model(CORPUS_SEQ_LENGTH, V, units=48, cell=cell, learning_rate=0.005)
        histories[cell] = model.fit(train_ds, epochs=3, validation_data=val_ds, verbose=0).history["val_loss"]
        sizes[cell] = model.layers[0].count_params()
    assert histories["GRU"][-1] < histories["SimpleRNN"][-1]
    assert max(histories["GRU"][0], histories["SimpleRNN"][0]) < unigram_loss - 0.5   # a wide margin after one
    assert sizes["GRU"] / sizes["SimpleRNN"] == pytest.approx(3, rel=0.05)             # three times the weights
