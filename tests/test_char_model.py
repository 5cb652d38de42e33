import numpy as np
import pytest

from rnncourse import data
from rnncourse.models import char_model

pytestmark = pytest.mark.usefixtures("keras_seeded")


def test_seed_model_layers_and_parameters():
    model = char_model.build_char_model(3, 17)
    assert [type(layer).__name__ for layer in model.layers] == ["SimpleRNN", "Dense"]
    assert model.layers[0].activation.__name__ == "relu"
    # SimpleRNN: Wx (17, 50) + Wh (50, 50) + b (50,); Dense: (50, 17) + (17,)
    assert model.count_params() == 17 * 50 + 50 * 50 + 50 + 50 * 17 + 17
    assert model.output_shape == (None, 17)
    assert model.loss == "categorical_crossentropy"


@pytest.mark.parametrize("cell, per_unit_blocks", [("GRU", 3), ("LSTM", 4)])
def test_gated_cells(cell, per_unit_blocks):
    model = char_model.build_char_model(5, 11, units=8, cell=cell)
    assert type(model.layers[0]).__name__ == cell
    recurrent = model.layers[0].count_params()
    bias = 2 * 3 * 8 if cell == "GRU" else 4 * 8  # Keras GRU (reset_after=True) has two biases
    assert recurrent == per_unit_blocks * (11 * 8 + 8 * 8) + bias


def test_bad_model_arguments():
    with pytest.raises(ValueError, match="cell must be one of"):
        char_model.build_char_model(3, 17, cell="RNN")
    with pytest.raises(ValueError, match="positive"):
        char_model.build_char_model(0, 17)


def test_predictor_equals_calling_the_model():
    model = char_model.build_char_model(4, 9, units=12)
    predict = char_model.make_predictor(model)
    window = np.array([3, 0, 8, 1])
    expected = model(data.one_hot(window[None], 9), training=False).numpy()[0]
    np.testing.assert_allclose(predict(window), expected, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        predict(np.array([1, 2]))


def test_one_hot_batches_and_perplexity():
    X = np.array([[0, 1], [1, 2], [2, 0]])
    y = np.array([2, 0, 1])
    batches = list(char_model.one_hot_batches(X, y, 3, batch_size=2))
    assert [b[0].shape for b in batches] == [(2, 2, 3), (1, 2, 3)]
    np.testing.assert_array_equal(batches[0][1].numpy(), data.one_hot(y[:2], 3))
    model = char_model.build_char_model(2, 3, units=4)
    probs = model(data.one_hot(X, 3)).numpy()
    expected = np.exp(-np.mean(np.log(probs[np.arange(3), y])))  # exp of the mean cross-entropy
    assert char_model.perplexity(model, char_model.one_hot_batches(X, y, 3)) == pytest.approx(expected, rel=1e-5)


def test_epoch_batches_are_passes_in_fresh_orders_like_model_fit():
    X = np.arange(10).reshape(5, 2) % 7           # (5, 2): five distinct windows
    y = np.arange(5)
    dataset, steps = char_model.epoch_batches(X, y, 7, batch_size=2, seed=0)
    assert steps == 3
    batches = [(a.numpy().argmax(-1), b.numpy().argmax(-1)) for a, b in dataset.take(4 * steps)]
    assert [len(b[1]) for b in batches] == [2, 2, 1] * 4          # each pass cut as model.fit cuts arrays
    passes = [np.concatenate([b[1] for b in batches[i:i + steps]]) for i in range(0, 4 * steps, steps)]
    for order in passes:
        assert sorted(order) == list(range(5))                      # every window once per pass
    assert len({tuple(order) for order in passes}) > 1             # reshuffled between passes
    for windows, targets in batches:
        np.testing.assert_array_equal(windows, X[targets])          # inputs stay with their targets
    again, _ = char_model.epoch_batches(X, y, 7, batch_size=2, seed=0)
    assert [b.numpy().argmax(-1).tolist() for _, b in again.take(4 * steps)] == [b[1].tolist() for b in batches]


def test_learning_rate_is_an_argument():
    model = char_model.build_char_model(3, 5, units=4, learning_rate=0.005)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.005)
    assert float(char_model.build_char_model(3, 5, units=4).optimizer.learning_rate) == pytest.approx(0.001)
