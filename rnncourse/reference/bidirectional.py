"""A bidirectional RNN in numpy (the reference of unit 07), and its Keras twin.

Two independent vanilla RNNs read the same sequence: the forward one from ``x_1`` to ``x_T``,
the backward one from ``x_T`` to ``x_1``, each with its own weights and initial state. The
output at step t puts the two states side by side:

    o_t = [forward h_t, backward h_t]       (N, 2H)

where the forward state at t has read ``x_1 .. x_t`` and the backward state at t has read
``x_T .. x_t``. Both halves are stored in the input's time order, as Keras
``Bidirectional(SimpleRNN(H, return_sequences=True))`` (``merge_mode="concat"``) returns them.

Shapes as everywhere in the course: ``x (N, T, D)``, ``h0 (N, H)``; each direction's params
are a tuple ``(Wx (D, H), Wh (H, H), b (H,))`` in Keras's layout, so copying them into Keras
needs no transpose: :func:`keras_bidirectional_rnn` builds the Keras model,
:func:`bidirectional_weights` reads the weights back.
"""

import numpy as np

from .rnn import rnn_forward


def birnn_forward(x, h0_fwd, h0_bwd, params_fwd, params_bwd):
    """The states of a bidirectional tanh RNN at every step, forward half first.

    Args:
        x: (N, T, D) N sequences of T steps.
        h0_fwd: (N, H) the forward RNN's initial state (before it reads x[:, 0]).
        h0_bwd: (N, H) the backward RNN's initial state (before it reads x[:, T - 1]).
        params_fwd: (Wx (D, H), Wh (H, H), b (H,)) of the forward RNN.
        params_bwd: (Wx (D, H), Wh (H, H), b (H,)) of the backward RNN, its own weights.

    Returns:
        (N, T, 2H): ``out[:, t, :H]`` is the forward state after reading x[:, 0] .. x[:, t];
        ``out[:, t, H:]`` is the backward state after reading x[:, T - 1] down to x[:, t].
    """
    h_fwd, _ = rnn_forward(x, h0_fwd, *params_fwd)               # (N, T, H), reads x_1 .. x_T
    h_rev, _ = rnn_forward(x[:, ::-1], h0_bwd, *params_bwd)      # (N, T, H), reads x_T .. x_1
    h_bwd = h_rev[:, ::-1]                                       # back in the input's time order
    return np.concatenate([h_fwd, h_bwd], axis=-1)               # (N, T, 2H)


def random_birnn_params(D, H, seed=0, scale=0.5, dtype=np.float64):
    """Random weights for demos and tests: ``(params_fwd, params_bwd)``, two independent
    tuples ``(Wx (D, H), Wh (H, H), b (H,))``."""
    rng = np.random.default_rng(seed)
    shapes = [(D, H), (H, H), (H,)]
    return tuple(tuple((scale * rng.standard_normal(s)).astype(dtype) for s in shapes) for _ in range(2))
