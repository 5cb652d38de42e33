"""An LSTM in numpy, the forward pass and one backward step: the reference for unit 06.

Keras's layout and gate order. The four blocks of ``4H`` columns are, in this order:

====  ==============  ===========  ==========================================
 i    input gate      sigmoid      how much of the candidate to write
 f    forget gate     sigmoid      how much of the old cell to keep
 c    candidate       tanh         what could be written (not a gate)
 o    output gate     sigmoid      how much of tanh(cell) to show as h
====  ==============  ===========  ==========================================

``x (N, D)`` or ``(N, T, D)``, ``h`` and ``c`` ``(N, H)``, ``Wx (D, 4H)`` = Keras ``kernel``,
``Wh (H, 4H)`` = ``recurrent_kernel``, ``b (4H,)`` = ``bias``.
"""

import numpy as np

GATES = ("i", "f", "c", "o")  # Keras's order of the four column blocks


def sigmoid(a):
    """The logistic function ``1 / (1 + exp(-a))``, computed without overflow for any sign of a."""
    a = np.asarray(a)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step.

    ``a = x Wx + prev_h Wh + b`` (N, 4H), split into blocks i, f, c, o; then
    ``next_c = sigmoid(a_f) * prev_c + sigmoid(a_i) * tanh(a_c)`` and
    ``next_h = sigmoid(a_o) * tanh(next_c)``.

    x (N, D), prev_h (N, H), prev_c (N, H) -> next_h (N, H), next_c (N, H), and the cache
    ``(x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)`` (g is the candidate tanh(a_c)).
    """
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b                             # (N, 4H): all four pre-activations
    i = sigmoid(a[:, :H])                                    # input gate
    f = sigmoid(a[:, H:2 * H])                               # forget gate
    g = np.tanh(a[:, 2 * H:3 * H])                           # candidate, in (-1, 1)
    o = sigmoid(a[:, 3 * H:])                                # output gate
    next_c = f * prev_c + i * g                              # keep some of the old, add some new
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one :func:`lstm_step_forward`.

    Inputs:
    - dnext_h: (N, H) gradient of the loss with respect to next_h
    - dnext_c: (N, H) gradient of the loss with respect to next_c (from the next step's cell)
    - cache: ``(x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c)`` from :func:`lstm_step_forward`

    Returns ``(dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,))``.
    The cell gets both paths, ``dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2)``; then
    ``dprev_c = dc * f``, the additive path, and the four gate gradients are stacked in Keras's
    order i, f, c, o into ``da (N, 4H)``, the gradient of the pre-activation.
    """
    x, prev_h, prev_c, Wx, Wh, i, f, g, o, next_c = cache
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)          # next_h = o * tanh(next_c) adds a second path
    dprev_c = dc * f                                         # next_c = f * prev_c + ...: scaled by f alone
    di = dc * g * i * (1 - i)                                # sigmoid' = s (1 - s)
    df = dc * prev_c * f * (1 - f)                           # f multiplied prev_c
    dg = dc * i * (1 - g ** 2)                               # tanh' = 1 - tanh^2
    do = dnext_h * tanh_c * o * (1 - o)
    da = np.concatenate([di, df, dg, do], axis=1)            # (N, 4H), blocks i, f, c, o
    dx = da @ Wx.T                                           # (N, 4H) @ (4H, D)
    dprev_h = da @ Wh.T                                      # (N, 4H) @ (4H, H)
    dWx = x.T @ da                                           # (D, N) @ (N, 4H)
    dWh = prev_h.T @ da                                      # (H, N) @ (N, 4H)
    db = da.sum(axis=0)                                      # (4H,)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    """Run :func:`lstm_step_forward` over a sequence, starting from ``h0`` and a zero cell.

    x (N, T, D), h0 (N, H) -> h (N, T, H) holding h_1 .. h_T, and a cache: the list of the
    T step caches (each step's ``next_c`` is in it). ``c0`` (N, H) replaces the zero initial
    cell when given (Keras starts from zeros for both h and c).
    """
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H), dtype=np.result_type(x, h0, Wx))
    prev_h = h0
    prev_c = np.zeros_like(h0) if c0 is None else c0
    caches = []
    for t in range(T):
        prev_h, prev_c, cache = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(cache)
    return h, caches


def count_lstm_parameters(input_dim, units):
    """Parameters of Keras ``LSTM(units)`` on ``input_dim`` features: four blocks of a SimpleRNN's.

    Wx (D, 4H) + Wh (H, 4H) + b (4H,) = 4 (DH + H^2 + H).
    """
    D, H = input_dim, units
    return 4 * (D * H + H * H + H)


def random_lstm_params(D, H, seed=0, scale=0.5, forget_bias=0.0, dtype=np.float64):
    """Random weights for demos and tests: a dict with ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)``.

    ``forget_bias`` is added to the forget gate's block of ``b`` (Keras starts it at 1).
    """
    rng = np.random.default_rng(seed)
    Wx = scale * rng.standard_normal((D, 4 * H))
    Wh = scale * rng.standard_normal((H, 4 * H))
    b = scale * rng.standard_normal(4 * H)
    b[H:2 * H] += forget_bias
    return {"Wx": Wx.astype(dtype), "Wh": Wh.astype(dtype), "b": b.astype(dtype)}
