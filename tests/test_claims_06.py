"""The quantitative claims of unit 06_lstm_gru that can be checked in seconds.

Each test rebuilds the notebook's small set-up with the same package code and asserts the
qualitative outcome the prose states, never a trained number.
"""

import numpy as np
import pytest

from rnncourse import data, reference

T_JAC, D_JAC, H_JAC = 60, 4, 32


def _section_2_lstm(b_f):
    """Section 2's random LSTM: inputs x (T, D), and Wx, Wh, b with forget bias b_f."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((T_JAC, D_JAC))
    Wx = rng.standard_normal((D_JAC, 4 * H_JAC)) / np.sqrt(D_JAC)
    Wh = rng.standard_normal((H_JAC, 4 * H_JAC)) / np.sqrt(H_JAC)
    b = np.zeros(4 * H_JAC)
    b[H_JAC:2 * H_JAC] = b_f
    return x, Wx, Wh, b


def _lstm_cell_norms(b_f):
    """Section 2's cell: ||d c_T / d c_k|| of a random LSTM whose forget bias is b_f."""
    x, Wx, Wh, b = _section_2_lstm(b_f)
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


def _cell_path_ratios(b_f, back=(10, 30, 60)):
    """Section 2's backward demo: RMS of dprev_c along the cell path alone over RMS along every path,
    k steps back from dL/dc_T = 1, dL/dh_T = 0; also whether the cell path is the product of the f's."""
    x, Wx, Wh, b = _section_2_lstm(b_f)
    _, caches = reference.lstm_forward(x[None], np.zeros((1, H_JAC)), Wx, Wh, b)
    dc_all = dc_f = prod_f = np.ones((1, H_JAC))
    dh_all, ratios = np.zeros((1, H_JAC)), {}
    for k, cache in enumerate(reversed(caches), start=1):
        _, dh_all, dc_all, *_ = reference.lstm_step_backward(dh_all, dc_all, cache)
        dc_f = reference.lstm_step_backward(np.zeros_like(dc_f), dc_f, cache)[2]
        prod_f = prod_f * cache[6]
        if k in back:
            ratios[k] = np.sqrt(np.mean(dc_f ** 2) / np.mean(dc_all ** 2))
    return ratios, np.allclose(dc_f, prod_f)


def test_the_cell_path_is_the_product_of_forget_gates_and_carries_more_with_an_open_gate():
    shut, exact_shut = _cell_path_ratios(1.0)
    open_, exact_open = _cell_path_ratios(3.0)
    assert exact_shut and exact_open
    assert open_[10] > 0.5 > shut[10]                  # "most of the gradient" only with b_f = 3
    assert open_[30] > 0.5 and shut[30] < 0.1
    assert shut[60] < 1e-3 < open_[60] < 0.5           # after 60 steps the gates' paths supply the rest
