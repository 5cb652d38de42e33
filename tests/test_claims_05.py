"""The quantitative claims of unit 05_gradient_problems that can be checked in seconds.

Each test rebuilds the notebook's small set-up with the same package code and asserts the
qualitative outcome the prose states, never a trained number.
"""

import numpy as np
import pytest

from rnncourse import data, reference

T_Q, H_Q, D_Q = 30, 32, 4


def _scaling_factor(c, activation):
    """Section 4's cell: ||d h_T / d h_0|| after multiplying Wh by c, over the same norm before."""
    Wh = reference.scaled_recurrent_matrix(H_Q, 0.9, seed=0)
    rng = np.random.default_rng(1)
    Wx = rng.standard_normal((D_Q, H_Q)) / 2
    x = rng.standard_normal((T_Q, D_Q))
    b = np.zeros(H_Q)
    before = reference.rnn_jacobian_norms(x, None, Wx, Wh, b, activation=activation)[0]
    after = reference.rnn_jacobian_norms(x, None, Wx, c * Wh, b, activation=activation)[0]
    return after / before


def test_the_linear_factor_is_exactly_c_to_the_T():
    for c in (0.5, 2.0):
        assert _scaling_factor(c, "linear") == pytest.approx(c ** T_Q, rel=1e-8)


def test_tanh_and_relu_factors_are_below_c_to_the_T_for_c_2_but_above_it_for_c_half():
    """The model answer of written question 1: c ** T is no bound on the factor."""
    assert _scaling_factor(2.0, "tanh") < 0.1 * 2.0 ** T_Q
    assert _scaling_factor(2.0, "relu") < 2.0 ** T_Q
    assert _scaling_factor(0.5, "tanh") > 2 * 0.5 ** T_Q
    assert _scaling_factor(0.5, "relu") > 0.5 ** T_Q


def test_tanh_at_radius_1_vanishes_below_1e_3_after_30_steps():
    """Section 3's first cell prints ||d h_T / d h_{T-30}|| in scientific notation: it is far below 0.001."""
    H, T, D = 32, 50, 4
    rng = np.random.default_rng(1)
    Wh = reference.scaled_recurrent_matrix(H, 1.0, seed=0)
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    x = rng.standard_normal((T, D))
    norms = reference.rnn_jacobian_norms(x, None, Wx, Wh, np.zeros(H), activation="tanh")
    assert norms[T - 30] < 1e-3 < norms[T - 10]


@pytest.mark.usefixtures("keras_seeded")
def test_the_relu_run_explodes_without_clipping_and_learns_with_it():
    """Section 7: T = 50 against the T = 3 control, same weights, same task (name the last symbol)."""
    from rnncourse.course import quiet_tensorflow

    tf, keras = quiet_tensorflow()
    V, H, n = 4, 32, 512
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def run(T, max_norm, steps):
        x, y = data.remember_first_task(n, lag=T - 1, V=V, seed=1)
        x = np.ascontiguousarray(x[:, ::-1])
        keras.utils.set_random_seed(0)
        model = keras.Sequential([
            keras.Input((T, V)),
            keras.layers.SimpleRNN(H, activation="relu",
                                   recurrent_initializer=keras.initializers.Orthogonal(gain=1.5)),
            keras.layers.Dense(V)])
        optimizer = keras.optimizers.SGD(0.1)

        @tf.function
        def gradient():
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x))
            return loss, tape.gradient(loss, model.trainable_variables)

        losses, norms = [], []
        for _ in range(steps):
            loss, grads = gradient()
            if not np.isfinite(float(loss)):
                break
            grads = [g.numpy() for g in grads]
            if max_norm is None:
                norm = reference.global_norm(grads)
            else:
                grads, norm = reference.clip_by_global_norm(grads, max_norm)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
            norms.append(norm)
        return np.array(losses), np.array(norms)

    _, control = run(3, None, 1)
    losses, norms = run(50, None, 10)
    assert norms[0] > 100 * control[0]                      # the long product, same weights
    assert len(losses) < 10 or norms.max() > 1e6 * norms[0]  # explodes: overflow or orders of magnitude
    assert norms.max() > 1e6 * control[0]
    clipped_losses, _ = run(50, 1.0, 150)
    assert clipped_losses[-10:].mean() < 0.25 * np.log(V)    # the clipped run learns
