"""The quantitative claims of unit 03_architecture, checked with the code the notebook runs.

The relu demo is plain numpy in the notebook (the loop is the lesson); it is repeated here with
the same seeds. The training demo's untrained model is ``reference.rnn_output_forward`` on the
notebook's start weights.
"""

import numpy as np

from rnncourse import reference


def _relu_demo():
    """The activation demo of the notebook: the relu states (T, H), pre-activations (T, H), and Wh."""
    rng = np.random.default_rng(0)
    D, H, T = 3, 32, 100
    Wx = rng.standard_normal((D, H)) / np.sqrt(D)
    Wh = 2.0 * rng.standard_normal((H, H)) / np.sqrt(H)
    x = rng.standard_normal((1, T, D))
    h, states, pres = np.zeros((1, H)), [], []
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh
        h = np.maximum(a, 0.0)
        pres.append(a[0])
        states.append(h[0])
    return np.array(states), np.array(pres), Wh


def _geometric_mean(ratios):
    return np.exp(np.mean(np.log(ratios)))


def test_relu_grows_by_far_less_than_the_factor_2_of_wh_because_it_zeroes_about_half_the_units():
    states, pres, Wh = _relu_demo()
    norms = np.linalg.norm(states, axis=1)
    growth = (norms[-1] / norms[49]) ** (1 / 50)
    random_rows = np.random.default_rng(9).standard_normal((500, Wh.shape[0]))
    stretch_random = np.mean(np.linalg.norm(random_rows @ Wh, axis=1) / np.linalg.norm(random_rows, axis=1))
    prev, new = states[49:-1], states[50:]
    by_Wh = _geometric_mean(np.linalg.norm(prev @ Wh, axis=1) / np.linalg.norm(prev, axis=1))
    by_relu = _geometric_mean(np.linalg.norm(new, axis=1) / np.linalg.norm(pres[50:], axis=1))
    assert 1.8 < stretch_random < 2.2 and 1.8 < by_Wh < 2.2          # W_h makes a vector about twice as long
    assert 1.05 < growth < 1.3                                      # yet relu's state grows far slower,
    assert 0.4 < np.mean(new == 0) < 0.6 and by_relu < 0.65         # because relu zeroes about half the units
    assert abs(by_Wh * by_relu / growth - 1) < 0.01                 # and the two factors make the growth
    assert norms[-1] > 1e6 and growth ** 200 > 1e12                 # millions after 100 steps; > 1e12 after 200


def _next_character_task():
    text = "hello world, hello rnn, hello keras. "
    chars = sorted(set(text))
    codes = np.array([chars.index(c) for c in text])
    T = 8
    inputs = np.stack([codes[s:s + T] for s in range(len(text) - T)])
    targets = np.stack([codes[s + 1:s + T + 1] for s in range(len(text) - T)])
    return np.eye(len(chars), dtype=np.float32)[inputs], targets, len(chars)


def test_the_untrained_model_does_worse_than_uniform_guessing_and_equal_logits_cost_exactly_log_v():
    x, targets, V = _next_character_task()
    N, H = len(x), 16
    start = reference.random_rnn_params(V, H, V, seed=3, scale=0.3, dtype=np.float32)
    h0 = np.zeros((N, H), np.float32)

    def loss(probs):
        return -np.mean(np.log(np.take_along_axis(probs, targets[..., None], axis=-1)))

    probs = reference.rnn_output_forward(x, h0, **start)
    equal = reference.rnn_output_forward(x, h0, **{**start, "Wy": 0 * start["Wy"], "by": 0 * start["by"]})
    assert loss(probs) > np.log(V) + 0.1                            # worse than guessing, not "close to log V"
    assert -np.mean(np.log(probs)) > np.log(V)                      # over all V targets too (Jensen)
    assert abs(loss(equal) - np.log(V)) < 1e-5                      # equal logits: exactly log V
