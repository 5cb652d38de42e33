"""The Jacobian-norm measurement of unit 05: exact products, against hand-computed cases,
finite differences and TensorFlow's own Jacobian of a Keras SimpleRNN."""

import numpy as np
import pytest

from rnncourse.draw import plots
from rnncourse.reference import jacobians as gf

pytestmark = pytest.mark.usefixtures("keras_seeded")

ACT = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0), "linear": lambda a: a}


def params(H=5, D=3, T=7, seed=0, scale=0.8):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((H, H)), rng.standard_normal((D, H)), 0.1 * rng.standard_normal(H),
            rng.standard_normal((T, D)), 0.5 * rng.standard_normal(H))


def run(Wh, Wx, b, x, h, f, start, stop):
    """h_stop from h_start = h, one step at a time (steps start+1 .. stop read x[start .. stop-1])."""
    for t in range(start, stop):
        h = f(x[t] @ Wx + h @ Wh + b)
    return h


def numerical_jacobian(Wh, Wx, b, x, h0, f, k, eps=1e-6):
    """dh_T/dh_k (H, H) by centred differences, row j = output unit j (numerator layout)."""
    T, H = len(x), len(h0)
    h_k = run(Wh, Wx, b, x, h0, f, 0, k)
    J = np.empty((H, H))
    for i in range(H):
        e = np.zeros(H)
        e[i] = eps
        J[:, i] = (run(Wh, Wx, b, x, h_k + e, f, k, T) - run(Wh, Wx, b, x, h_k - e, f, k, T)) / (2 * eps)
    return J


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_norms_equal_finite_differences(activation):
    Wh, Wx, b, x, h0 = params(seed=1)
    norms = gf.rnn_jacobian_norms(x, h0, Wx, Wh, b, activation=activation)
    assert norms.shape == (len(x) + 1,)
    for k in range(len(x) + 1):
        J = numerical_jacobian(Wh, Wx, b, x, h0, ACT[activation], k)
        np.testing.assert_allclose(norms[k], np.linalg.norm(J, 2), rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(gf.rnn_jacobian_norms(x, h0, Wx, Wh, b, activation, ord="fro")[k],
                                   np.linalg.norm(J, "fro"), rtol=1e-6, atol=1e-12)


def test_one_unit_by_hand():
    """H = 1: dh_T/dh_k = prod over t = k+1..T of w * (1 - tanh(a_t)^2)."""
    w, u, b = 1.3, 0.7, -0.2
    xs = np.array([0.5, -1.0, 2.0, 0.1])
    h, slopes = 0.0, []
    for xt in xs:
        a = xt * u + h * w + b
        slopes.append(w * (1 - np.tanh(a) ** 2))
        h = np.tanh(a)
    expected = [abs(np.prod(slopes[k:])) for k in range(4)] + [1.0]
    norms = gf.rnn_jacobian_norms(xs[:, None], [0.0], [[u]], [[w]], [b])
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


def test_linear_rnn_is_a_matrix_power():
    Wh, Wx, b, x, h0 = params(H=6, T=12, seed=2)
    norms = gf.rnn_jacobian_norms(x, h0, Wx, Wh, b, activation="linear")
    for k in range(13):
        np.testing.assert_allclose(norms[k], np.linalg.norm(np.linalg.matrix_power(Wh.T, 12 - k), 2), rtol=1e-10)


def test_tanh_is_bounded_by_the_largest_singular_value():
    """tanh' <= 1, so ||dh_T/dh_k|| <= sigma_max(Wh) ** (T - k)."""
    Wh, Wx, b, x, h0 = params(H=8, T=30, seed=3, scale=0.5)
    norms = gf.rnn_jacobian_norms(x, h0, Wx, Wh, b)
    sigma = np.linalg.norm(Wh, 2)
    assert np.all(norms <= sigma ** (30 - np.arange(31)) * (1 + 1e-9))


def test_batch_equals_one_sequence_at_a_time_and_h0_defaults_to_zero():
    rng = np.random.default_rng(4)
    Wh, Wx, b = rng.standard_normal((4, 4)), rng.standard_normal((2, 4)), rng.standard_normal(4)
    x = rng.standard_normal((3, 6, 2))
    batch = gf.rnn_jacobian_norms(x, None, Wx, Wh, b, activation="relu")
    assert batch.shape == (3, 7)
    for n in range(3):
        np.testing.assert_allclose(batch[n], gf.rnn_jacobian_norms(x[n], np.zeros(4), Wx, Wh, b, "relu"))
    assert np.all(batch[:, -1] == 1.0)                        # ||I||_2 at k = T


def test_relu_with_every_unit_off_gives_zero():
    H = 3
    norms = gf.rnn_jacobian_norms(np.ones((4, 1)), None, np.ones((1, H)), np.eye(H), -5 * np.ones(H), activation="relu")
    np.testing.assert_array_equal(norms[:4], 0.0)
    assert norms[4] == 1.0


def test_inputs_are_not_changed_and_bad_arguments_raise():
    Wh, Wx, b, x, h0 = params()
    copies = [a.copy() for a in (Wh, Wx, b, x, h0)]
    gf.rnn_jacobian_norms(x, h0, Wx, Wh, b)
    for a, c in zip((Wh, Wx, b, x, h0), copies):
        np.testing.assert_array_equal(a, c)
    with pytest.raises(ValueError, match="activation"):
        gf.rnn_jacobian_norms(x, h0, Wx, Wh, b, activation="sigmoid")
    with pytest.raises(ValueError, match="x must be"):
        gf.rnn_jacobian_norms(x[0], h0, Wx, Wh, b)
    with pytest.raises(ValueError, match="radius"):
        gf.scaled_recurrent_matrix(4, -1.0)


@pytest.mark.parametrize("radius", [0.0, 0.5, 1.0, 2.5])
def test_scaled_recurrent_matrix(radius):
    W = gf.scaled_recurrent_matrix(10, radius, seed=7)
    assert W.shape == (10, 10) and W.dtype == np.float64
    np.testing.assert_allclose(gf.spectral_radius(W), radius, atol=1e-12)
    np.testing.assert_array_equal(W, gf.scaled_recurrent_matrix(10, radius, seed=7))
    if radius:
        np.testing.assert_allclose(W / radius, gf.scaled_recurrent_matrix(10, 1.0, seed=7), rtol=1e-12)
    assert not np.array_equal(gf.scaled_recurrent_matrix(10, 1.0, seed=8), gf.scaled_recurrent_matrix(10, 1.0, seed=7))


def test_spectral_radius_by_hand():
    assert gf.spectral_radius([[0.0, -2.0], [2.0, 0.0]]) == pytest.approx(2.0)   # eigenvalues +-2i
    assert gf.spectral_radius(np.diag([0.5, -3.0, 1.0])) == pytest.approx(3.0)


def test_jacobian_norms_for_radius_is_the_documented_construction():
    norms = gf.jacobian_norms_for_radius(1.5, "tanh", H=6, T=9, D=2, seed=3, input_scale=0.5)
    Wh = gf.scaled_recurrent_matrix(6, 1.5, 3)
    rng = np.random.default_rng([3, 1])
    Wx = 0.5 * rng.standard_normal((2, 6)) / np.sqrt(2)
    x = rng.standard_normal((9, 2))
    np.testing.assert_allclose(norms, gf.rnn_jacobian_norms(x, None, Wx, Wh, np.zeros(6)))
    # with no input, tanh' = 1 at h = 0 and the curve is radius ** (T - k) in the long run
    linear = gf.jacobian_norms_for_radius(0.9, "linear", H=6, T=200, seed=3)
    assert linear[0] ** (1 / 200) == pytest.approx(0.9, rel=0.05)


def test_vanishing_below_one_exploding_well_above_with_tanh_and_relu():
    """The qualitative claims of the notebook, on its own settings (H = 32, T = 50, seed 0)."""
    for activation in ["tanh", "relu"]:
        below = gf.jacobian_norms_for_radius(0.5, activation)
        above = gf.jacobian_norms_for_radius(3.0, activation)
        assert below[0] < 1e-10 and above[0] > 1e3


def test_agrees_with_tensorflow_jacobian_of_a_keras_simple_rnn():
    """dh_T/dh_0 of Keras SimpleRNN (weights copied, initial_state = h0) by tf.GradientTape."""
    from rnncourse.course.setup import quiet_tensorflow
    from rnncourse.models import convert

    tf, _ = quiet_tensorflow()
    Wh, Wx, b, x, h0 = params(H=4, D=3, T=6, seed=5)
    for activation in ["tanh", "relu"]:
        layer = convert.keras_simple_rnn(Wx, Wh, b, activation=activation, return_sequences=False).layers[0]
        h0_t = tf.constant(h0[None], dtype=tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(h0_t)
            h_T = layer(tf.constant(x[None], dtype=tf.float32), initial_state=[h0_t])
        J = tape.jacobian(h_T, h0_t).numpy()[0, :, 0, :]          # (H, H): d h_T[j] / d h0[i]
        mine = gf.rnn_jacobian_norms(x, h0, Wx, Wh, b, activation)[0]
        np.testing.assert_allclose(mine, np.linalg.norm(J, 2), rtol=1e-4)


def test_plot_jacobian_norms():
    curves = {"a": gf.jacobian_norms_for_radius(0.5, T=20), "b": gf.jacobian_norms_for_radius(3.0, T=20),
              "zeros": np.r_[np.zeros(20), 1.0]}
    ax = plots.plot_jacobian_norms(curves, title="t", styles={"a": {"linestyle": "--"}})
    assert ax.get_yscale() == "log" and ax.get_title() == "t"
    lines = [line for line in ax.get_lines() if line.get_label() in curves]
    assert [line.get_label() for line in lines] == ["a", "b", "zeros"]
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(21))
    assert lines[0].get_linestyle() == "--"
    assert np.isnan(lines[2].get_ydata()[:20]).all()          # zeros are left out of a log plot
    ax2 = plots.plot_jacobian_norms(curves, against="distance")
    np.testing.assert_array_equal(ax2.get_lines()[0].get_xdata(), np.arange(20, -1, -1))
    assert "T - k" in ax2.get_xlabel()
    with pytest.raises(ValueError):
        plots.plot_jacobian_norms(curves, against="time")
