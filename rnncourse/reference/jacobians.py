"""How a gradient travels back through a plain RNN: the norm of dh_T/dh_k against k.

Row-vector convention, as in :mod:`rnncourse.reference.rnn`: ``a_t = x_t Wx + h_{t-1} Wh + b`` and
``h_t = f(a_t)`` with ``x_t (D,)``, ``h_t (H,)``, ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``.

One step's Jacobian, written in the usual column (numerator) layout where row ``j`` is
output ``h_t[j]`` and column ``i`` is input ``h_{t-1}[i]``::

    J_t = dh_t / dh_{t-1} = diag(f'(a_t)) Wh^T          (H, H)

and the chain rule makes the Jacobian across many steps a product of them::

    dh_T / dh_k = J_T J_{T-1} ... J_{k+1}               (the identity when k = T)

Its norm is what multiplies a gradient arriving at ``h_T`` on its way back to ``h_k``. The
product has ``T - k`` factors, so it behaves like a power: it shrinks or grows geometrically
with the distance ``T - k``, at a rate set by ``Wh`` (its spectral radius) and by ``f'``
(``tanh' <= 1``; ``relu'`` is 0 or 1). These functions measure the products exactly, in
float64, instead of asserting the rate; unit 06 draws the same curve for an LSTM.
"""

import numpy as np

from .gru import gru_forward
from .lstm import lstm_forward

_ACTIVATIONS = {
    # name: (f, f' computed from the pre-activation a)
    "tanh": (np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),
    "relu": (lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(float)),
    "linear": (lambda a: a, lambda a: np.ones_like(a)),
}


def _activation(name):
    if name not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}; got {name!r}")
    return _ACTIVATIONS[name]


def spectral_radius(W):
    """The largest absolute value of the eigenvalues of a square matrix ``W``."""
    return float(np.max(np.abs(np.linalg.eigvals(np.asarray(W, dtype=float)))))


def with_spectral_radius(W, radius):
    """``W (H, H)`` multiplied by ``radius / spectral_radius(W)``: its spectral radius becomes ``radius``.

    The eigenvalues keep their directions and their ratios; only their size changes.
    """
    if radius < 0:
        raise ValueError(f"radius must be >= 0; got {radius!r}")
    W = np.asarray(W, dtype=float)
    return W * (radius / spectral_radius(W))


def scaled_recurrent_matrix(H, radius, seed=0):
    """A random ``Wh (H, H)`` with spectral radius exactly ``radius``, float64.

    The entries are drawn from a standard normal distribution (seeded by ``seed``, an int or a
    ``numpy.random.Generator``), then rescaled by :func:`with_spectral_radius`.
    """
    return with_spectral_radius(np.random.default_rng(seed).standard_normal((H, H)), radius)


def as_batch(x, h0, Wh, *weights):
    """Float64 arrays for a Jacobian measurement, one sequence or a batch alike.

    ``x (T, D)`` or ``(N, T, D)``, ``h0 (H,)``, ``(N, H)`` or None (zeros), ``Wh (H, ...)``
    -> ``x (N, T, D)``, ``h0 (N, H)``, ``single`` (x was one sequence), and the weights
    ``(Wh, *weights)`` as float64.
    """
    x = np.asarray(x, dtype=np.float64)
    single = x.ndim == 2
    if single:
        x = x[None]
    if x.ndim != 3:
        raise ValueError(f"x must be (T, D) or (N, T, D); got shape {x.shape}")
    weights = [np.asarray(w, dtype=np.float64) for w in (Wh, *weights)]
    N, H = x.shape[0], weights[0].shape[0]
    h0 = np.zeros((N, H)) if h0 is None else np.broadcast_to(np.asarray(h0, dtype=np.float64), (N, H))
    return x, h0, single, weights


def rnn_jacobian_norms(x, h0, Wx, Wh, b, activation="tanh", ord=2):
    """The norms ``||dh_T / dh_k||`` for ``k = 0, 1, ..., T`` of a plain RNN on one sequence.

    ``x (T, D)`` (one sequence) or ``(N, T, D)`` (a batch), ``h0 (H,)``, ``(N, H)`` or None
    (zeros), ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``: the arguments of the course's
    ``rnn_forward``, in its order. ``activation``: ``"tanh"``,
    ``"relu"`` or ``"linear"``. ``ord``: the matrix norm passed to ``numpy.linalg.norm``;
    the default 2 is the spectral norm (the largest factor by which the Jacobian can stretch
    a gradient).

    The forward pass records ``f'(a_t)``; the backward loop then builds the exact products
    ``dh_T/dh_k = J_T ... J_{k+1}`` with ``J_t = diag(f'(a_t)) Wh^T``, starting from the
    identity at ``k = T``. Returns float64 ``norms (T + 1,)``, or ``(N, T + 1)`` for a batch;
    entry ``k`` belongs to ``dh_T/dh_k``, so the last entry is ``||I||`` (1 for ``ord=2``).
    """
    f, fprime = _activation(activation)
    x, h, single, (Wh, Wx, b) = as_batch(x, h0, Wh, Wx, b)
    N, T, _ = x.shape
    H = Wh.shape[0]
    slopes = []                                    # f'(a_t) for t = 1 .. T, each (N, H)
    for t in range(T):
        a = x[:, t] @ Wx + h @ Wh + b
        slopes.append(fprime(a))
        h = f(a)
    norms = np.empty((N, T + 1))
    P = np.broadcast_to(np.eye(H), (N, H, H)).copy()  # dh_T/dh_T = I
    norms[:, T] = np.linalg.norm(P, ord=ord, axis=(1, 2))
    for t in range(T, 0, -1):                      # P = dh_T/dh_t  ->  dh_T/dh_{t-1}
        J = slopes[t - 1][:, :, None] * Wh.T       # diag(f'(a_t)) Wh^T, (N, H, H)
        P = P @ J
        norms[:, t - 1] = np.linalg.norm(P, ord=ord, axis=(1, 2))
    return norms[0] if single else norms


def jacobian_norms_for_radius(radius, activation="tanh", H=32, T=50, D=4, seed=0,
                              input_scale=1.0, ord=2):
    """One seeded curve of :func:`rnn_jacobian_norms` for a ``Wh`` of a given spectral radius.

    ``Wh`` comes from :func:`scaled_recurrent_matrix(H, radius, seed)`; ``Wx (D, H)`` is
    standard normal scaled by ``input_scale / sqrt(D)``, ``b`` is zero, ``x (T, D)`` standard
    normal and ``h0`` zero, all drawn from ``seed``. Returns ``norms (T + 1,)``, entry ``k``
    for ``||dh_T/dh_k||``.
    """
    Wh = scaled_recurrent_matrix(H, radius, seed)
    rng = np.random.default_rng([seed, 1])
    Wx = input_scale * rng.standard_normal((D, H)) / np.sqrt(D)
    x = rng.standard_normal((T, D))
    return rnn_jacobian_norms(x, None, Wx, Wh, np.zeros(H), activation=activation, ord=ord)


def lstm_jacobian_norms(x, h0, Wx, Wh, b, c0=None, ord=2):
    """How much the final state depends on each earlier one: norms of d(h_T, c_T) / d(h_k, c_k).

    The LSTM's state is the pair (h_t, c_t), so one step's Jacobian with respect to
    (prev_h, prev_c) has four (H, H) blocks, and the Jacobian of the last state with respect
    to state k is the product of the step Jacobians k+1 .. T (chain rule). Every path counts:
    dc_T/dc_k includes the paths that leave the cell through h and come back through the
    gates. Jacobians are in the column layout, ``J[i, j] = d out[i] / d in[j]``, as in
    :func:`rnn_jacobian_norms`, and the products are exact, in float64.

    Args:
        x: (T, D) one sequence, or (N, T, D) a batch.
        h0: (H,) or (N, H) initial state; c0 likewise, zeros when not given.
        Wx, Wh, b: (D, 4H), (H, 4H), (4H,), gate order i, f, c, o.
        ord: the matrix norm given to ``numpy.linalg.norm`` (2: the spectral norm).

    Returns:
        A dict of float64 norms, ``(T + 1,)`` for one sequence or ``(N, T + 1)``, entry k for
        step k (k = T is the identity, or zero for the cross blocks): ``"cc"`` = dc_T/dc_k,
        ``"hh"`` = dh_T/dh_k, ``"ch"`` = dc_T/dh_k, ``"hc"`` = dh_T/dc_k.
    """
    x, h0, single, (Wh, Wx, b) = as_batch(x, h0, Wh, Wx, b)
    N, T, _ = x.shape
    H = Wh.shape[0]
    c0 = np.zeros((N, H)) if c0 is None else np.broadcast_to(np.asarray(c0, dtype=np.float64), (N, H))
    _, caches = lstm_forward(x, h0, Wx, Wh, b, c0)
    Wi, Wf, Wg, Wo = (Wh[:, k * H:(k + 1) * H].T for k in range(4))  # (H, H): d a_gate / d prev_h
    blocks = {"hh": (slice(None, H), slice(None, H)), "hc": (slice(None, H), slice(H, None)),
              "ch": (slice(H, None), slice(None, H)), "cc": (slice(H, None), slice(H, None))}
    norms = {name: np.empty((N, T + 1)) for name in blocks}
    M = np.broadcast_to(np.eye(2 * H), (N, 2 * H, 2 * H)).copy()  # d(h_T, c_T)/d(h_t, c_t), rows and columns (h, c)
    for t in range(T, -1, -1):
        for name, (rows, cols) in blocks.items():
            norms[name][:, t] = np.linalg.norm(M[:, rows, cols], ord=ord, axis=(1, 2))
        if t == 0:
            break
        _, _, prev_c, _, _, i, f, g, o, next_c = caches[t - 1]  # the step from state t-1 to state t
        tc = np.tanh(next_c)
        # d next_c / d prev_h: each gate's slope times its block of Wh; d next_c / d prev_c = diag(f)
        dc_dh = ((prev_c * f * (1 - f))[:, :, None] * Wf + (g * i * (1 - i))[:, :, None] * Wi
                 + (i * (1 - g ** 2))[:, :, None] * Wg)                     # (N, H, H)
        dc_dc = f[:, :, None] * np.eye(H)                                  # (N, H, H), diagonal
        through_c = (o * (1 - tc ** 2))[:, :, None]                        # d next_h / d next_c
        dh_dh = (tc * o * (1 - o))[:, :, None] * Wo + through_c * dc_dh
        dh_dc = through_c * dc_dc
        M = M @ np.block([[dh_dh, dh_dc], [dc_dh, dc_dc]])
    return {name: value[0] if single else value for name, value in norms.items()}


def gru_jacobian_norms(x, h0, Wx, Wh, b, ord=2):
    """The norms ``||dh_T / dh_k||`` for ``k = 0 .. T`` of a GRU, exact products in float64.

    One step's Jacobian (column layout, ``J[i, j] = d next_h[i] / d prev_h[j]``) is
    ``diag(z)`` (the kept part of the old state) plus the paths through z, r and h_tilde.
    Arguments and result as :func:`rnn_jacobian_norms`: x (T, D) or
    (N, T, D), h0 (H,) or (N, H); returns (T + 1,) or (N, T + 1), the last entry for k = T.
    """
    x, h0, single, (Wh, Wx, b) = as_batch(x, h0, Wh, Wx, b)
    N, T, _ = x.shape
    H = Wh.shape[0]
    _, caches = gru_forward(x, h0, Wx, Wh, b)
    Wz, Wr, Wn = (Wh[:, k * H:(k + 1) * H].T for k in range(3))       # (H, H): d a_gate / d prev_h
    norms = np.empty((N, T + 1))
    M = np.broadcast_to(np.eye(H), (N, H, H)).copy()                   # dh_T/dh_t
    for t in range(T, -1, -1):
        norms[:, t] = np.linalg.norm(M, ord=ord, axis=(1, 2))
        if t == 0:
            break
        _, prev_h, _, _, z, r, h_tilde, recurrent_h = caches[t - 1]
        slope = (1 - z) * (1 - h_tilde ** 2)                           # d next_h / d (pre-activation of h_tilde)
        d_tilde = ((recurrent_h * r * (1 - r))[:, :, None] * Wr + r[:, :, None] * Wn)
        J = (z[:, :, None] * np.eye(H) + ((prev_h - h_tilde) * z * (1 - z))[:, :, None] * Wz
             + slope[:, :, None] * d_tilde)
        M = M @ J
    return norms[0] if single else norms
