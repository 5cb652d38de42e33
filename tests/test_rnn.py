import numpy as np
import pytest

from rnncourse.course.setup import quiet_tensorflow
from rnncourse.reference import rnn

pytestmark = pytest.mark.usefixtures("keras_seeded")


def test_step_by_hand():
    # D = 1, H = 1: next_h = tanh(2 * 0.5 + 1 * 0.25 + 0.1)
    next_h, _ = rnn.rnn_step_forward(np.array([[2.0]]), np.array([[1.0]]), np.array([[0.5]]),
                                     np.array([[0.25]]), np.array([0.1]))
    assert next_h[0, 0] == pytest.approx(np.tanh(1.35))


def test_forward_is_the_step_repeated():
    p = rnn.random_rnn_params(3, 4)
    x = np.random.default_rng(1).standard_normal((2, 5, 3))
    h0 = np.zeros((2, 4))
    h, caches = rnn.rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"])
    assert h.shape == (2, 5, 4) and len(caches) == 5
    prev = h0
    for t in range(5):
        prev, _ = rnn.rnn_step_forward(x[:, t], prev, p["Wx"], p["Wh"], p["b"])
        np.testing.assert_allclose(h[:, t], prev)


def test_softmax_is_stable_and_normalised():
    z = np.array([[1000.0, 1001.0, 1002.0], [-5.0, 0.0, 5.0]])
    with np.errstate(all="raise"):
        p = rnn.softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    np.testing.assert_allclose(p[0], np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum())
    np.testing.assert_allclose(rnn.softmax(z.T, axis=0), p.T)


def test_parameter_count_and_numpy_equal_keras():
    _, keras = quiet_tensorflow()
    D, H, V = 5, 7, 3
    model = keras.Sequential([keras.Input((None, D)), keras.layers.SimpleRNN(H, return_sequences=True),
                              keras.layers.Dense(V, activation="softmax")])
    assert rnn.count_rnn_parameters(D, H, V) == model.count_params()
    Wx, Wh, b, Wy, by = model.get_weights()  # Keras order: kernel, recurrent_kernel, bias, Dense kernel, bias
    x = np.random.default_rng(0).standard_normal((4, 6, D)).astype(np.float32)
    mine = rnn.rnn_output_forward(x, np.zeros((4, H), np.float32), Wx, Wh, b, Wy, by)
    np.testing.assert_allclose(mine, model(x).numpy(), rtol=1e-5, atol=1e-6)
