"""rnncourse.models.convert: numpy weights into Keras and back, and numpy forward == Keras forward."""

import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.models import convert
from rnncourse.reference import gru, lstm, rnn

_, keras = quiet_tensorflow()


def params(D=3, H=4, V=5, seed=0):
    return rnn.random_rnn_params(D, H, V, seed=seed, dtype=np.float32)


def test_round_trip_is_exact():
    p = params()
    back = convert.simple_rnn_weights(convert.keras_simple_rnn(**p))
    assert sorted(back) == sorted(p)
    for name in p:
        assert back[name].dtype == np.float32
        np.testing.assert_array_equal(back[name], p[name])


def test_round_trip_without_output_layer():
    p = params()
    model = convert.keras_simple_rnn(p["Wx"], p["Wh"], p["b"])
    back = convert.simple_rnn_weights(model)
    assert sorted(back) == ["Wh", "Wx", "b"]
    for name in back:
        np.testing.assert_array_equal(back[name], p[name])


def test_model_layout():
    model = convert.keras_simple_rnn(**params(D=3, H=4, V=5))
    assert [type(layer).__name__ for layer in model.layers] == ["SimpleRNN", "Dense"]
    assert model.input_shape == (None, None, 3)
    assert model.output_shape == (None, None, 5)
    assert model.layers[0].activation.__name__ == "tanh"
    assert model.layers[1].activation.__name__ == "softmax"
    assert model.count_params() == rnn.count_rnn_parameters(3, 4, 5)


@pytest.mark.parametrize("N, T, D, H, V", [(1, 1, 1, 1, 2), (4, 1, 3, 5, 2), (2, 7, 3, 4, 5), (3, 40, 6, 8, 11)])
def test_numpy_forward_equals_keras_model(N, T, D, H, V):
    p = params(D, H, V, seed=N + T)
    x = np.random.default_rng(T).standard_normal((N, T, D)).astype(np.float32)
    keras_probs = convert.keras_simple_rnn(**p)(x).numpy()
    numpy_probs = rnn.rnn_output_forward(x, np.zeros((N, H), np.float32), **p)
    assert keras_probs.shape == (N, T, V)
    np.testing.assert_allclose(numpy_probs, keras_probs, rtol=1e-5, atol=1e-6)


def test_keras_weights_read_into_numpy_give_the_keras_output():
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((None, 4)), keras.layers.SimpleRNN(6, return_sequences=True),
                              keras.layers.Dense(3, activation="softmax")])
    model.layers[0].set_weights([w + 0.1 for w in model.layers[0].get_weights()])  # a non-zero bias too
    x = np.random.default_rng(2).standard_normal((5, 9, 4)).astype(np.float32)
    mine = rnn.rnn_output_forward(x, np.zeros((5, 6), np.float32), **convert.simple_rnn_weights(model))
    np.testing.assert_allclose(mine, model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_last_step_only_and_relu():
    p = params(D=2, H=3, V=4)
    x = np.random.default_rng(3).standard_normal((2, 6, 2)).astype(np.float32)
    model = convert.keras_simple_rnn(**p, return_sequences=False)
    assert model.output_shape == (None, 4)
    full = rnn.rnn_output_forward(x, np.zeros((2, 3), np.float32), **p)
    np.testing.assert_allclose(model(x).numpy(), full[:, -1], rtol=1e-5, atol=1e-6)

    relu_model = convert.keras_simple_rnn(p["Wx"], p["Wh"], p["b"], activation="relu")
    h = np.zeros((2, 3))
    for t in range(6):
        h = np.maximum(x[:, t] @ p["Wx"] + h @ p["Wh"] + p["b"], 0)
    np.testing.assert_allclose(relu_model(x).numpy()[:, -1], h, rtol=1e-5, atol=1e-6)


def test_float64_weights_are_stored_as_float32():
    p = rnn.random_rnn_params(3, 4, 5, seed=4)  # float64
    back = convert.simple_rnn_weights(convert.keras_simple_rnn(**p))
    for name in p:
        np.testing.assert_array_equal(back[name], p[name].astype(np.float32))


def test_layers_without_bias_read_as_zero_bias():
    model = keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(3, use_bias=False),
                              keras.layers.Dense(4, use_bias=False)])
    weights = convert.simple_rnn_weights(model)
    np.testing.assert_array_equal(weights["b"], np.zeros(3))
    np.testing.assert_array_equal(weights["by"], np.zeros(4))


@pytest.mark.parametrize("change, words", [
    (dict(Wx=np.zeros(3)), ["Wx", "(D, H)"]),
    (dict(Wh=np.zeros((3, 4))), ["Wh", "(3, 4)", "expected (4, 4)", "H = 4"]),
    (dict(b=np.zeros(5)), ["b", "expected (4,)"]),
    (dict(Wy=np.zeros((5, 5))), ["Wy", "(H, V)", "H = 4"]),
    (dict(by=np.zeros(4)), ["by", "expected (5,)", "V = 5"]),
    (dict(by=None), ["both Wy and by"]),
    (dict(Wy=None), ["both Wy and by"]),
])
def test_shape_errors_say_what_was_expected(change, words):
    p = {**params(D=3, H=4, V=5), **change}
    with pytest.raises(ValueError) as err:
        convert.keras_simple_rnn(**p)
    for word in words:
        assert word in str(err.value)


def test_models_without_one_simple_rnn_are_refused():
    dense_only = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no SimpleRNN layer"):
        convert.simple_rnn_weights(dense_only)

    two = keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(3, return_sequences=True),
                            keras.layers.SimpleRNN(3)])
    with pytest.raises(ValueError, match="2 SimpleRNN layers"):
        convert.simple_rnn_weights(two)

    with pytest.raises(ValueError, match="keras.Model"):
        convert.simple_rnn_weights({"Wx": np.zeros((2, 2))})


def test_a_dense_layer_of_the_wrong_width_is_refused():
    model = keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(3),
                              keras.layers.Dense(5), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="2 Dense layers"):
        convert.simple_rnn_weights(model)

    inputs = keras.Input((None, 2))
    rnn_out = keras.layers.SimpleRNN(3)(inputs)
    wide = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Concatenate()([rnn_out, rnn_out])))
    with pytest.raises(ValueError, match=r"expected \(H, V\) with H = 3"):
        convert.simple_rnn_weights(wide)


# --- gated cells ----------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("keras_seeded")


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_gated_round_trip_is_exact(kind):
    module, build, read = {"lstm": (lstm, convert.keras_lstm, convert.lstm_weights),
                           "gru": (gru, convert.keras_gru, convert.gru_weights)}[kind]
    p = getattr(module, f"random_{kind}_params")(3, 4, seed=1, dtype=np.float32)
    Wy, by = params(D=4, H=4, V=5)["Wy"], np.arange(5, dtype=np.float32)
    back = read(build(**p, Wy=Wy, by=by))
    assert sorted(back) == ["Wh", "Wx", "Wy", "b", "by"]
    for name, value in dict(p, Wy=Wy, by=by).items():
        assert back[name].dtype == np.float32
        np.testing.assert_array_equal(back[name], value)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_gated_model_with_output_layer_equals_numpy(kind):
    module, build = {"lstm": (lstm, convert.keras_lstm), "gru": (gru, convert.keras_gru)}[kind]
    N, T, D, H, V = 2, 5, 3, 4, 6
    p = getattr(module, f"random_{kind}_params")(D, H, seed=2, dtype=np.float32)
    out = rnn.random_rnn_params(D, H, V, seed=3, dtype=np.float32)
    x = np.random.default_rng(4).standard_normal((N, T, D)).astype(np.float32)
    model = build(**p, Wy=out["Wy"], by=out["by"])
    assert model.output_shape == (None, None, V)
    h, _ = getattr(module, f"{kind}_forward")(x, np.zeros((N, H), np.float32), **p)
    np.testing.assert_allclose(model(x).numpy(), rnn.softmax(h @ out["Wy"] + out["by"]), rtol=1e-5, atol=1e-6)
    last = build(**p, return_sequences=False)
    assert last.output_shape == (None, H)
    np.testing.assert_allclose(last(x).numpy(), h[:, -1], rtol=1e-5, atol=1e-6)


def test_keras_lstm_weights_read_into_numpy_give_the_keras_output():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((None, 4)), keras.layers.LSTM(6, return_sequences=True)])
    x = np.random.default_rng(2).standard_normal((5, 9, 4)).astype(np.float32)
    mine, _ = lstm.lstm_forward(x, np.zeros((5, 6), np.float32), **convert.lstm_weights(model))
    np.testing.assert_allclose(mine, model(x).numpy(), rtol=1e-5, atol=1e-6)
    b = convert.lstm_weights(model)["b"]
    np.testing.assert_array_equal(b[6:12], 1.0)     # Keras's unit_forget_bias: the f block starts at 1


def test_gated_weights_without_bias_are_zeros():
    for layer, shape in [(keras.layers.LSTM(3, use_bias=False), (12,)), (keras.layers.GRU(3, use_bias=False), (2, 9))]:
        model = keras.Sequential([keras.Input((None, 2)), layer])
        weights = (convert.lstm_weights if isinstance(layer, keras.layers.LSTM) else convert.gru_weights)(model)
        assert weights["b"].shape == shape and not weights["b"].any()


def test_gru_weights_refuse_reset_before():
    model = keras.Sequential([keras.Input((None, 2)), keras.layers.GRU(3, reset_after=False)])
    with pytest.raises(ValueError, match="reset_after=False"):
        convert.gru_weights(model)


@pytest.mark.parametrize("build, args, message", [
    (convert.keras_lstm, ((3, 10), (2, 8), (8,)), r"Wx has shape \(3, 10\); expected \(D, 4H\)"),
    (convert.keras_lstm, ((3, 8), (2, 6), (8,)), r"Wh has shape \(2, 6\); expected \(2, 8\)"),
    (convert.keras_lstm, ((3, 8), (2, 8), (6,)), r"b has shape \(6,\); expected \(8,\)"),
    (convert.keras_gru, ((3, 6), (2, 6), (6,)), r"b has shape \(6,\); expected \(2, 6\).*row 0 the input bias"),
    (convert.keras_gru, ((3, 6), (2, 6), (6, 2)), r"expected \(2, 6\)"),
])
def test_gated_shape_errors_say_what_was_expected(build, args, message):
    with pytest.raises(ValueError, match=message):
        build(*(np.zeros(shape, np.float32) for shape in args))


def test_gated_model_needs_both_output_arrays():
    p = lstm.random_lstm_params(2, 3)
    with pytest.raises(ValueError, match="both Wy and by"):
        convert.keras_lstm(**p, Wy=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="no LSTM layer"):
        convert.lstm_weights(convert.keras_gru(**gru.random_gru_params(2, 3)))
