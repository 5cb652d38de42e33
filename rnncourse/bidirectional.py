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

from .convert import as_floatx, checked_weight, find_layer, weights_of, with_output_layer
from .notebook import quiet_tensorflow
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


def _params(name, params):
    """Check one direction's ``(Wx, Wh, b)``; return them as arrays and H."""
    if not isinstance(params, (tuple, list)) or len(params) != 3:
        raise ValueError(f"{name} should be a tuple (Wx, Wh, b); got {type(params).__name__}"
                         + (f" of length {len(params)}" if isinstance(params, (tuple, list)) else ""))
    Wx = np.asarray(params[0])
    if Wx.ndim != 2:
        raise ValueError(f"{name}: Wx has shape {Wx.shape}; expected (D, H), a 2-D array")
    D, H = Wx.shape
    units = f"H = {H} hidden units, from {name}'s Wx of shape (D, H) = {Wx.shape}"
    Wh = checked_weight(f"{name}: Wh", params[1], (H, H), f"(H, H) with {units}")
    b = checked_weight(f"{name}: b", params[2], (H,), f"(H,) with {units}")
    return (Wx, Wh, b), D, H


def keras_bidirectional_rnn(params_fwd, params_bwd, Wy=None, by=None, activation="tanh",
                            return_sequences=True):
    """A Keras model that computes :func:`birnn_forward` with these weights.

    Args:
        params_fwd: (Wx (D, H), Wh (H, H), b (H,)) copied into the forward SimpleRNN.
        params_bwd: (Wx (D, H), Wh (H, H), b (H,)) copied into the backward SimpleRNN
            (Keras's ``go_backwards=True`` copy of the layer).
        Wy, by: optional output layer, (2H, V) and (V,): give both or neither. With them the
            model ends in ``Dense(V, activation="softmax")`` applied to every step's (N, 2H)
            concatenation.
        activation: the SimpleRNNs' activation ("tanh" as in :func:`birnn_forward`, or "relu").
        return_sequences: True for every step's output (N, T, 2H); False for (N, 2H): the
            forward state after x_T beside the backward state after x_1.

    Returns:
        An uncompiled ``keras.Model`` with input ``(N, T, D)`` for any T, built from
        ``Bidirectional(SimpleRNN(H, ...), merge_mode="concat", name="bidirectional")``. Called
        on ``x`` it starts both directions from zeros; for other initial states call its layer,
        ``model.get_layer("bidirectional")(x, initial_state=[h0_fwd, h0_bwd])``.
        Weights are stored as float32 (Keras's default float type).

    Raises:
        ValueError: if the shapes disagree (the two directions must have the same D and H), or
            only one of Wy and by is given.
    """
    _, keras = quiet_tensorflow()
    params_fwd, D, H = _params("params_fwd", params_fwd)
    params_bwd, D_bwd, H_bwd = _params("params_bwd", params_bwd)
    if (D_bwd, H_bwd) != (D, H):
        raise ValueError(f"params_bwd's Wx has shape {params_bwd[0].shape}; expected (D, H) = {(D, H)} "
                         f"like params_fwd's: Keras's two directions read the same input and have "
                         f"the same number of units")
    recurrent = keras.layers.SimpleRNN(H, activation=activation, return_sequences=return_sequences)
    bidirectional = keras.layers.Bidirectional(recurrent, merge_mode="concat", name="bidirectional")
    model = with_output_layer(bidirectional, D, Wy, by, 2 * H,
                              f"(2H, V) = ({2 * H}, V): the Dense layer reads both directions' "
                              f"states, 2H = {2 * H} numbers per step")
    bidirectional.forward_layer.set_weights(as_floatx(params_fwd))
    bidirectional.backward_layer.set_weights(as_floatx(params_bwd))
    return model


def bidirectional_weights(model):
    """The numpy weights of a ``Bidirectional(SimpleRNN)`` layer, or of a model holding one.

    Args:
        model: a ``keras.Model`` with one Bidirectional layer (and perhaps one Dense layer
            after it), or the Bidirectional layer itself.

    Returns:
        A dict with ``params_fwd`` and ``params_bwd``, each a tuple ``(Wx (D, H), Wh (H, H),
        b (H,))``: the arguments of :func:`birnn_forward` besides ``x`` and the initial
        states. When a model has a Dense layer, also ``Wy (2H, V)`` and ``by (V,)``. A layer
        built with ``use_bias=False`` gives zero biases.

    Raises:
        ValueError: if there is no Bidirectional layer, it does not wrap a SimpleRNN, or the
            model has more than one Bidirectional or Dense layer, or a Dense layer whose input
            is not the Bidirectional layer's output.
    """
    _, keras = quiet_tensorflow()
    if isinstance(model, keras.layers.Bidirectional):
        layer, model = model, None
    else:
        layer = find_layer(model, "Bidirectional")
    wrapped = type(layer.forward_layer).__name__
    if not isinstance(layer.forward_layer, keras.layers.SimpleRNN):
        raise ValueError(f"the Bidirectional layer wraps a {wrapped}; expected a SimpleRNN "
                         f"(three weight arrays per direction: Wx, Wh, b)")
    params_fwd = tuple(weights_of(layer.forward_layer, 2))
    params_bwd = tuple(weights_of(layer.backward_layer, 2))
    weights = {"params_fwd": params_fwd, "params_bwd": params_bwd}
    dense = None if model is None else find_layer(model, "Dense", required=False)
    if dense is not None:
        Wy, by = weights_of(dense, 1)
        H = params_fwd[1].shape[0]
        width = 2 * H if layer.merge_mode == "concat" else H
        if Wy.shape[0] != width:
            raise ValueError(f"the Dense layer's kernel has shape {Wy.shape}; expected ({width}, V), "
                             f"the Bidirectional layer's output width (merge_mode={layer.merge_mode!r}, "
                             f"H = {H})")
        weights.update(Wy=Wy, by=by)
    return weights
