"""A GRU in numpy, forward direction, as Keras computes it (``reset_after=True``): unit 06.

Keras's layout and gate order. The three blocks of ``3H`` columns are, in this order:

====  ==============  ========  ===============================================
 z    update gate     sigmoid   how much of prev_h to keep (1 - z: how much to replace)
 r    reset gate      sigmoid   how much of the recurrent term enters the candidate
 h    candidate       tanh      the new content h_tilde (not a gate)
====  ==============  ========  ===============================================

``x (N, D)`` or ``(N, T, D)``, ``h (N, H)``, ``Wx (D, 3H)`` = Keras ``kernel``,
``Wh (H, 3H)`` = ``recurrent_kernel``, ``b (2, 3H)`` = ``bias``: row 0 is added to the input
term ``x Wx``, row 1 to the recurrent term ``prev_h Wh``. With ``reset_after=True`` the reset
gate multiplies the recurrent term after the matrix product, bias included:

    h_tilde = tanh(x Wx_h + b[0]_h + r * (prev_h Wh_h + b[1]_h))
    next_h  = z * prev_h + (1 - z) * h_tilde
"""

import numpy as np

from .lstm import sigmoid
from .rnn import run_over_time

GATES = ("z", "r", "h")  # Keras's order of the three column blocks


def gru_step_forward(x, prev_h, Wx, Wh, b):
    """One GRU step (Keras ``GRU`` with ``reset_after=True``).

    x (N, D), prev_h (N, H), Wx (D, 3H), Wh (H, 3H), b (2, 3H) -> next_h (N, H), and the
    cache ``(x, prev_h, Wx, Wh, z, r, h_tilde, recurrent_h)`` where ``recurrent_h`` is
    ``prev_h Wh_h + b[1]_h``, the term the reset gate scales.
    """
    H = prev_h.shape[1]
    ax = x @ Wx + b[0]                                       # (N, 3H): input terms, input bias
    ah = prev_h @ Wh + b[1]                                  # (N, 3H): recurrent terms, recurrent bias
    z = sigmoid(ax[:, :H] + ah[:, :H])                       # update gate
    r = sigmoid(ax[:, H:2 * H] + ah[:, H:2 * H])             # reset gate
    recurrent_h = ah[:, 2 * H:]
    h_tilde = np.tanh(ax[:, 2 * H:] + r * recurrent_h)       # reset after the product
    next_h = z * prev_h + (1 - z) * h_tilde                  # z = 1 keeps the old state
    return next_h, (x, prev_h, Wx, Wh, z, r, h_tilde, recurrent_h)


def gru_forward(x, h0, Wx, Wh, b):
    """Run :func:`gru_step_forward` over a sequence with the same weights at every step.

    x (N, T, D), h0 (N, H) -> h (N, T, H) holding h_1 .. h_T, and the list of step caches.
    """
    return run_over_time(gru_step_forward, x, h0, Wx, Wh, b)


def count_gru_parameters(input_dim, units):
    """Parameters of Keras ``GRU(units)`` (``reset_after=True``) on ``input_dim`` features.

    Wx (D, 3H) + Wh (H, 3H) + b (2, 3H) = 3 (DH + H^2 + 2H): three blocks of a SimpleRNN's,
    plus the second bias row.
    """
    D, H = input_dim, units
    return 3 * (D * H + H * H + 2 * H)


def random_gru_params(D, H, seed=0, scale=0.5, dtype=np.float64):
    """Random weights for demos and tests: a dict with ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (2, 3H)``."""
    rng = np.random.default_rng(seed)
    shapes = {"Wx": (D, 3 * H), "Wh": (H, 3 * H), "b": (2, 3 * H)}
    return {name: (scale * rng.standard_normal(shape)).astype(dtype) for name, shape in shapes.items()}
