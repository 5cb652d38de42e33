"""The quantitative claims of unit 06_lstm_gru that can be checked in seconds.

Each test rebuilds the notebook's small set-up with the same package code and asserts the
qualitative outcome the prose states, never a trained number. The claims about the models that
sections 5 and 7 train are checked on the notebook's own run: tests/notebook_claims/06_lstm_gru.py.
"""

import numpy as np
import pytest

from rnncourse import reference

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


# Sections 6 and 7: stacked layers and recurrent dropout.

def test_a_stacked_layer_reads_the_first_layers_width_and_needs_its_whole_sequence(keras_seeded):
    from rnncourse.course import quiet_tensorflow

    _, keras = quiet_tensorflow()
    N, T, D, H1, H2, V = 2, 5, 3, 8, 6, 5
    x = np.random.default_rng(0).standard_normal((N, T, D)).astype(np.float32)
    h1_all = keras.layers.LSTM(H1, return_sequences=True)(x)
    assert tuple(h1_all.shape) == (N, T, H1)
    assert tuple(keras.layers.LSTM(H2)(h1_all).shape) == (N, H2)
    h1_last = keras.layers.LSTM(H1)(x)
    assert tuple(h1_last.shape) == (N, H1)
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        keras.layers.LSTM(H2)(h1_last)

    stack = keras.Sequential([keras.Input((T, D)), keras.layers.LSTM(H1, return_sequences=True),
                              keras.layers.LSTM(H2), keras.layers.Dense(V)])
    formula = [reference.count_lstm_parameters(D, H1), reference.count_lstm_parameters(H1, H2), H2 * V + V]
    assert [layer.count_params() for layer in stack.layers] == formula == [384, 360, 35]
    assert reference.count_lstm_parameters(D, H2) == 240 != formula[1]
    counts = {flag: keras.Sequential([keras.Input((T, D)), keras.layers.LSTM(H1, return_sequences=flag)]).count_params()
              for flag in (True, False)}
    assert counts[True] == counts[False] == 384


def _linear_rnn(keras, Wh, **rates):
    """Section 7's probe: SimpleRNN without activation or bias, Wx = I, so h_t = (x_t * m_x) + (h_{t-1} * m_h) Wh."""
    D = Wh.shape[0]
    layer = keras.layers.SimpleRNN(D, activation=None, use_bias=False, return_sequences=True, **rates)
    layer.build((None, None, D))
    layer.set_weights([np.eye(D), Wh])
    return layer


def test_dropout_masks_are_the_same_at_every_step_new_per_call_and_off_at_inference(keras_seeded):
    from rnncourse.course import quiet_tensorflow

    _, keras = quiet_tensorflow()
    D, T = 4, 6
    ones = np.ones((3, T, D), np.float32)
    on_inputs = _linear_rnn(keras, np.zeros((D, D)), dropout=0.5)
    masks = [np.asarray(on_inputs(ones, training=True)) for _ in range(4)]
    for mask in masks:
        assert set(np.unique(mask)) <= {0.0, 2.0}                       # dropped, or kept and scaled by 1 / (1 - p)
        assert np.array_equal(mask, np.repeat(mask[:, :1], T, axis=1))  # the same mask at every step
    assert any(not np.array_equal(masks[0], m) for m in masks[1:])      # a new mask per call
    assert np.array_equal(np.asarray(on_inputs(ones, training=False)), ones)

    on_state = _linear_rnn(keras, np.eye(D), recurrent_dropout=0.5)
    h = np.asarray(on_state(ones, training=True)).transpose(0, 2, 1)   # (3, D, T): one row per unit
    kept = h[:, :, 1] == 3                                              # m_h = 2 gives 1, 3, 7, ...
    assert kept.any() and (~kept).any()
    assert np.array_equal(h[~kept], np.ones(((~kept).sum(), T)))       # m_h = 0: the past dropped at every step
    assert np.array_equal(h[kept], np.tile(2.0 ** np.arange(1, T + 1) - 1, (kept.sum(), 1)))
    assert np.array_equal(np.asarray(on_state(ones, training=False))[0, :, 0], np.arange(1, T + 1))

    lstm = keras.layers.LSTM(8, dropout=0.3, recurrent_dropout=0.3)
    x = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    assert not np.allclose(lstm(x, training=True), lstm(x, training=True))
    assert np.array_equal(lstm(x, training=False), lstm(x, training=False))
    assert np.array_equal(lstm(x), lstm(x, training=False))
