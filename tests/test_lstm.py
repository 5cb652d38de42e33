"""rnncourse.reference.lstm: hand-computed steps, Keras parity, parameter counts, and exact Jacobians."""

import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.models import convert
from rnncourse.reference import bptt, jacobians, lstm

pytestmark = pytest.mark.usefixtures("keras_seeded")

_, keras = quiet_tensorflow()


def sig(a):
    return 1 / (1 + np.exp(-a))


def test_sigmoid_is_the_logistic_function_and_never_overflows():
    a = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(lstm.sigmoid(a), sig(a), rtol=1e-15)
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(lstm.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    assert lstm.sigmoid(np.float32(2.0)).dtype == np.float32


def test_one_step_by_hand():
    """D = H = 1: every pre-activation can be written down; blocks in the order i, f, c, o."""
    x, prev_h, prev_c = np.array([[1.0]]), np.array([[0.5]]), np.array([[2.0]])
    Wx = np.array([[0.1, 0.2, 0.3, 0.4]])
    Wh = np.array([[1.0, -1.0, 0.5, 2.0]])
    b = np.array([0.0, 1.0, -0.5, 0.0])
    a_i, a_f, a_c, a_o = 0.1 + 0.5, 0.2 - 0.5 + 1.0, 0.3 + 0.25 - 0.5, 0.4 + 1.0
    c = sig(a_f) * 2.0 + sig(a_i) * np.tanh(a_c)
    h = sig(a_o) * np.tanh(c)
    next_h, next_c, cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
    np.testing.assert_allclose(next_c, [[c]], rtol=1e-14)
    np.testing.assert_allclose(next_h, [[h]], rtol=1e-14)
    assert len(cache) == 10


def test_forget_gate_open_and_input_gate_shut_keeps_the_cell():
    H = 3
    b = np.concatenate([np.full(H, -50.0), np.full(H, 50.0), np.zeros(H), np.full(H, 50.0)])  # i=0, f=1, o=1
    prev_c = np.array([[0.3, -1.2, 2.0]])
    rng = np.random.default_rng(0)
    _, next_c, _ = lstm.lstm_step_forward(rng.standard_normal((1, 2)), rng.uniform(-1, 1, (1, H)), prev_c,
                                          np.zeros((2, 4 * H)), np.zeros((H, 4 * H)), b)
    np.testing.assert_allclose(next_c, prev_c, atol=1e-12)


@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (3, 6, 4, 5), (2, 30, 3, 8), (5, 2, 7, 2)])
def test_forward_equals_keras_lstm(N, T, D, H):
    p = lstm.random_lstm_params(D, H, seed=N + T, dtype=np.float32)
    x = np.random.default_rng(T).standard_normal((N, T, D)).astype(np.float32)
    ours, caches = lstm.lstm_forward(x, np.zeros((N, H), np.float32), **p)
    theirs = convert.keras_lstm(**p)(x).numpy()
    assert ours.shape == theirs.shape == (N, T, H)
    assert len(caches) == T
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_forward_with_initial_state_equals_keras_initial_state():
    N, T, D, H = 2, 5, 3, 4
    p = lstm.random_lstm_params(D, H, seed=1, dtype=np.float32)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h0, c0 = rng.uniform(-1, 1, (2, N, H)).astype(np.float32)
    layer = convert.keras_lstm(**p).get_layer("lstm")
    theirs = layer(x, initial_state=[h0, c0]).numpy()
    np.testing.assert_allclose(lstm.lstm_forward(x, h0, **p, c0=c0)[0], theirs, rtol=1e-5, atol=1e-6)
    assert not np.allclose(lstm.lstm_forward(x, h0, **p)[0], theirs, atol=1e-3)  # c0 matters


def test_forward_keeps_float32_and_leaves_inputs_alone():
    p = lstm.random_lstm_params(2, 3, dtype=np.float32)
    x = np.ones((2, 4, 2), np.float32)
    h0 = np.full((2, 3), 0.1, np.float32)
    h, _ = lstm.lstm_forward(x, h0, **p)
    assert h.dtype == np.float32
    np.testing.assert_array_equal(h0, np.float32(0.1))


@pytest.mark.parametrize("D, H", [(1, 1), (4, 32), (17, 50)])
def test_parameter_count_equals_keras(D, H):
    model = keras.Sequential([keras.Input((None, D)), keras.layers.LSTM(H)])
    assert lstm.count_lstm_parameters(D, H) == model.count_params() == 4 * (D * H + H * H + H)


def test_random_params_shapes_and_forget_bias():
    p = lstm.random_lstm_params(3, 4, seed=0, forget_bias=5.0)
    assert {k: v.shape for k, v in p.items()} == {"Wx": (3, 16), "Wh": (4, 16), "b": (16,)}
    q = lstm.random_lstm_params(3, 4, seed=0)
    np.testing.assert_allclose(p["b"] - q["b"], np.r_[np.zeros(4), np.full(4, 5.0), np.zeros(8)])


def _state_jacobian_by_finite_differences(x, states, k, p, eps=1e-6):
    """d(h_T, c_T) / d(h_k, c_k) of one sequence (column layout), by centred differences."""
    T, H = x.shape[0], states[0][0].shape[0]

    def run(h, c):
        h, c = h[None], c[None]
        for t in range(k, T):
            h, c, _ = lstm.lstm_step_forward(x[None, t], h, c, **p)
        return np.concatenate([h[0], c[0]])

    hk, ck = states[k]
    J = np.zeros((2 * H, 2 * H))
    for j in range(2 * H):
        d = np.zeros(2 * H)
        d[j] = eps
        J[:, j] = (run(hk + d[:H], ck + d[H:]) - run(hk - d[:H], ck - d[H:])) / (2 * eps)
    return J


def test_jacobian_norms_equal_finite_differences():
    T, D, H = 6, 3, 4
    rng = np.random.default_rng(0)
    x, h0, c0 = rng.standard_normal((T, D)), rng.uniform(-1, 1, H), rng.standard_normal(H)
    p = lstm.random_lstm_params(D, H, seed=1, scale=0.8)
    states, h, c = [(h0, c0)], h0[None], c0[None]
    for t in range(T):
        h, c, _ = lstm.lstm_step_forward(x[None, t], h, c, **p)
        states.append((h[0], c[0]))
    norms = jacobians.lstm_jacobian_norms(x, h0, **p, c0=c0)
    assert {k: v.shape for k, v in norms.items()} == {b: (T + 1,) for b in ("hh", "hc", "ch", "cc")}
    for k in [0, 2, 5, 6]:
        J = _state_jacobian_by_finite_differences(x, states, k, p)
        blocks = {"hh": J[:H, :H], "hc": J[:H, H:], "ch": J[H:, :H], "cc": J[H:, H:]}
        for name, block in blocks.items():
            np.testing.assert_allclose(norms[name][k], np.linalg.norm(block, 2), rtol=1e-6, atol=1e-9)


def test_jacobian_of_a_cell_without_recurrent_weights_is_the_product_of_forget_gates():
    """With Wh = 0 the only path from c_k to c_T is the cell path: dc_T/dc_k = f^(T - k)."""
    T, D, H, b_f = 10, 2, 3, 2.0
    b = np.zeros(4 * H)
    b[H:2 * H] = b_f
    x = np.random.default_rng(0).standard_normal((2, T, D))
    norms = jacobians.lstm_jacobian_norms(x, np.zeros((2, H)), np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), b)
    np.testing.assert_allclose(norms["cc"], np.broadcast_to(sig(b_f) ** np.arange(T, -1, -1), (2, T + 1)))
    np.testing.assert_allclose(norms["ch"], 0.0, atol=1e-15)


# --- the backward step ------------------------------------------------------------------------

def _step_case(N, D, H, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    p = lstm.random_lstm_params(D, H, seed=seed, dtype=dtype)
    x, prev_h = rng.standard_normal((N, D)), rng.uniform(-1, 1, (N, H))
    prev_c = 1.5 * rng.standard_normal((N, H))
    dnext_h, dnext_c = rng.standard_normal((2, N, H))
    return [a.astype(dtype) for a in (x, prev_h, prev_c, p["Wx"], p["Wh"], p["b"], dnext_h, dnext_c)]


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (2, 3, 4), (4, 5, 2), (3, 2, 6)])
def test_step_backward_equals_centred_differences(N, D, H):
    """L = sum(next_h * dnext_h) + sum(next_c * dnext_c): all six gradients within 1e-7, float64."""
    x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c = _step_case(N, D, H, seed=N + D + H)

    def loss(x, prev_h, prev_c, Wx, Wh, b):
        next_h, next_c, _ = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)
        return np.sum(next_h * dnext_h) + np.sum(next_c * dnext_c)

    args = (x, prev_h, prev_c, Wx, Wh, b)
    cache = lstm.lstm_step_forward(*args)[2]
    exact = lstm.lstm_step_backward(dnext_h, dnext_c, cache)
    numeric = bptt.numerical_gradients(loss, args)
    for name, mine, theirs in zip(("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"), exact, numeric):
        assert mine.shape == theirs.shape, name
        assert bptt.rel_error(mine, theirs) < 1e-7, name


def test_step_backward_cell_path_is_dnext_c_times_f():
    """With dnext_h = 0 the cell's gradient only goes through next_c = f * prev_c + i * g: dprev_c = dnext_c * f."""
    x, prev_h, prev_c, Wx, Wh, b, _, dnext_c = _step_case(3, 2, 4, seed=5)
    cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[2]
    dprev_c = lstm.lstm_step_backward(np.zeros_like(dnext_c), dnext_c, cache)[2]
    np.testing.assert_allclose(dprev_c, dnext_c * cache[6], rtol=1e-15)


def test_step_backward_leaves_its_inputs_alone():
    x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c = _step_case(2, 3, 4, seed=9)
    cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[2]
    before = [a.copy() for a in (dnext_h, dnext_c, *cache)]
    lstm.lstm_step_backward(dnext_h, dnext_c, cache)
    for old, new in zip(before, (dnext_h, dnext_c, *cache)):
        np.testing.assert_array_equal(old, new)


def tape_step_gradients(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c):
    """The six gradients of L = sum(h * dnext_h) + sum(c * dnext_c) from tf.GradientTape on a Keras LSTMCell."""
    tf, _ = quiet_tensorflow()
    cell = keras.layers.LSTMCell(Wh.shape[0])
    cell.build((None, Wx.shape[0]))
    cell.set_weights([Wx, Wh, b])
    x, prev_h, prev_c = (tf.constant(a, tf.float32) for a in (x, prev_h, prev_c))
    with tf.GradientTape() as tape:
        tape.watch([x, prev_h, prev_c])
        _, (h, c) = cell(x, [prev_h, prev_c])
        loss = tf.reduce_sum(h * dnext_h) + tf.reduce_sum(c * dnext_c)
    kernel, recurrent_kernel, bias = cell.trainable_weights
    return [g.numpy() for g in tape.gradient(loss, [x, prev_h, prev_c, kernel, recurrent_kernel, bias])]


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (2, 3, 4), (5, 2, 3)])
def test_step_backward_equals_gradient_tape_on_keras_lstm_cell(N, D, H):
    case = _step_case(N, D, H, seed=10 * N + H, dtype=np.float32)
    x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c = case
    cache = lstm.lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)[2]
    mine = lstm.lstm_step_backward(dnext_h, dnext_c, cache)
    theirs = tape_step_gradients(*case)
    for name, a, t in zip(("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"), mine, theirs):
        assert a.shape == t.shape, name
        assert bptt.rel_error(a, t) < 1e-5, name
