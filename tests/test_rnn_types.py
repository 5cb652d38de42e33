"""The five reference builders: shapes, layers, parameter counts, and the numpy RNN with copied weights."""

import numpy as np
import pytest

from rnncourse.models import rnn_types
from rnncourse.reference import rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

D, H, V, S = 3, 5, 2, 4


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def build(kind, *args, output_steps=S):
    builder = getattr(rnn_types, f"build_{kind}")
    return builder(*args, output_steps) if kind in ("one_to_many", "encoder_decoder") else builder(*args)


def _out(model, x):
    return np.asarray(model(x, training=False))


def _rnn_weights(layer):
    Wx, Wh, b = (w.astype(np.float64) for w in layer.get_weights())
    return Wx, Wh, b


def _dense_weights(layer):
    Wy, by = (w.astype(np.float64) for w in layer.get_weights())
    return Wy, by


@pytest.mark.parametrize("kind, sequence_in, expected", [
    ("one_to_one", False, lambda N, T: (N, V)),
    ("one_to_many", False, lambda N, T: (N, S, V)),
    ("many_to_one", True, lambda N, T: (N, V)),
    ("many_to_many", True, lambda N, T: (N, T, V)),
    ("encoder_decoder", True, lambda N, T: (N, S, V)),
])
def test_output_shapes_with_t_free(kind, sequence_in, expected):
    model = build(kind, D, H, V, output_steps=S)
    assert not model.compiled
    assert model.input_shape == ((None, None, D) if sequence_in else (None, D))
    for N, T in [(2, 1), (3, 3), (1, 7)]:
        x = _x(N, T, D) if sequence_in else _x(N, D)
        assert _out(model, x).shape == expected(N, T)


@pytest.mark.parametrize("kind, layers", [
    ("one_to_one", ["Dense", "Dense"]),
    ("one_to_many", ["RepeatVector", "SimpleRNN", "Dense"]),
    ("many_to_one", ["SimpleRNN", "Dense"]),
    ("many_to_many", ["SimpleRNN", "Dense"]),
    ("encoder_decoder", ["SimpleRNN", "RepeatVector", "SimpleRNN", "Dense"]),
])
def test_layers_and_parameter_counts(kind, layers):
    model = build(kind, D, H, V, output_steps=S)
    assert [type(layer).__name__ for layer in model.layers] == layers
    assert model.layers[-1].activation.__name__ == "linear"
    assert model.count_params() == rnn_types.count_parameters(kind, D, H, V)


def test_parameter_counts_by_hand():
    # D = 3, H = 5, V = 2: Wx 15, Wh 25, b 5, Wy 10, by 2
    assert rnn_types.count_parameters("one_to_one", 3, 5, 2) == 15 + 5 + 10 + 2
    for kind in ("one_to_many", "many_to_one", "many_to_many"):
        assert rnn_types.count_parameters(kind, 3, 5, 2) == 15 + 25 + 5 + 10 + 2 == rnn.count_rnn_parameters(3, 5, 2)
    # the decoder reads the context (H features): Wx' (5, 5), Wh' (5, 5), b' (5,)
    assert rnn_types.count_parameters("encoder_decoder", 3, 5, 2) == 15 + 25 + 5 + 25 + 25 + 5 + 10 + 2


def test_one_to_one_is_one_rnn_step_from_zero():
    model = rnn_types.build_one_to_one(D, H, V)
    hidden, output = model.layers
    Wx, b = (w.astype(np.float64) for w in hidden.get_weights())
    Wy, by = _dense_weights(output)
    x = _x(4, D)
    step, _ = rnn.rnn_step_forward(x.astype(np.float64), np.zeros((4, H)), Wx, _x(H, H, seed=9), b)
    np.testing.assert_allclose(_out(model, x), step @ Wy + by, rtol=1e-5, atol=1e-5)


def test_many_to_one_and_many_to_many_equal_the_numpy_rnn():
    x = _x(3, 6, D)
    h0 = np.zeros((3, H))
    for kind in ("many_to_one", "many_to_many"):
        model = build(kind, D, H, V)
        h, _ = rnn.rnn_forward(x.astype(np.float64), h0, *_rnn_weights(model.layers[0]))
        Wy, by = _dense_weights(model.layers[1])
        expected = h[:, -1] @ Wy + by if kind == "many_to_one" else h @ Wy + by   # Wy at every step
        np.testing.assert_allclose(_out(model, x), expected, rtol=1e-5, atol=1e-5)


def test_one_to_many_reads_the_same_x_at_every_step():
    model = rnn_types.build_one_to_many(D, H, V, S)
    x = _x(2, D)
    repeated = np.repeat(x[:, None, :], S, axis=1).astype(np.float64)     # (N, S, D)
    h, _ = rnn.rnn_forward(repeated, np.zeros((2, H)), *_rnn_weights(model.layers[1]))
    Wy, by = _dense_weights(model.layers[2])
    np.testing.assert_allclose(_out(model, x), h @ Wy + by, rtol=1e-5, atol=1e-5)


def test_encoder_decoder_decodes_the_last_encoder_state():
    model = rnn_types.build_encoder_decoder(D, H, V, S)
    encoder, _, decoder, output = model.layers
    x = _x(2, 5, D)
    h, _ = rnn.rnn_forward(x.astype(np.float64), np.zeros((2, H)), *_rnn_weights(encoder))
    context = np.repeat(h[:, -1][:, None, :], S, axis=1)                 # (N, S, H): c = h_T at every step
    s, _ = rnn.rnn_forward(context, np.zeros((2, H)), *_rnn_weights(decoder))
    Wy, by = _dense_weights(output)
    np.testing.assert_allclose(_out(model, x), s @ Wy + by, rtol=1e-5, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="units must be a positive integer"):
        rnn_types.build_many_to_one(3, 0, 2)
    with pytest.raises(ValueError, match="output_steps"):
        rnn_types.build_encoder_decoder(3, 4, 2, 2.5)
    with pytest.raises(ValueError, match="kind must be one of"):
        rnn_types.count_parameters("two_to_two", 3, 4, 2)
