"""rnncourse.reference.gru: a hand-computed step, Keras parity (reset_after=True), counts, exact Jacobians."""

import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.models import convert
from rnncourse.reference import gru, jacobians

pytestmark = pytest.mark.usefixtures("keras_seeded")

_, keras = quiet_tensorflow()


def sig(a):
    return 1 / (1 + np.exp(-a))


def test_one_step_by_hand():
    """D = H = 1, blocks z, r, h; row 0 of b goes with x, row 1 with prev_h (inside the reset)."""
    x, prev_h = np.array([[2.0]]), np.array([[0.5]])
    Wx = np.array([[0.1, 0.2, 0.3]])
    Wh = np.array([[1.0, -1.0, 2.0]])
    b = np.array([[0.1, 0.0, 0.2], [0.0, 0.3, -0.4]])
    z = sig(0.2 + 0.1 + 0.5)
    r = sig(0.4 - 0.5 + 0.3)
    h_tilde = np.tanh(0.6 + 0.2 + r * (1.0 - 0.4))
    next_h, cache = gru.gru_step_forward(x, prev_h, Wx, Wh, b)
    np.testing.assert_allclose(next_h, [[z * 0.5 + (1 - z) * h_tilde]], rtol=1e-14)
    assert len(cache) == 8


def test_update_gate_one_keeps_the_state_and_zero_replaces_it():
    H = 2
    rng = np.random.default_rng(0)
    x, prev_h = rng.standard_normal((3, 2)), rng.uniform(-1, 1, (3, H))
    Wx, Wh = rng.standard_normal((2, 3 * H)), rng.standard_normal((H, 3 * H))
    b = np.zeros((2, 3 * H))
    b[0, :H] = 50.0                                                    # z = 1
    np.testing.assert_allclose(gru.gru_step_forward(x, prev_h, Wx, Wh, b)[0], prev_h, atol=1e-12)
    b[0, :H] = -50.0                                                   # z = 0: next_h = h_tilde
    next_h, (*_, h_tilde, _) = gru.gru_step_forward(x, prev_h, Wx, Wh, b)
    np.testing.assert_allclose(next_h, h_tilde, atol=1e-12)


@pytest.mark.parametrize("N, T, D, H", [(1, 1, 1, 1), (3, 6, 4, 5), (2, 30, 3, 8), (5, 2, 7, 2)])
def test_forward_equals_keras_gru(N, T, D, H):
    p = gru.random_gru_params(D, H, seed=N + T, dtype=np.float32)
    x = np.random.default_rng(T).standard_normal((N, T, D)).astype(np.float32)
    ours, caches = gru.gru_forward(x, np.zeros((N, H), np.float32), **p)
    model = convert.keras_gru(**p)
    assert model.get_layer("gru").reset_after
    theirs = model(x).numpy()
    assert ours.shape == theirs.shape == (N, T, H)
    assert len(caches) == T
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_forward_with_initial_state_equals_keras():
    N, T, D, H = 2, 5, 3, 4
    p = gru.random_gru_params(D, H, seed=1, dtype=np.float32)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    h0 = rng.uniform(-1, 1, (N, H)).astype(np.float32)
    theirs = convert.keras_gru(**p).get_layer("gru")(x, initial_state=h0).numpy()
    np.testing.assert_allclose(gru.gru_forward(x, h0, **p)[0], theirs, rtol=1e-5, atol=1e-6)


def test_the_bias_rows_are_not_interchangeable():
    """Swapping b's rows changes the candidate (row 1 sits inside the reset), so Keras would differ."""
    p = gru.random_gru_params(2, 3, seed=4)
    x = np.random.default_rng(5).standard_normal((2, 4, 2))
    h0 = np.zeros((2, 3))
    swapped = dict(p, b=p["b"][::-1])
    assert not np.allclose(gru.gru_forward(x, h0, **p)[0], gru.gru_forward(x, h0, **swapped)[0], atol=1e-3)


@pytest.mark.parametrize("D, H", [(1, 1), (4, 32), (17, 50)])
def test_parameter_count_equals_keras(D, H):
    model = keras.Sequential([keras.Input((None, D)), keras.layers.GRU(H)])
    assert gru.count_gru_parameters(D, H) == model.count_params() == 3 * (D * H + H * H + 2 * H)


def test_random_params_shapes():
    p = gru.random_gru_params(3, 4)
    assert {k: v.shape for k, v in p.items()} == {"Wx": (3, 12), "Wh": (4, 12), "b": (2, 12)}


def test_jacobian_norms_equal_finite_differences():
    T, D, H, eps = 6, 3, 4, 1e-6
    rng = np.random.default_rng(0)
    x, h0 = rng.standard_normal((T, D)), rng.uniform(-1, 1, H)
    p = gru.random_gru_params(D, H, seed=2, scale=0.8)
    states, h = [h0], h0[None]
    for t in range(T):
        h, _ = gru.gru_step_forward(x[None, t], h, **p)
        states.append(h[0])

    def run(k, hk):
        h = hk[None]
        for t in range(k, T):
            h, _ = gru.gru_step_forward(x[None, t], h, **p)
        return h[0]

    norms = jacobians.gru_jacobian_norms(x, h0, **p)
    assert norms.shape == (T + 1,)
    for k in [0, 3, 6]:
        J = np.stack([(run(k, states[k] + d) - run(k, states[k] - d)) / (2 * eps) for d in eps * np.eye(H)], axis=1)
        np.testing.assert_allclose(norms[k], np.linalg.norm(J, 2), rtol=1e-6)


def test_jacobian_of_a_gru_without_recurrent_weights_is_the_product_of_update_gates():
    T, D, H, b_z = 8, 2, 3, 1.5
    b = np.zeros((2, 3 * H))
    b[0, :H] = b_z
    x = np.random.default_rng(0).standard_normal((T, D))
    norms = jacobians.gru_jacobian_norms(x, np.zeros(H), np.zeros((D, 3 * H)), np.zeros((H, 3 * H)), b)
    np.testing.assert_allclose(norms, sig(b_z) ** np.arange(T, -1, -1))
