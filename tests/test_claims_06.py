"""The quantitative claims of unit 06_lstm_gru that can be checked in seconds.

Each test rebuilds the notebook's small set-up with the same package code and asserts the
qualitative outcome the prose states, never a trained number.
"""

import numpy as np
import pytest

from rnncourse import data, reference

T_JAC, D_JAC, H_JAC = 60, 4, 32


def _lstm_cell_norms(b_f):
    """Section 2's cell: ||d c_T / d c_k|| of a random LSTM whose forget bias is b_f."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T_JAC, D_JAC))
    Wx = rng.standard_normal((D_JAC, 4 * H_JAC)) / np.sqrt(D_JAC)
    Wh = rng.standard_normal((H_JAC, 4 * H_JAC)) / np.sqrt(H_JAC)
    b = np.zeros(4 * H_JAC)
    b[H_JAC:2 * H_JAC] = b_f
    return reference.lstm_jacobian_norms(x, np.zeros(H_JAC), Wx, Wh, b)["cc"]


def test_the_default_forget_bias_loses_four_orders_but_keeps_more_than_the_plain_rnn_at_radius_1_5():
    lstm = _lstm_cell_norms(1.0)[0]
    plain = reference.jacobian_norms_for_radius(1.5, "tanh", H=H_JAC, T=T_JAC, D=D_JAC, seed=0)[0]
    assert lstm < 1e-4                 # more than four orders of magnitude lost over 60 steps
    assert lstm > 10 * plain           # yet well above the plain RNN with radius 1.5


def test_an_open_forget_gate_keeps_the_path_and_a_wider_one_makes_it_grow():
    assert 0.5 < _lstm_cell_norms(3.0)[0] < 5
    assert _lstm_cell_norms(5.0)[0] > 10


def _simple_rnn_accuracy(lag, learning_rate, V=4, H=32, batch=128, max_steps=200, every=20):
    """Section 5's SimpleRNN run (seed 0, fresh sequences, stop when solved), its test accuracy."""
    from rnncourse.course import quiet_tensorflow

    _, keras = quiet_tensorflow()

    class StopWhenSolved(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] > 0.95:
                self.model.stop_training = True

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((lag + 1, V)), keras.layers.SimpleRNN(H),
                              keras.layers.Dense(V, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, y = data.remember_first_task(batch * max_steps, lag, V, seed=lag)
    model.fit(x, y, batch_size=batch, epochs=max_steps // every, steps_per_epoch=every,
              callbacks=[StopWhenSolved()], verbose=0)
    x_test, y_test = data.remember_first_task(1000, lag, V, seed=1000 + lag)
    return float(np.mean(model(x_test).numpy().argmax(axis=-1) == y_test))


@pytest.mark.usefixtures("keras_seeded")
def test_at_its_own_learning_rate_the_simple_rnn_solves_lag_20_but_not_lag_80():
    assert _simple_rnn_accuracy(20, 0.005) > 0.95
    assert _simple_rnn_accuracy(80, 0.005) < 0.5
