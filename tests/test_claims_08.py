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


SEQUENCE_LENGTH, UNITS, EPOCHS, MAX_NORM = 32, 64, 10, 1.0                # section 6, many-to-many models
CELLS = ("SimpleRNN", "GRU", "LSTM")


@pytest.fixture(scope="module")
def trained(corpus):
    """Section 6's four corpus models, trained as the notebook trains them (one set-up for all claims)."""
    from rnncourse.course.setup import quiet_tensorflow, seed_everything
    seed_everything(0)
    _, keras = quiet_tensorflow()
    V, c2i = corpus["V"], corpus["c2i"]
    X_train, y_train = data.make_sequences(corpus["train_text"], CORPUS_SEQ_LENGTH, c2i)
    X_val, y_val = data.make_sequences(corpus["val_text"], CORPUS_SEQ_LENGTH, c2i)
    train_ds = models.one_hot_batches(X_train, y_train, V, batch_size=128, shuffle=True, seed=0)
    val_ds = models.one_hot_batches(X_val, y_val, V, batch_size=1024)
    keras.utils.set_random_seed(0)
    window = models.build_char_model(CORPUS_SEQ_LENGTH, V, units=48, learning_rate=0.005)
    window.fit(train_ds, epochs=3, verbose=0)
    X_seq, Y_seq = models.shifted_sequences(data.encode(corpus["train_text"], c2i), SEQUENCE_LENGTH)
    seq_ds = models.sequence_batches(X_seq, Y_seq, batch_size=64, shuffle=True, seed=0)
    seq, logs = {}, {}
    for cell in CELLS:
        keras.utils.set_random_seed(0)
        seq[cell] = models.build_sequence_model(V, UNITS, cell=cell, learning_rate=0.02, max_norm=MAX_NORM)
        logs[cell] = models.fit_clipped(seq[cell], seq_ds, EPOCHS, max_norm=MAX_NORM)
    val_codes = data.encode(corpus["val_text"], c2i)
    ppl = {"window": models.perplexity(window, val_ds)}
    for cell, m in seq.items():
        log_p = models.sequence_log_probs(m, val_codes)
        ppl[cell] = float(np.exp(-log_p[CORPUS_SEQ_LENGTH - 1:].mean()))       # the same targets as y_val
    counts = np.bincount(data.encode(corpus["train_text"], c2i), minlength=V)
    unigram = (counts + 1) / (counts.sum() + V)
    ppl["unigram"] = float(np.exp(-np.mean(np.log(unigram[y_val]))))
    return {"window": window, "seq": seq, "logs": logs, "ppl": ppl, "val_codes": val_codes,
            "cell_steps": {"window": 3 * X_train.size, "seq": EPOCHS * Y_seq.size}}


def test_training_on_every_step_beats_the_window_model_with_fewer_cell_steps(trained):
    """Cell 88/91: the gated many-to-many models below the window model, the SimpleRNN about equal,
    all far below the unigram baseline, after fewer steps of the cell in training."""
    ppl = trained["ppl"]
    assert ppl["GRU"] < ppl["window"] and ppl["LSTM"] < ppl["window"]
    assert abs(ppl["SimpleRNN"] / ppl["window"] - 1) < 0.05
    assert max(ppl["GRU"], ppl["LSTM"]) < ppl["SimpleRNN"]
    assert max(ppl[k] for k in ("window", *CELLS)) < ppl["unigram"] / 2
    assert trained["cell_steps"]["seq"] < trained["cell_steps"]["window"] / 4


def test_clipping_acts_most_on_the_simple_rnn(trained):
    """Cells 85-87: norms logged at every step; the SimpleRNN's go over the threshold most often,
    highest, and in both halves of training; the gated cells' medians are less than half its median."""
    logs = trained["logs"]
    clipped = {cell: int(np.sum(np.array(logs[cell]["grad_norm"]) > MAX_NORM)) for cell in CELLS}
    assert all(len(logs[cell]["grad_norm"]) == len(logs[cell]["loss"]) for cell in CELLS)
    assert clipped["SimpleRNN"] >= 5 and clipped["SimpleRNN"] > 4 * max(clipped["GRU"], clipped["LSTM"])
    assert max(logs["SimpleRNN"]["grad_norm"]) > max(max(logs["GRU"]["grad_norm"]), max(logs["LSTM"]["grad_norm"]))
    simple = np.array(logs["SimpleRNN"]["grad_norm"])
    assert np.any(simple[len(simple) // 2:] > MAX_NORM)                          # "all through training"
    for cell in ("GRU", "LSTM"):                                                 # the gated cells' are smoother
        assert np.median(logs[cell]["grad_norm"]) < 0.5 * np.median(simple), cell


def test_a_window_cannot_remember_past_its_end_and_a_state_can(trained, corpus):
    """Cell 90: changing one character d steps back moves the window model's prediction for d <= 16
    and never beyond; it moves every state-carrying model's prediction at d = 17 and 24 too, far less
    than at d = 1, and the GRU's by more than 0.001 at d = 24."""
    val_codes, c2i, V = trained["val_codes"], corpus["c2i"], corpus["V"]
    rng = np.random.default_rng(0)
    places = rng.choice(np.arange(48, len(val_codes)), size=128, replace=False)
    contexts = np.stack([val_codes[p - 48:p] for p in places])
    distances = [1, 16, 17, 24, 48]
    eye = np.eye(V, dtype=np.float32)
    window = trained["window"]
    moved = models.influence_of_distance(
        lambda c: window(eye[c[:, -CORPUS_SEQ_LENGTH:]], training=False).numpy(), contexts, distances, c2i["x"])
    assert moved[0] > 0.1 and moved[1] > 0 and moved[2] == moved[3] == moved[4] == 0
    for cell, m in trained["seq"].items():
        moved = models.influence_of_distance(lambda c, m=m: m(c, training=False).numpy()[:, -1], contexts,
                                             distances, c2i["x"])
        assert moved[2] > 1e-3 and moved[3] > 0 and moved[0] > 10 * moved[2], cell
        if cell == "GRU":
            assert moved[3] > 1e-3                                               # the GRU's reaches furthest


def test_carrying_the_state_takes_one_cell_step_per_character_and_never_calls_keras(trained, corpus, monkeypatch):
    """Cell 88: stateful generation is one numpy step per character (the window model runs 16 per
    character, and model.predict a whole Keras prediction loop): no Keras call at all."""
    from rnncourse.models import generation
    m = trained["seq"]["GRU"]
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
