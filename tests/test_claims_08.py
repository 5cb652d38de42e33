"""The quantitative claims of unit 08_char_model that the package can check in seconds.

Each test rebuilds what the notebook computes, with the same package calls and the same
settings, and asserts the claim its prose makes: inequalities and outcomes, never the printed
numbers themselves and never a wall-clock time. The claims about the corpus models of section 6
are checked on the notebook's own run: tests/notebook_claims/08_char_model.py.
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


def test_two_epochs_make_fewer_than_600_steps(corpus):
    X, y = data.make_sequences(corpus["train_text"], CORPUS_SEQ_LENGTH, corpus["c2i"])
    train_ds = models.one_hot_batches(X, y, corpus["V"], batch_size=128, shuffle=True, seed=0)
    steps = int(train_ds.cardinality())
    assert steps == -(-len(X) // 128) and 2 * steps < 600


@pytest.mark.usefixtures("keras_seeded")
def test_carrying_the_state_takes_one_cell_step_per_character_and_never_calls_keras(corpus, monkeypatch):
    """Cell 88: stateful generation is one numpy step per character (the window model runs 16 per
    character, and model.predict a whole Keras prediction loop): no Keras call at all. Section 6's
    GRU, as built; training changes its weights, not the way it generates."""
    from rnncourse.models import generation
    m = models.build_sequence_model(corpus["V"], 64, cell="GRU", learning_rate=0.02, max_norm=1.0)
    steps = []
    original = generation.StatefulPredictor.feed
    monkeypatch.setattr(generation.StatefulPredictor, "feed",
                        lambda self, codes: steps.append(1) or original(self, codes))
    monkeypatch.setattr(m, "predict", lambda *a, **k: pytest.fail("model.predict called"))
    monkeypatch.setattr(m, "call", lambda *a, **k: pytest.fail("the Keras model called"))
    prompt = "Return a new list containing the "
    c2i = corpus["c2i"]
    i2c = {i: c for c, i in c2i.items()}
    text = models.generate_stateful(m, prompt, 300, c2i, i2c)
    assert len(text) == len(prompt) + 300
    assert len(steps) == len(prompt) + 300 - 1                                  # one step per character read
