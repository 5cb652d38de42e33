"""A vanilla RNN in numpy, forward direction: the reference for units 01 and 03.

Row-vector convention, batch first, as Keras stores its weights:
``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``, ``Wx (D, H)`` = Keras ``kernel``,
``Wh (H, H)`` = ``recurrent_kernel``, ``b (H,)``, ``Wy (H, V)``, ``by (V,)``.
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One time step: ``next_h = tanh(x Wx + prev_h Wh + b)``.

    x (N, D), prev_h (N, H) -> next_h (N, H), and the cache ``(x, prev_h, Wx, Wh, next_h)``
    that the backward step needs (tanh' is computed from next_h: 1 - next_h ** 2).
    """
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_forward(x, h0, Wx, Wh, b):
    """Run :func:`rnn_step_forward` over a sequence with the same weights at every step.

    x (N, T, D), h0 (N, H) -> h (N, T, H) holding h_1 .. h_T, and a cache: the list of the
    T step caches.
    """
    return run_over_time(rnn_step_forward, x, h0, Wx, Wh, b)


def run_over_time(step, x, h0, *weights):
    """Apply ``step(x_t, prev_h, *weights) -> (next_h, cache)`` at t = 1 .. T, feeding each
    next_h into the following step: x (N, T, D), h0 (N, H) -> h (N, T, H) and the step caches.
    """
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]), dtype=np.result_type(x, h0, weights[0]))
    prev_h, caches = h0, []
    for t in range(T):
        prev_h, cache = step(x[:, t], prev_h, *weights)
        h[:, t] = prev_h
        caches.append(cache)
    return h, caches


def count_rnn_parameters(input_dim, units, output_dim):
    """Parameters of Keras ``SimpleRNN(units)`` + ``Dense(output_dim)`` on ``input_dim`` features.

    Wx (D, H) + Wh (H, H) + b (H,) + Wy (H, V) + by (V,); none of it grows with T.
    """
    D, H, V = input_dim, units, output_dim
    return D * H + H * H + H + H * V + V


def softmax(z, axis=-1):
    """Probabilities along ``axis``; subtracting the max first keeps ``exp`` from overflowing."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def rnn_output_forward(x, h0, Wx, Wh, b, Wy, by):
    """Hidden states and the output layer: ``y_t = softmax(h_t Wy + by)`` at every step.

    x (N, T, D), h0 (N, H) -> probabilities (N, T, V).
    """
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    return softmax(h @ Wy + by, axis=-1)


def random_rnn_params(D, H, V=None, seed=0, scale=0.5, dtype=np.float64):
    """Random weights for demos and tests: a dict with Wx, Wh, b (and Wy, by when V is given)."""
    rng = np.random.default_rng(seed)
    shapes = {"Wx": (D, H), "Wh": (H, H), "b": (H,)}
    if V is not None:
        shapes.update(Wy=(H, V), by=(V,))
    return {name: (scale * rng.standard_normal(shape)).astype(dtype) for name, shape in shapes.items()}
