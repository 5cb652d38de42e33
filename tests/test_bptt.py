"""rnncourse.reference.bptt: the backward pass against hand-computed cases, centred differences, the sum
over paths of products of Jacobians, and tf.GradientTape on a Keras SimpleRNN with the same weights."""

import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.models import convert
from rnncourse.reference import bptt, rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")

tf, keras = quiet_tensorflow()


def sequence(N, T, D, H, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D)).astype(dtype)
    h0 = rng.uniform(-1, 1, (N, H)).astype(dtype)
    p = rnn.random_rnn_params(D, H, seed=seed + 1, scale=0.6, dtype=dtype)
    dh = rng.standard_normal((N, T, H)).astype(dtype)
    return (x, h0, p["Wx"], p["Wh"], p["b"]), dh


def test_step_backward_by_hand():
    # D = H = N = 1: a = 2 * 0.5 + 1 * 0.25 + 0.1 = 1.35, next_h = tanh(1.35), da = 3 * (1 - next_h**2)
    x, prev_h, Wx, Wh = (np.array([[v]]) for v in (2.0, 1.0, 0.5, 0.25))
    b = np.array([0.1])
    next_h, cache = rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)
    da = 3.0 * (1 - np.tanh(1.35) ** 2)
    dx, dprev_h, dWx, dWh, db = bptt.rnn_step_backward(np.array([[3.0]]), cache)
    assert next_h[0, 0] == pytest.approx(np.tanh(1.35))
    assert dx[0, 0] == pytest.approx(da * 0.5)          # a changes by Wx per unit of x
    assert dprev_h[0, 0] == pytest.approx(da * 0.25)
    assert dWx[0, 0] == pytest.approx(da * 2.0)         # ... and by x per unit of Wx
    assert dWh[0, 0] == pytest.approx(da * 1.0)
    assert db[0] == pytest.approx(da)


@pytest.mark.parametrize("N, D, H", [(1, 1, 1), (1, 3, 4), (2, 3, 4), (5, 4, 4), (3, 7, 2)])
def test_step_backward_equals_centred_differences(N, D, H):
    (x, h0, Wx, Wh, b), dh = sequence(N, 1, D, H, seed=N + D + H)
    x, dnext_h = x[:, 0], dh[:, 0]
    _, cache = rnn.rnn_step_forward(x, h0, Wx, Wh, b)
    grads = bptt.rnn_step_backward(dnext_h, cache)

    def loss(x, prev_h, Wx, Wh, b):
        return np.sum(rnn.rnn_step_forward(x, prev_h, Wx, Wh, b)[0] * dnext_h)

    for analytic, numerical in zip(grads, bptt.numerical_gradients(loss, [x, h0, Wx, Wh, b])):
        assert analytic.shape == numerical.shape
        assert bptt.rel_error(analytic, numerical) < 1e-7


# --- a sequence -------------------------------------------------------------------------------

@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (2, 1, 3, 4), (1, 6, 2, 3), (3, 4, 2, 5), (2, 15, 3, 4)])
def test_backward_equals_centred_differences(N, T, D, H):
    args, dh = sequence(N, T, D, H, seed=T)
    _, cache = rnn.rnn_forward(*args)
    grads = bptt.rnn_backward(dh, cache)

    def loss(x, h0, Wx, Wh, b):
        return np.sum(rnn.rnn_forward(x, h0, Wx, Wh, b)[0] * dh)

    for analytic, numerical, arg in zip(grads, bptt.numerical_gradients(loss, list(args)), args):
        assert analytic.shape == arg.shape
        assert bptt.rel_error(analytic, numerical) < 1e-6


def jacobian(h_k, Wh):
    """dh_k / dh_{k-1} for one example, column convention: diag(1 - h_k^2) Wh^T, (H, H)."""
    return np.diag(1 - h_k ** 2) @ Wh.T


def path_sum_dWh(args, dh, longest=None):
    """dL/dWh as the explicit sum over paths of products of Jacobians, one example at a time.

    A path runs from the upstream gradient of h_s back to the use of Wh at step t <= s; its
    term is prev_h_t^T ((dh_s J_s J_{s-1} ... J_{t+1}) * (1 - h_t^2)). ``longest`` keeps the
    paths of at most that many steps (s - t < longest).
    """
    x, h0, Wx, Wh, b = args
    h, _ = rnn.rnn_forward(*args)
    N, T, H = h.shape
    states = np.concatenate([h0[:, None], h], axis=1)           # h_0 .. h_T
    total = np.zeros_like(Wh)
    for n in range(N):
        for s in range(1, T + 1):
            for t in range(1, s + 1):
                if longest is not None and s - t >= longest:
                    continue
                product = np.eye(H)
                for k in range(s, t, -1):                        # J_s J_{s-1} ... J_{t+1}
                    product = product @ jacobian(states[n, k], Wh)
                g = dh[n, s - 1] @ product                       # row vector: dL/dh_t along this path
                total += np.outer(states[n, t - 1], g * (1 - states[n, t] ** 2))
    return total


def test_bptt_is_the_sum_over_all_paths_and_truncation_keeps_the_short_ones():
    args, dh = sequence(2, 5, 3, 4, seed=7)
    _, cache = rnn.rnn_forward(*args)
    np.testing.assert_allclose(bptt.rnn_backward(dh, cache)[3], path_sum_dWh(args, dh), rtol=1e-12, atol=1e-12)
    for k in (1, 2, 4):
        np.testing.assert_allclose(bptt.rnn_backward_truncated(dh, cache, k)[3], path_sum_dWh(args, dh, k),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("truncated", [bptt.rnn_backward_truncated, bptt.rnn_backward_chunked])
def test_truncation_as_long_as_the_sequence_is_exact(truncated):
    args, dh = sequence(3, 6, 2, 4, seed=3)
    _, cache = rnn.rnn_forward(*args)
    for k in (6, 10):
        for exact, cut in zip(bptt.rnn_backward(dh, cache), truncated(dh, cache, k)):
            np.testing.assert_allclose(cut, exact, rtol=1e-12, atol=1e-14)


def test_truncation_to_one_step_keeps_no_recurrent_path():
    args, dh = sequence(2, 4, 3, 5, seed=4)
    _, cache = rnn.rnn_forward(*args)
    one_step = [bptt.rnn_step_backward(dh[:, t], cache[t]) for t in range(4)]
    expected = (np.stack([g[0] for g in one_step], axis=1), one_step[0][1],
                *(sum(g[i] for g in one_step) for i in (2, 3, 4)))
    for truncated in (bptt.rnn_backward_truncated, bptt.rnn_backward_chunked):
        for want, got in zip(expected, truncated(dh, cache, 1)):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_chunked_is_exact_bptt_on_each_chunk_with_the_state_carried_forward():
    args, dh = sequence(2, 7, 3, 4, seed=5)
    x, h0, Wx, Wh, b = args
    _, cache = rnn.rnn_forward(*args)
    dx, dh0, dWx, dWh, db = bptt.rnn_backward_chunked(dh, cache, 3)
    start, sums, dxs = h0, [0, 0, 0], []
    for lo in range(0, 7, 3):                                    # chunks [0, 3), [3, 6), [6, 7)
        h, chunk_cache = rnn.rnn_forward(x[:, lo:lo + 3], start, Wx, Wh, b)
        g = bptt.rnn_backward(dh[:, lo:lo + 3], chunk_cache)
        dxs.append(g[0])
        sums = [s + w for s, w in zip(sums, g[2:])]
        if lo == 0:
            np.testing.assert_allclose(dh0, g[1], rtol=1e-12)
        start = h[:, -1]                                         # the state goes on; its gradient does not
    np.testing.assert_allclose(dx, np.concatenate(dxs, axis=1), rtol=1e-12)
    for got, want in zip((dWx, dWh, db), sums):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_truncation_error_shrinks_with_k_for_a_contracting_rnn():
    """With a small recurrent matrix long paths carry little: the error falls as k grows."""
    args, dh = sequence(4, 30, 3, 8, seed=6)
    x, h0, Wx, Wh, b = args
    Wh = 0.5 * Wh / np.max(np.abs(np.linalg.eigvals(Wh)))         # spectral radius 0.5
    _, cache = rnn.rnn_forward(x, h0, Wx, Wh, b)
    exact = bptt.rnn_backward(dh, cache)[3]
    errors = [bptt.rel_error(bptt.rnn_backward_truncated(dh, cache, k)[3], exact) for k in (1, 2, 4, 8, 16)]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    assert errors[-1] < 1e-4


def test_bad_arguments_are_explained():
    args, dh = sequence(2, 3, 2, 3)
    _, cache = rnn.rnn_forward(*args)
    with pytest.raises(ValueError, match="expected \\(N, T, H\\) with T = 3"):
        bptt.rnn_backward(dh[:, :2], cache)
    with pytest.raises(ValueError, match="positive integer"):
        bptt.rnn_backward_truncated(dh, cache, 0)
    with pytest.raises(ValueError, match="positive integer"):
        bptt.rnn_backward_chunked(dh, cache, 1.5)


# --- numerical_gradient and rel_error ---------------------------------------------------------

def test_numerical_gradient_is_exact_for_a_quadratic_and_restores_x():
    rng = np.random.default_rng(0)
    A, x = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    before = x.copy()
    grad = bptt.numerical_gradient(lambda v: np.sum(v * (A @ v)), x)
    np.testing.assert_array_equal(x, before)                    # exactly, not approximately
    np.testing.assert_allclose(grad, A @ x + A.T @ x, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_moves_x_in_place():
    """f may read x through a closure and ignore its argument (as gradient checks often do)."""
    W = np.array([[0.3, -1.2], [2.0, 0.5]])
    grad = bptt.numerical_gradient(lambda _: np.sum(np.sin(W)), W)
    np.testing.assert_allclose(grad, np.cos(W), rtol=1e-9)


def test_numerical_gradient_step():
    x = np.array([0.5, -1.0, 2.0])
    grad = bptt.numerical_gradient(lambda v: np.sum(v ** 3), x, h=0.1)
    np.testing.assert_allclose(grad, 3 * x ** 2 + 0.1 ** 2)       # centred difference of x^3: exact h^2 term


def test_rel_error():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert bptt.rel_error(a, a) == 0.0
    assert bptt.rel_error(a, -a) == pytest.approx(1.0)
    assert bptt.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert bptt.rel_error(a, a * (1 + 1e-9)) == pytest.approx(0.5e-9, rel=1e-3)
    with pytest.raises(ValueError, match="shapes"):
        bptt.rel_error(a, a.T[:1])


# --- Keras ------------------------------------------------------------------------------------

def tape_gradients(args, dh):
    """dL/dx, dL/dh0 and the SimpleRNN's weight gradients from tf.GradientTape, L = sum(h * dh)."""
    x, h0, Wx, Wh, b = args
    layer = convert.keras_simple_rnn(Wx, Wh, b).get_layer("simple_rnn")   # weights copied, float32
    x, h0 = tf.constant(x, tf.float32), tf.constant(h0, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch([x, h0])
        h = layer(x, initial_state=[h0])                                    # (N, T, H)
        loss = tf.reduce_sum(h * tf.constant(dh, tf.float32))
    kernel, recurrent_kernel, bias = layer.trainable_weights
    return h.numpy(), [g.numpy() for g in tape.gradient(loss, [x, h0, kernel, recurrent_kernel, bias])]


@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (2, 1, 3, 4), (1, 5, 2, 3), (4, 8, 3, 6), (3, 25, 2, 4)])
def test_backward_equals_gradient_tape_on_keras_simple_rnn(N, T, D, H):
    args, dh = sequence(N, T, D, H, seed=N * T)
    h, cache = rnn.rnn_forward(*args)
    keras_h, keras_grads = tape_gradients(args, dh)
    np.testing.assert_allclose(keras_h, h, rtol=1e-5, atol=1e-6)          # the same forward pass
    for name, mine, theirs in zip(("dx", "dh0", "dWx", "dWh", "db"), bptt.rnn_backward(dh, cache), keras_grads):
        assert mine.shape == theirs.shape, name
        scale = max(1.0, float(np.abs(mine).max()))
        np.testing.assert_allclose(theirs, mine, rtol=1e-4, atol=1e-5 * scale, err_msg=name)
        assert bptt.rel_error(theirs, mine) < 1e-5, name


def _loss_case(seed=0, N=3, T=4, V=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, T, V)), rng.integers(V, size=(N, T)), rng.random((N, T)) < 0.7


def test_temporal_softmax_loss_by_hand():
    """Equal scores: each step costs log V; the gradient is 1/V everywhere but 1/V - 1 at the target."""
    loss, dscores = bptt.temporal_softmax_loss(np.zeros((1, 2, 4)), np.array([[1, 3]]))
    assert np.isclose(loss, 2 * np.log(4))
    expected = np.full((1, 2, 4), 0.25)
    expected[0, 0, 1] = expected[0, 1, 3] = -0.75
    assert np.allclose(dscores, expected)


def test_temporal_softmax_loss_gradient_is_exact():
    scores, y, mask = _loss_case()
    for m in (mask, None):
        _, dscores = bptt.temporal_softmax_loss(scores, y, m)
        numerical = bptt.numerical_gradient(lambda s: bptt.temporal_softmax_loss(s, y, m)[0], scores.copy())
        assert bptt.rel_error(dscores, numerical) < 1e-8


def test_temporal_softmax_loss_mask_and_stability():
    scores, y, mask = _loss_case(1)
    assert bptt.temporal_softmax_loss(scores, y, np.ones_like(mask))[0] == bptt.temporal_softmax_loss(scores, y)[0]
    _, dscores = bptt.temporal_softmax_loss(scores, y, mask)
    assert np.all(dscores[~mask] == 0)
    shifted = scores + np.random.default_rng(2).uniform(-1000, 1000, size=scores.shape[:2] + (1,))
    for got, want in zip(bptt.temporal_softmax_loss(shifted, y, mask), bptt.temporal_softmax_loss(scores, y, mask)):
        assert np.all(np.isfinite(got)) and np.allclose(got, want)


def test_temporal_softmax_loss_equals_tensorflow():
    import tensorflow as tf

    scores, y, mask = _loss_case(3)
    logits = tf.Variable(scores)
    with tf.GradientTape() as tape:
        per_step = tf.keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)   # (N, T)
        loss = tf.reduce_sum(per_step * mask) / scores.shape[0]
    loss_np, dscores = bptt.temporal_softmax_loss(scores, y, mask)
    assert np.isclose(loss_np, float(loss)) and np.allclose(dscores, tape.gradient(loss, logits).numpy())
