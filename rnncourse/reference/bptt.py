"""Backpropagation through time for the vanilla RNN of :mod:`rnncourse.reference.rnn`: the reference of unit 04.

Row-vector convention, batch first, as in the forward pass: ``x (N, D)`` or ``(N, T, D)``,
``h (N, H)``, ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)``. A gradient ``dv`` always has the
shape of ``v``. The caches are the ones :mod:`rnncourse.reference.rnn` returns: a step cache is
``(x, prev_h, Wx, Wh, next_h)``; a sequence cache is the list of the T step caches.

Besides the exact backward pass this module holds the loss at the top of it (softmax
cross-entropy at every step, with its gradient), two truncated backward passes (what truncated
BPTT keeps and what it drops), a centred-difference gradient and the relative error used to
compare gradients.
"""

import numpy as np

from ..validate import positive_int


def rnn_step_backward(dnext_h, cache):
    """Backward pass of one step ``next_h = tanh(x Wx + prev_h Wh + b)``.

    Args:
        dnext_h: (N, H) gradient of the loss with respect to next_h.
        cache: ``(x, prev_h, Wx, Wh, next_h)`` from :func:`rnncourse.reference.rnn.rnn_step_forward`.

    Returns:
        ``(dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,))``.
    """
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)       # (N, H): tanh'(a) = 1 - tanh(a)^2 = 1 - next_h^2
    dx = da @ Wx.T                          # (N, H) @ (H, D)
    dprev_h = da @ Wh.T                     # (N, H) @ (H, H): one Jacobian-vector product
    dWx = x.T @ da                          # (D, N) @ (N, H): summed over the batch
    dWh = prev_h.T @ da                     # the state that was multiplied by Wh: prev_h
    db = da.sum(axis=0)                     # b was added to every row
    return dx, dprev_h, dWx, dWh, db


def _zero_grads(dh, cache):
    x, _, Wx, Wh, _ = cache[0]
    N, T, _ = dh.shape
    dtype = np.result_type(dh, x, Wx)
    return (np.zeros((N, T, Wx.shape[0]), dtype), np.zeros((N, Wh.shape[0]), dtype),
            np.zeros(Wx.shape, dtype), np.zeros(Wh.shape, dtype), np.zeros(Wh.shape[0], dtype))


def _check_sequence(dh, cache):
    if len(cache) == 0:
        raise ValueError("the cache holds no steps: rnn_forward was run on a sequence of length 0")
    if dh.ndim != 3 or dh.shape[1] != len(cache):
        raise ValueError(f"dh has shape {dh.shape}; expected (N, T, H) with T = {len(cache)}, the "
                         f"number of step caches")


def rnn_backward(dh, cache):
    """Exact backpropagation through time over a whole sequence.

    Args:
        dh: (N, T, H) upstream gradient: ``dh[:, t]`` is the partial derivative of the loss with
            respect to the state ``h[:, t]`` (h_{t+1} in the notes), holding the other states fixed.
        cache: the list of T step caches from :func:`rnncourse.reference.rnn.rnn_forward`.

    Returns:
        ``(dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,))``: total derivatives,
        summed over every path through time.
    """
    _check_sequence(dh, cache)
    dx, _, dWx, dWh, db = _zero_grads(dh, cache)
    carried = np.zeros_like(dh[:, 0])          # dL/dh_t arriving from steps t+1 .. T
    for t in reversed(range(len(cache))):
        dnext_h = dh[:, t] + carried            # total derivative of L with respect to h_t
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dnext_h, cache[t])
        dWx += dWx_t                            # the same weights are used at every step:
        dWh += dWh_t                            # their gradients add up
        db += db_t
    return dx, carried, dWx, dWh, db


def rnn_backward_truncated(dh, cache, k):
    """Truncated BPTT, one window per loss term: each ``dh[:, s]`` goes back at most ``k`` steps.

    The upstream gradient of state s flows through steps s, s - 1, ..., s - k + 1 and is
    dropped there: the paths longer than k steps are left out of the sum. k = 1 keeps only the
    step that produced each state; k >= T gives :func:`rnn_backward` exactly. (This is the
    truncation of Williams and Peng; its cost is O(T k) step backwards.)

    Args:
        dh: (N, T, H) upstream gradients, as in :func:`rnn_backward`.
        cache: the list of T step caches from :func:`rnncourse.reference.rnn.rnn_forward`.
        k: int >= 1, the longest path kept, in steps.

    Returns:
        ``(dx, dh0, dWx, dWh, db)`` with the shapes of :func:`rnn_backward`; ``dh0`` holds only
        the paths that reach h0 within k steps.
    """
    _check_sequence(dh, cache)
    positive_int("k", k, "the number of steps to go back")
    dx, dh0, dWx, dWh, db = _zero_grads(dh, cache)
    for s in range(len(cache)):
        grad = dh[:, s]                         # this loss term's gradient, sent back alone
        for t in range(s, max(s - k, -1), -1):  # steps s, s-1, ..., s-k+1 (and not before 0)
            dx_t, grad, dWx_t, dWh_t, db_t = rnn_step_backward(grad, cache[t])
            dx[:, t] += dx_t
            dWx += dWx_t
            dWh += dWh_t
            db += db_t
        if s - k < 0:                           # the window reached the start: grad is dL/dh0's share
            dh0 += grad
    return dx, dh0, dWx, dWh, db


def rnn_backward_chunked(dh, cache, k):
    """Truncated BPTT as trained in practice: exact BPTT inside chunks of ``k`` steps.

    The sequence is cut into chunks of k steps (the last may be shorter). The forward pass
    carries the state across a cut, but the backward pass does not: the gradient reaching the
    first state of a chunk is dropped (as when a stateful model detaches the state between
    batches). A loss term at the end of a chunk keeps paths of up to k steps, one at its start
    only a path of 1. k >= T gives :func:`rnn_backward` exactly.

    Args and returns as :func:`rnn_backward_truncated`; ``dh0`` is non-zero only through the
    first chunk.
    """
    _check_sequence(dh, cache)
    positive_int("k", k, "the chunk length in steps")
    dx, dh0, dWx, dWh, db = _zero_grads(dh, cache)
    for start in range(0, len(cache), k):
        stop = min(start + k, len(cache))
        dx[:, start:stop], carried, dWx_c, dWh_c, db_c = rnn_backward(dh[:, start:stop], cache[start:stop])
        dWx += dWx_c
        dWh += dWh_c
        db += db_c
        if start == 0:
            dh0 = carried                       # later chunks' carried gradients are dropped
    return dx, dh0, dWx, dWh, db


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function at ``x``.

    ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every index i of x. Each entry of x
    is moved in place, f(x) is evaluated, and the entry is written back exactly, so f may also
    read x through a closure and x is unchanged on return.

    Args:
        f: function of x returning a scalar (a float or a 0-d array).
        x: float array of any shape (float64 for accurate results).
        h: the step.

    Returns:
        array of the shape of x, float64.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old                              # the saved value: old + h - h need not equal old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_gradients(loss, args, h=1e-5):
    """Centred-difference gradients of the scalar ``loss(*args)`` with respect to each array in ``args``."""
    grads = []
    for i, arg in enumerate(args):
        def f(value, i=i):
            return loss(*args[:i], value, *args[i + 1:])
        grads.append(numerical_gradient(f, arg.copy(), h))
    return grads


def rel_error(a, b):
    """Relative error of two arrays: ``||a - b|| / (||a|| + ||b||)`` in the Frobenius norm.

    0 for equal arrays, 1 for opposite ones; between two float64 computations of the same
    gradient, values near 1e-10 mean "equal up to rounding". Two zero arrays give 0.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


def temporal_softmax_loss(scores, y, mask=None):
    """Softmax cross-entropy at every time step, summed over time and averaged over the batch.

    Inputs:
    - scores: (N, T, V) unnormalised log-probabilities of the V classes at each step
    - y: (N, T) integer targets, each in 0 .. V-1
    - mask: (N, T) booleans, True where a step counts (padding: False); None counts every step

    Returns ``(loss, dscores)``:
    - loss: float, ``-(1/N) * sum over n, t of mask[n, t] * log softmax(scores[n, t])[y[n, t]]``
    - dscores: (N, T, V), its exact gradient ``mask[n, t] * (softmax(scores[n, t]) - onehot(y[n, t])) / N``

    The max of each ``scores[n, t]`` is subtracted before ``exp``, so large scores cannot overflow.
    """
    N = scores.shape[0]
    counted = np.ones(y.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    shifted = scores - scores.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))       # (N, T, V)
    target = y[..., None]                                                            # (N, T, 1)
    loss = -np.sum(np.take_along_axis(log_probs, target, axis=-1)[..., 0] * counted) / N
    dscores = np.exp(log_probs)
    np.put_along_axis(dscores, target, np.take_along_axis(dscores, target, axis=-1) - 1, axis=-1)
    return float(loss), dscores * counted[..., None] / N
