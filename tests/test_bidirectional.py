"""rnncourse.reference.bidirectional: birnn_forward by hand, from rnn_forward, and equal to Keras's Bidirectional;
the converter both ways; and the drawing of unit 07."""

import matplotlib.colors
import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.draw import bidirectional_diagram
from rnncourse.draw.diagrams import parts
from rnncourse.models import convert
from rnncourse.reference import bidirectional, rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

_, keras = quiet_tensorflow()


def case(N=2, T=5, D=3, H=4, seed=0, dtype=np.float32):
    params_fwd, params_bwd = bidirectional.random_birnn_params(D, H, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0_fwd, h0_bwd = (rng.uniform(-1, 1, (N, H)).astype(dtype) for _ in range(2))
    return x, h0_fwd, h0_bwd, params_fwd, params_bwd


# --- birnn_forward ---------------------------------------------------------------------------

def test_by_hand_one_unit_two_steps():
    # D = H = 1, T = 2. Forward: x_1 then x_2; backward: x_2 then x_1, with other weights.
    x = np.array([[[1.0], [-2.0]]])                              # (N, T, D) = (1, 2, 1)
    fwd = (np.array([[0.5]]), np.array([[0.25]]), np.array([0.1]))
    bwd = (np.array([[-0.3]]), np.array([[2.0]]), np.array([0.2]))
    h0_fwd, h0_bwd = np.array([[0.4]]), np.array([[-0.6]])
    f1 = np.tanh(1.0 * 0.5 + 0.4 * 0.25 + 0.1)
    f2 = np.tanh(-2.0 * 0.5 + f1 * 0.25 + 0.1)
    b2 = np.tanh(-2.0 * -0.3 + -0.6 * 2.0 + 0.2)                # the backward RNN reads x_2 first
    b1 = np.tanh(1.0 * -0.3 + b2 * 2.0 + 0.2)
    out = bidirectional.birnn_forward(x, h0_fwd, h0_bwd, fwd, bwd)
    assert out.shape == (1, 2, 2)
    np.testing.assert_allclose(out[0], [[f1, b1], [f2, b2]])


def test_halves_are_rnn_forward_one_way_and_the_other():
    x, h0_fwd, h0_bwd, p_fwd, p_bwd = case(dtype=np.float64)
    out = bidirectional.birnn_forward(x, h0_fwd, h0_bwd, p_fwd, p_bwd)
    H = h0_fwd.shape[1]
    np.testing.assert_allclose(out[..., :H], rnn.rnn_forward(x, h0_fwd, *p_fwd)[0])
    np.testing.assert_allclose(out[..., H:], rnn.rnn_forward(x[:, ::-1], h0_bwd, *p_bwd)[0][:, ::-1])


def test_reversing_the_input_swaps_the_directions():
    x, h0_fwd, h0_bwd, p_fwd, p_bwd = case(dtype=np.float64)
    H = h0_fwd.shape[1]
    out = bidirectional.birnn_forward(x, h0_fwd, h0_bwd, p_fwd, p_bwd)
    mirrored = bidirectional.birnn_forward(x[:, ::-1], h0_bwd, h0_fwd, p_bwd, p_fwd)[:, ::-1]
    np.testing.assert_allclose(mirrored, np.concatenate([out[..., H:], out[..., :H]], axis=-1))


def test_what_each_step_can_see():
    """Changing x_T changes every backward state but only the last forward state."""
    x, h0_fwd, h0_bwd, p_fwd, p_bwd = case(T=6, dtype=np.float64)
    H = h0_fwd.shape[1]
    changed = x.copy()
    changed[:, -1] += 1.0
    before = bidirectional.birnn_forward(x, h0_fwd, h0_bwd, p_fwd, p_bwd)
    after = bidirectional.birnn_forward(changed, h0_fwd, h0_bwd, p_fwd, p_bwd)
    moved = np.abs(after - before)
    fwd_moved, bwd_moved = moved[..., :H].max(axis=(0, 2)), moved[..., H:].max(axis=(0, 2))  # (T,) each
    assert np.all(fwd_moved[:-1] == 0) and fwd_moved[-1] > 0
    assert np.all(bwd_moved > 0)


def test_inputs_are_not_changed_and_one_step_works():
    x, h0_fwd, h0_bwd, p_fwd, p_bwd = case(T=1, dtype=np.float64)
    before = [a.copy() for a in (x, h0_fwd, h0_bwd, *p_fwd, *p_bwd)]
    out = bidirectional.birnn_forward(x, h0_fwd, h0_bwd, p_fwd, p_bwd)
    for old, new in zip(before, (x, h0_fwd, h0_bwd, *p_fwd, *p_bwd)):
        np.testing.assert_array_equal(old, new)
    np.testing.assert_allclose(out[:, 0, :4], np.tanh(x[:, 0] @ p_fwd[0] + h0_fwd @ p_fwd[1] + p_fwd[2]))
    np.testing.assert_allclose(out[:, 0, 4:], np.tanh(x[:, 0] @ p_bwd[0] + h0_bwd @ p_bwd[1] + p_bwd[2]))


def test_random_params_are_seeded_and_independent():
    a_fwd, a_bwd = bidirectional.random_birnn_params(3, 4, seed=1)
    b_fwd, _ = bidirectional.random_birnn_params(3, 4, seed=1)
    assert [w.shape for w in a_fwd] == [w.shape for w in a_bwd] == [(3, 4), (4, 4), (4,)]
    for w, v in zip(a_fwd, b_fwd):
        np.testing.assert_array_equal(w, v)
    assert not np.allclose(a_fwd[0], a_bwd[0])
    assert bidirectional.random_birnn_params(2, 2, dtype=np.float32)[0][0].dtype == np.float32


# --- Keras parity ----------------------------------------------------------------------------

@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (3, 4, 4, 4), (2, 7, 3, 5), (4, 30, 2, 6)])
def test_numpy_equals_keras_bidirectional(N, T, D, H):
    x, _, _, p_fwd, p_bwd = case(N, T, D, H, seed=N + T)
    model = convert.keras_bidirectional_rnn(p_fwd, p_bwd)
    zeros = np.zeros((N, H), np.float32)
    keras_out = model(x).numpy()
    assert keras_out.shape == (N, T, 2 * H)
    np.testing.assert_allclose(bidirectional.birnn_forward(x, zeros, zeros, p_fwd, p_bwd), keras_out,
                               rtol=1e-5, atol=1e-6)


def test_numpy_equals_keras_from_given_initial_states():
    x, h0_fwd, h0_bwd, p_fwd, p_bwd = case()
    layer = convert.keras_bidirectional_rnn(p_fwd, p_bwd).get_layer("bidirectional")
    keras_out = layer(x, initial_state=[h0_fwd, h0_bwd]).numpy()
    np.testing.assert_allclose(bidirectional.birnn_forward(x, h0_fwd, h0_bwd, p_fwd, p_bwd), keras_out,
                               rtol=1e-5, atol=1e-6)


def test_keras_backward_half_is_in_time_order():
    """Keras's Bidirectional flips the backward layer's output back: its last step has read x_T only."""
    x, _, _, p_fwd, p_bwd = case(T=6)
    H = p_fwd[1].shape[0]
    keras_out = convert.keras_bidirectional_rnn(p_fwd, p_bwd)(x).numpy()
    Wx, _, b = p_bwd
    np.testing.assert_allclose(keras_out[:, -1, H:], np.tanh(x[:, -1] @ Wx + b), rtol=1e-5, atol=1e-6)


def test_output_layer_last_step_and_relu():
    x, _, _, p_fwd, p_bwd = case(N=2, T=5, D=3, H=4)
    rng = np.random.default_rng(5)
    Wy, by = rng.standard_normal((8, 6)).astype(np.float32), rng.standard_normal(6).astype(np.float32)
    zeros = np.zeros((2, 4), np.float32)
    states = bidirectional.birnn_forward(x, zeros, zeros, p_fwd, p_bwd)
    with_dense = convert.keras_bidirectional_rnn(p_fwd, p_bwd, Wy, by)
    assert with_dense.output_shape == (None, None, 6)
    np.testing.assert_allclose(with_dense(x).numpy(), rnn.softmax(states @ Wy + by), rtol=1e-5, atol=1e-6)

    last = convert.keras_bidirectional_rnn(p_fwd, p_bwd, return_sequences=False)
    assert last.output_shape == (None, 8)
    expected = np.concatenate([states[:, -1, :4], states[:, 0, 4:]], axis=-1)  # each direction's final state
    np.testing.assert_allclose(last(x).numpy(), expected, rtol=1e-5, atol=1e-6)

    relu = convert.keras_bidirectional_rnn(p_fwd, p_bwd, activation="relu")
    h = np.zeros((2, 4))
    for t in range(5):
        h = np.maximum(x[:, t] @ p_fwd[0] + h @ p_fwd[1] + p_fwd[2], 0)
    np.testing.assert_allclose(relu(x).numpy()[:, -1, :4], h, rtol=1e-5, atol=1e-6)


def test_parameter_count_is_two_rnns():
    D, H = 3, 5
    model = convert.keras_bidirectional_rnn(*bidirectional.random_birnn_params(D, H))
    assert model.count_params() == 2 * (D * H + H * H + H)


# --- reading weights back --------------------------------------------------------------------

def test_round_trip_is_exact():
    _, _, _, p_fwd, p_bwd = case()
    Wy, by = np.ones((8, 3), np.float32), np.arange(3, dtype=np.float32)
    back = convert.bidirectional_weights(convert.keras_bidirectional_rnn(p_fwd, p_bwd, Wy, by))
    assert sorted(back) == ["Wy", "by", "params_bwd", "params_fwd"]
    theirs_all = (*back["params_fwd"], *back["params_bwd"], back["Wy"], back["by"])
    for mine, theirs in zip((*p_fwd, *p_bwd, Wy, by), theirs_all):
        assert theirs.dtype == np.float32
        np.testing.assert_array_equal(mine, theirs)


def test_keras_weights_read_into_numpy_give_the_keras_output():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((None, 4)),
                              keras.layers.Bidirectional(keras.layers.SimpleRNN(5, return_sequences=True))])
    layer = model.layers[0]
    layer.backward_layer.set_weights([w + 0.1 for w in layer.backward_layer.get_weights()])  # a non-zero bias
    weights = convert.bidirectional_weights(model)
    assert sorted(weights) == ["params_bwd", "params_fwd"]
    x = np.random.default_rng(4).standard_normal((3, 6, 4)).astype(np.float32)
    zeros = np.zeros((3, 5), np.float32)
    np.testing.assert_allclose(bidirectional.birnn_forward(x, zeros, zeros, **weights), model(x).numpy(),
                               rtol=1e-5, atol=1e-6)
    from_layer = convert.bidirectional_weights(layer)           # the layer itself works too
    np.testing.assert_array_equal(from_layer["params_bwd"][2], weights["params_bwd"][2])


def test_a_model_with_hidden_dense_layers_can_be_read_through_its_layer():
    model = keras.Sequential([keras.Input((None, 2)),
                              keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True)),
                              keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="2 Dense layers"):
        convert.bidirectional_weights(model)
    assert sorted(convert.bidirectional_weights(model.layers[0])) == ["params_bwd", "params_fwd"]


def test_layers_without_bias_read_as_zero_bias():
    model = keras.Sequential([keras.Input((None, 2)),
                              keras.layers.Bidirectional(keras.layers.SimpleRNN(3, use_bias=False))])
    weights = convert.bidirectional_weights(model)
    np.testing.assert_array_equal(weights["params_fwd"][2], np.zeros(3))
    np.testing.assert_array_equal(weights["params_bwd"][2], np.zeros(3))


def test_a_dense_layer_after_a_summed_bidirectional_reads_h_units():
    model = keras.Sequential([keras.Input((None, 2)),
                              keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True),
                                                         merge_mode="sum"),
                              keras.layers.Dense(4)])
    assert convert.bidirectional_weights(model)["Wy"].shape == (3, 4)


@pytest.mark.parametrize("change, words", [
    (dict(params_fwd=(np.zeros(3), np.zeros((4, 4)), np.zeros(4))), ["params_fwd", "Wx", "(D, H)"]),
    (dict(params_bwd=(np.zeros((3, 4)), np.zeros((3, 4)), np.zeros(4))), ["params_bwd", "Wh", "expected (4, 4)"]),
    (dict(params_fwd=(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(5))), ["params_fwd", "b", "expected (4,)"]),
    (dict(params_bwd=(np.zeros((3, 5)), np.zeros((5, 5)), np.zeros(5))), ["params_bwd", "same number of units"]),
    (dict(params_fwd=(np.zeros((3, 4)), np.zeros((4, 4)))), ["params_fwd", "(Wx, Wh, b)", "length 2"]),
    (dict(Wy=np.zeros((4, 6)), by=np.zeros(6)), ["Wy", "(2H, V) = (8, V)"]),
    (dict(Wy=np.zeros((8, 6)), by=np.zeros(5)), ["by", "expected (6,)"]),
    (dict(Wy=np.zeros((8, 6))), ["both Wy and by"]),
])
def test_shape_errors_say_what_was_expected(change, words):
    args = {"params_fwd": bidirectional.random_birnn_params(3, 4)[0],
            "params_bwd": bidirectional.random_birnn_params(3, 4)[1], **change}
    with pytest.raises(ValueError) as err:
        convert.keras_bidirectional_rnn(**args)
    for word in words:
        assert word in str(err.value)


def test_models_without_a_bidirectional_simple_rnn_are_refused():
    plain = keras.Sequential([keras.Input((None, 2)), keras.layers.SimpleRNN(3)])
    with pytest.raises(ValueError, match="no Bidirectional layer"):
        convert.bidirectional_weights(plain)
    lstm = keras.Sequential([keras.Input((None, 2)), keras.layers.Bidirectional(keras.layers.LSTM(3))])
    with pytest.raises(ValueError, match="wraps a LSTM; expected a SimpleRNN"):
        convert.bidirectional_weights(lstm)
    wide = keras.Sequential([keras.Input((None, 2)), keras.layers.Bidirectional(keras.layers.SimpleRNN(3)),
                             keras.layers.Dense(4)])
    assert convert.bidirectional_weights(wide)["Wy"].shape == (6, 4)


# --- the drawing -----------------------------------------------------------------------------

@pytest.mark.parametrize("T", [1, 3, 4])
def test_drawing_has_both_directions(T):
    ax = bidirectional_diagram.draw_bidirectional(T)
    assert len(parts(ax, "node:input")) == T
    assert len(parts(ax, "node:hidden")) == 2 * T                 # T forward and T backward states
    assert len(parts(ax, "node:initial")) == 2                    # h0_fwd and h0_bwd
    assert len(parts(ax, "node:output")) == T
    assert len(parts(ax, "arrow")) == 6 * T
    labels = [t.get_text() for t in parts(ax, "node-label")]
    assert r"$\overrightarrow{h}_0$" in labels and rf"$\overleftarrow{{h}}_{{{T + 1}}}$" in labels
    assert sorted(t.get_text() for t in parts(ax, "node-sublabel")) == ["h0_bwd", "h0_fwd"]


def test_each_direction_has_its_own_colours_and_the_backward_chain_runs_left():
    ax = bidirectional_diagram.draw_bidirectional(3)
    colours = {matplotlib.colors.to_hex(a.get_edgecolor()) for a in parts(ax, "arrow")}
    for c in [*bidirectional_diagram.FORWARD_COLORS.values(), *bidirectional_diagram.BACKWARD_COLORS.values()]:
        assert c in colours
    backward_h = [a for a in parts(ax, "arrow")
                  if matplotlib.colors.to_hex(a.get_edgecolor()) == bidirectional_diagram.BACKWARD_COLORS["Wh"]]
    assert len(backward_h) == 3
    for a in backward_h:
        (x0, _), (x1, _) = a._posA_posB
        assert x1 < x0                                             # right to left
    assert len({t.get_text() for t in parts(ax, "arrow-label")}) == 4   # each weight named once


def test_drawing_rejects_a_bad_length():
    with pytest.raises(ValueError, match="positive integer"):
        bidirectional_diagram.draw_bidirectional(0)
