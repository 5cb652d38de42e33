"""The many-to-many model, its data, its clipped training loop, and the state-carrying generator."""

import numpy as np
import pytest

from rnncourse import data
from rnncourse.models import generation, sequence_model
from rnncourse.reference.clipping import clip_by_global_norm

pytestmark = pytest.mark.usefixtures("keras_seeded")

TEXT = data.SEED_TEXT


def test_shifted_sequences_are_back_to_back_and_shifted_by_one():
    codes = np.arange(11)
    X, Y = sequence_model.shifted_sequences(codes, 3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    np.testing.assert_array_equal(Y, X + 1)
    X, Y = sequence_model.shifted_sequences(np.arange(10), 3)             # 9 targets: exactly 3 pieces
    assert X.shape == Y.shape == (3, 3) and Y[-1, -1] == 9
    with pytest.raises(ValueError, match="at least seq_length"):
        sequence_model.shifted_sequences(np.arange(3), 3)


@pytest.mark.parametrize("cell", ["SimpleRNN", "GRU", "LSTM"])
def test_the_model_predicts_at_every_step_for_any_length(cell):
    model = sequence_model.build_sequence_model(7, 5, cell=cell)
    assert model.input_shape == (None, None)
    for T in (1, 4, 9):
        probs = model(np.zeros((2, T), dtype=np.int32)).numpy()
        assert probs.shape == (2, T, 7)
        np.testing.assert_allclose(probs.sum(-1), 1, rtol=1e-5)


def _trained_enough(cell, V=17, units=12):
    """A model with random (not trivial) weights: the equivalence must not depend on training."""
    model = sequence_model.build_sequence_model(V, units, cell=cell)
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0, 0.6, w.shape).astype(np.float32) for w in model.get_weights()])
    return model


@pytest.mark.parametrize("cell", ["SimpleRNN", "GRU", "LSTM"])
def test_carrying_the_state_equals_reading_the_whole_prefix(cell):
    """After k characters fed one at a time, the state and the probabilities equal those of the
    Keras model run on the whole prefix at once (return_sequences), for every k."""
    model = _trained_enough(cell)
    codes = np.random.default_rng(2).integers(0, 17, size=40)
    full = model(codes[None].astype(np.int32), training=False).numpy()[0]        # (40, V): Keras, whole prefix
    layer = model.layers[1]
    states = np.asarray(layer(model.layers[0](codes[None].astype(np.int32))))[0]  # (40, H): h_1 .. h_40
    predictor = generation.StatefulPredictor(model)
    for k, code in enumerate(codes):
        probs = predictor.feed(code)
        np.testing.assert_allclose(predictor.h[0], states[k], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(probs, full[k], rtol=1e-4, atol=1e-6)
    assert predictor.steps == len(codes)                                          # one cell step per character


@pytest.mark.parametrize("cell", ["SimpleRNN", "GRU", "LSTM"])
def test_greedy_stateful_text_equals_forwarding_the_whole_prefix_every_time(cell):
    chars, c2i, i2c = data.build_vocab(TEXT)
    model = _trained_enough(cell, V=len(chars))
    out = generation.generate_stateful(model, "This is", 15, c2i, i2c)
    expected = "This is"
    for _ in range(15):                                                           # re-read everything, every time
        probs = model(data.encode(expected, c2i)[None].astype(np.int32), training=False).numpy()[0, -1]
        expected += i2c[int(np.argmax(probs))]
    assert out == expected


def test_sampled_stateful_text_is_reproducible_and_checks_its_arguments():
    chars, c2i, i2c = data.build_vocab(TEXT)
    model = _trained_enough("GRU", V=len(chars))
    a = generation.generate_stateful(model, "Th", 30, c2i, i2c, temperature=1.0, rng=np.random.default_rng(3))
    b = generation.generate_stateful(model, "Th", 30, c2i, i2c, temperature=1.0, rng=np.random.default_rng(3))
    assert a == b and len(a) == 32
    assert generation.generate_stateful(model, "Th", 0, c2i, i2c) == "Th"
    with pytest.raises(ValueError, match="at least one character"):
        generation.generate_stateful(model, "", 5, c2i, i2c)
    with pytest.raises(ValueError, match="'Z' at position 0"):
        generation.generate_stateful(model, "Zis", 5, c2i, i2c)


def test_the_predictor_refuses_what_it_cannot_compute():
    from rnncourse.models import char_model
    relu = char_model.build_char_model(3, 5, units=4)                             # SimpleRNN with relu
    with pytest.raises(ValueError, match="relu"):
        generation.StatefulPredictor(relu)


def test_sequence_log_probs_equal_the_keras_model_on_the_whole_text():
    model = _trained_enough("LSTM")
    codes = np.random.default_rng(4).integers(0, 17, size=30)
    probs = model(codes[None, :-1].astype(np.int32), training=False).numpy()[0]
    expected = np.log(probs[np.arange(29), codes[1:]])
    np.testing.assert_allclose(sequence_model.sequence_log_probs(model, codes), expected, rtol=1e-4, atol=1e-5)


def test_fit_clipped_logs_the_norm_before_clipping_at_every_step():
    from rnncourse.course.setup import quiet_tensorflow
    tf, _ = quiet_tensorflow()
    codes = np.random.default_rng(5).integers(0, 6, size=161)
    X, Y = sequence_model.shifted_sequences(codes, 8)                               # 20 sequences
    ds = sequence_model.sequence_batches(X, Y, batch_size=8)                        # 3 steps per epoch
    model = sequence_model.build_sequence_model(6, 4, cell="SimpleRNN", learning_rate=0.01)
    x, y = next(iter(ds))
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.sparse_categorical_crossentropy(y, model(x, training=True))
        loss = tf.reduce_mean(loss)
    grads = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    log = sequence_model.fit_clipped(model, ds, epochs=2, max_norm=1e-3)
    assert len(log["grad_norm"]) == len(log["loss"]) == 6 and len(log["epoch_loss"]) == 2
    _, norm = clip_by_global_norm(grads, 1e-3)                                      # unit 05's rule, same first step
    assert log["grad_norm"][0] == pytest.approx(norm, rel=1e-4)
    assert log["loss"][0] == pytest.approx(float(loss), rel=1e-5)


def test_fit_clipped_still_learns_when_every_step_is_clipped():
    """A tiny threshold clips every step (each logged norm is above it); clipping keeps the
    direction, so the loss still falls."""
    codes = np.tile(np.arange(5), 40)
    X, Y = sequence_model.shifted_sequences(codes, 10)
    model = sequence_model.build_sequence_model(5, 8, cell="GRU", learning_rate=0.02)
    log = sequence_model.fit_clipped(model, sequence_model.sequence_batches(X, Y, batch_size=4), epochs=4,
                                     max_norm=1e-4)
    assert min(log["grad_norm"]) > 1e-4
    assert log["epoch_loss"][-1] < log["epoch_loss"][0]                              # it still learns


def test_influence_is_zero_beyond_a_window():
    V, C, window = 5, 12, 4
    weights = np.random.default_rng(6).normal(size=(window, V, V))
    def predict_last(contexts):                                                      # a "window model" by hand
        z = sum(weights[i][contexts[:, -window + i]] for i in range(window))
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    contexts = np.random.default_rng(7).integers(0, V, size=(50, C))
    moved = sequence_model.influence_of_distance(predict_last, contexts, [1, 4, 5, 12], replacement=0)
    assert moved[0] > 0 and moved[1] > 0
    assert moved[2] == moved[3] == 0


def test_the_new_plots_draw_what_they_are_given():
    from rnncourse.draw import plots
    ax = plots.plot_grad_norms({"a": [0.5, 2.0, 0.7], "b": [0.1, 0.2, 0.3]}, max_norm=1.0)
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), [0.5, 2.0, 0.7])
    assert lines[-1].get_ydata()[0] == 1.0 and ax.get_yscale() == "log"
    ax = plots.plot_influence([1, 8, 17], {"window": [0.4, 0.1, 0.0]}, window=16)
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [1, 8, 17])
    assert ax.get_lines()[1].get_xdata()[0] == 16.5                               # the window's end, dotted
