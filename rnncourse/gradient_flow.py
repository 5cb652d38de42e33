"""How a gradient travels back through a plain RNN: the norm of dh_T/dh_k against k.

Row-vector convention, as in :mod:`rnncourse.rnn`: ``a_t = x_t Wx + h_{t-1} Wh + b`` and
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


def scaled_recurrent_matrix(H, radius, seed=0):
    """A random ``Wh (H, H)`` rescaled so that its spectral radius is exactly ``radius``.

    The entries are drawn from a standard normal distribution (seeded by ``seed``, an int or a
    ``numpy.random.Generator``) and the whole matrix is multiplied by
    ``radius / spectral_radius``: the eigenvalues keep their directions and their ratios,
    only their size changes. Returns float64.
    """
    if radius < 0:
        raise ValueError(f"radius must be >= 0; got {radius!r}")
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((H, H))
    return W * (radius / spectral_radius(W))


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


def rnn_jacobian_norms(Wh, Wx, b, x, h0=None, activation="tanh", ord=2):
    """The norms ``||dh_T / dh_k||`` for ``k = 0, 1, ..., T`` of a plain RNN on one sequence.

    ``Wh (H, H)``, ``Wx (D, H)``, ``b (H,)``, ``x (T, D)`` (one sequence) or ``(N, T, D)``
    (a batch), ``h0 (H,)`` or ``(N, H)``, default zeros. ``activation``: ``"tanh"``,
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
    return rnn_jacobian_norms(Wh, Wx, np.zeros(H), x, activation=activation, ord=ord)


def plot_jacobian_norms(curves, against="k", ax=None, title=None, styles=None):
    """Draw several ``||dh_T/dh_k||`` curves on a log scale.

    ``curves``: ``{label: norms (T + 1,)}``, entry ``k`` for ``dh_T/dh_k`` (what
    :func:`rnn_jacobian_norms` returns). ``against``: ``"k"`` puts ``k = 0 .. T`` on the x axis
    (the gradient travels right to left, from ``k = T``); ``"distance"`` puts ``T - k``, the
    number of steps back, so curves of different lengths start together at 0. ``styles``:
    optional ``{label: dict of plot keyword arguments}``. Norms of exactly 0 (e.g. relu units
    that all went silent) cannot be drawn on a log axis and are left out. Returns the Axes.
    """
    import matplotlib.pyplot as plt

    if against not in ("k", "distance"):
        raise ValueError(f"against must be 'k' or 'distance'; got {against!r}")
    if ax is None:
        _, ax = plt.subplots()
    styles = styles or {}
    T_max = 0
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        T = len(norms) - 1
        T_max = max(T_max, T)
        k = np.arange(T + 1)
        xs = k if against == "k" else T - k
        shown = np.where(norms > 0, norms, np.nan)
        ax.plot(xs, shown, label=label, **styles.get(label, {}))
    ax.set_yscale("log")
    ax.axhline(1.0, color="grey", linewidth=1, linestyle=":")
    if against == "k":
        ax.set_xlabel(f"k (T = {T_max})" if len({len(v) for v in curves.values()}) == 1 else "k")
        ax.set_ylabel(r"$\|\partial h_T / \partial h_k\|$")
    else:
        ax.set_xlabel("steps back, T - k")
        ax.set_ylabel(r"$\|\partial h_T / \partial h_k\|$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
