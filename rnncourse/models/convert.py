"""Copy numpy RNN weights into Keras models, and read them back out.

The numpy code of the course and Keras store the weights in the same layout (row vectors,
batch first), so converting is copying, never transposing:

=============  ====================  ===========
numpy          Keras                 shape
=============  ====================  ===========
``Wx``         ``kernel``            ``(D, H)``
``Wh``         ``recurrent_kernel``  ``(H, H)``
``b``          ``bias``              ``(H,)``
``Wy``         Dense ``kernel``      ``(H, V)``
``by``         Dense ``bias``        ``(V,)``
=============  ====================  ===========

The gated cells (LSTM, GRU) keep this layout, with one block of H columns per gate side by
side (see the table above :func:`keras_lstm`).

One pair of functions per recurrent layer: ``keras_<layer>`` builds a model holding given
weights, ``<layer>_weights`` reads them back from a model.
"""

import numpy as np

from ..course.setup import quiet_tensorflow


def checked_weight(name, array, shape, meaning):
    """Return ``array`` as a numpy array, or raise ValueError saying which shape was expected."""
    array = np.asarray(array)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} has shape {array.shape}; expected {tuple(shape)}: {meaning}")
    return array


def find_layer(model, kind, required=True):
    """The one layer of type ``kind`` (a name such as "SimpleRNN") among ``model.layers``.

    Raises ValueError when there is none (and ``required``) or more than one; returns None
    when there is none and it is not required.
    """
    _, keras = quiet_tensorflow()
    if not isinstance(model, keras.Model):
        raise ValueError(f"expected a keras.Model; got a {type(model).__name__}")
    cls = getattr(keras.layers, kind)
    found = [layer for layer in model.layers if isinstance(layer, cls)]
    if len(found) > 1:
        raise ValueError(f"the model has {len(found)} {kind} layers "
                         f"({', '.join(layer.name for layer in found)}); expected one")
    if not found:
        if required:
            raise ValueError(f"the model has no {kind} layer; its layers are "
                             f"{[type(layer).__name__ for layer in model.layers]}")
        return None
    return found[0]


def weights_of(layer, count):
    """The layer's first ``count`` arrays and its bias, with a zero bias when it has none.

    ``count`` is how many weight arrays precede the bias (1 for Dense, 2 for SimpleRNN); the
    bias has as many entries as the last axis of the first array.
    """
    arrays = layer.get_weights()  # numpy copies, in Keras's order: kernel(s), then bias
    if not layer.use_bias:
        arrays.append(np.zeros(arrays[0].shape[-1], arrays[0].dtype))
    return arrays[:count + 1]


def as_floatx(arrays):
    _, keras = quiet_tensorflow()
    return [np.asarray(a, dtype=keras.config.floatx()) for a in arrays]


def with_output_layer(recurrent, D, Wy, by, rows, why):
    """``keras.Input((None, D))`` -> ``recurrent`` -> ``Dense(V, softmax)`` if ``Wy``, ``by`` are given.

    ``rows``: how many numbers per step the recurrent layer outputs (H, or 2H for a
    bidirectional layer), which must be Wy's first dimension; ``why`` names it in the error.
    Copies ``Wy (rows, V)`` and ``by (V,)`` into the Dense layer (named "output"); the caller
    copies the recurrent layer's own weights.
    """
    _, keras = quiet_tensorflow()
    if (Wy is None) != (by is None):
        raise ValueError("give both Wy and by for an output layer, or neither")
    layers = [keras.Input(shape=(None, D)), recurrent]
    if Wy is not None:
        Wy = np.asarray(Wy)
        if Wy.ndim != 2 or Wy.shape[0] != rows:
            raise ValueError(f"Wy has shape {Wy.shape}; expected {why}")
        V = Wy.shape[1]
        by = checked_weight("by", by, (V,), f"(V,) with V = {V} outputs, from Wy's shape {Wy.shape}")
        layers.append(keras.layers.Dense(V, activation="softmax", name="output"))
    model = keras.Sequential(layers, name=f"{recurrent.name}_model")
    if Wy is not None:
        model.get_layer("output").set_weights(as_floatx([Wy, by]))
    return model


def keras_simple_rnn(Wx, Wh, b, Wy=None, by=None, activation="tanh", return_sequences=True):
    """A Keras model that computes the numpy RNN with these weights.

    Args:
        Wx: (D, H) input weights, copied into the SimpleRNN's ``kernel``.
        Wh: (H, H) recurrent weights, copied into its ``recurrent_kernel``.
        b: (H,) bias.
        Wy, by: optional output layer, (H, V) and (V,): give both or neither. With them the
            model ends in ``Dense(V, activation="softmax")``.
        activation: the SimpleRNN's activation ("tanh" as in :mod:`rnncourse.reference.rnn`, or "relu").
        return_sequences: True for every step's output, False for the last step's only.

    Returns:
        An uncompiled ``keras.Model`` with input ``(N, T, D)`` for any T. Its output is
        ``(N, T, V)`` probabilities (``(N, V)`` if not ``return_sequences``), or the hidden
        states ``(N, T, H)`` (``(N, H)``) without an output layer. It starts from ``h0 = 0``.
        Weights are stored as float32 (Keras's default float type).

    Raises:
        ValueError: if the shapes disagree, or only one of Wy and by is given.
    """
    _, keras = quiet_tensorflow()
    Wx = np.asarray(Wx)
    if Wx.ndim != 2:
        raise ValueError(f"Wx has shape {Wx.shape}; expected (D, H), a 2-D array")
    D, H = Wx.shape
    units = f"H = {H} hidden units, from Wx's shape (D, H) = {Wx.shape}"
    Wh = checked_weight("Wh", Wh, (H, H), f"(H, H) with {units}")
    b = checked_weight("b", b, (H,), f"(H,) with {units}")
    recurrent = keras.layers.SimpleRNN(H, activation=activation, return_sequences=return_sequences,
                                       name="simple_rnn")
    model = with_output_layer(recurrent, D, Wy, by, H, f"(H, V) with {units}")
    recurrent.set_weights(as_floatx([Wx, Wh, b]))
    return model


def simple_rnn_weights(model):
    """The numpy weights of a model with one SimpleRNN layer (and perhaps one Dense after it).

    Returns:
        A dict with ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)`` and, when the model has a Dense
        layer, ``Wy (H, V)`` and ``by (V,)``: the arguments of
        :func:`rnncourse.reference.rnn.rnn_output_forward` (besides ``x`` and ``h0``). A layer built
        with ``use_bias=False`` gives a zero bias.

    Raises:
        ValueError: if the model has no SimpleRNN layer, more than one SimpleRNN or Dense
            layer, or a Dense layer whose input is not the SimpleRNN's H units.
    """
    Wx, Wh, b = weights_of(find_layer(model, "SimpleRNN"), 2)
    weights = {"Wx": Wx, "Wh": Wh, "b": b}
    dense = find_layer(model, "Dense", required=False)
    if dense is not None:
        Wy, by = weights_of(dense, 1)
        if Wy.shape[0] != Wh.shape[0]:
            raise ValueError(f"the Dense layer's kernel has shape {Wy.shape}; expected (H, V) with "
                             f"H = {Wh.shape[0]}, the SimpleRNN's units")
        weights.update(Wy=Wy, by=by)
    return weights


# --- gated cells: LSTM and GRU ------------------------------------------------------------
#
# The same layout, with the gates' blocks side by side along the last axis:
#
# =====  ============  ============  =================  =====================
# cell   ``Wx``        ``Wh``        ``b``              block order
# =====  ============  ============  =================  =====================
# LSTM   ``(D, 4H)``   ``(H, 4H)``   ``(4H,)``          i, f, c, o
# GRU    ``(D, 3H)``   ``(H, 3H)``   ``(2, 3H)``        z, r, h (reset_after)
# =====  ============  ============  =================  =====================

def _gated_model(kind, blocks, Wx, Wh, b, Wy, by, return_sequences, bias_shape, bias_meaning):
    """A Keras model with one ``kind`` layer ("LSTM" or "GRU") holding these weights (and a Dense)."""
    _, keras = quiet_tensorflow()
    Wx = np.asarray(Wx)
    if Wx.ndim != 2 or Wx.shape[1] % blocks:
        raise ValueError(f"Wx has shape {Wx.shape}; expected (D, {blocks}H), the {blocks} blocks of "
                         f"{kind} side by side")
    D, H = Wx.shape[0], Wx.shape[1] // blocks
    units = f"H = {H} units, from Wx's shape (D, {blocks}H) = {Wx.shape}"
    Wh = checked_weight("Wh", Wh, (H, blocks * H), f"(H, {blocks}H) with {units}")
    b = checked_weight("b", b, bias_shape(H), f"{bias_meaning} with {units}")
    recurrent = getattr(keras.layers, kind)(H, return_sequences=return_sequences, name=kind.lower())
    model = with_output_layer(recurrent, D, Wy, by, H, f"(H, V) with {units}")
    recurrent.set_weights(as_floatx([Wx, Wh, b]))
    return model


def _gated_weights(model, kind, layer, blocks):
    """``Wx``, ``Wh``, ``b`` of a found LSTM/GRU ``layer`` and the Dense layer after it, if any."""
    Wx, Wh, *rest = layer.get_weights()
    H = Wh.shape[0]
    b = rest[0] if rest else np.zeros((2, blocks * H) if kind == "GRU" else blocks * H, Wx.dtype)
    weights = {"Wx": Wx, "Wh": Wh, "b": b}
    dense = find_layer(model, "Dense", required=False)
    if dense is not None:
        Wy, by = weights_of(dense, 1)
        if Wy.shape[0] != H:
            raise ValueError(f"the Dense layer's kernel has shape {Wy.shape}; expected (H, V) with "
                             f"H = {H}, the {kind}'s units")
        weights.update(Wy=Wy, by=by)
    return weights


def keras_lstm(Wx, Wh, b, Wy=None, by=None, return_sequences=True):
    """A Keras model that computes :func:`rnncourse.reference.lstm.lstm_forward` with these weights.

    Args:
        Wx: (D, 4H) input weights, the blocks of the gates i, f, c, o side by side; copied
            into the LSTM's ``kernel``.
        Wh: (H, 4H) recurrent weights, same block order, into ``recurrent_kernel``.
        b: (4H,) bias, same block order.
        Wy, by: optional output layer, (H, V) and (V,): give both or neither. With them the
            model ends in ``Dense(V, activation="softmax")``.
        return_sequences: True for every step's output, False for the last step's only.

    Returns:
        An uncompiled ``keras.Model`` with input ``(N, T, D)`` for any T, starting from zero
        ``h`` and ``c``. Its output is the hidden states ``(N, T, H)`` (``(N, H)`` if not
        ``return_sequences``), or probabilities ``(N, T, V)`` with an output layer. Weights
        are stored as float32.

    Raises:
        ValueError: if the shapes disagree, or only one of Wy and by is given.
    """
    return _gated_model("LSTM", 4, Wx, Wh, b, Wy, by, return_sequences,
                        bias_shape=lambda H: (4 * H,), bias_meaning="(4H,)")


def lstm_weights(model):
    """The numpy weights of a model with one LSTM layer (and perhaps one Dense after it).

    Returns:
        A dict with ``Wx (D, 4H)``, ``Wh (H, 4H)``, ``b (4H,)`` (gate order i, f, c, o; zeros
        for ``use_bias=False``) and, when the model has a Dense layer, ``Wy (H, V)``, ``by (V,)``.

    Raises:
        ValueError: if the model has no LSTM layer, more than one LSTM or Dense layer, or a
            Dense layer whose input is not the LSTM's H units.
    """
    return _gated_weights(model, "LSTM", find_layer(model, "LSTM"), 4)


def keras_gru(Wx, Wh, b, Wy=None, by=None, return_sequences=True):
    """A Keras ``GRU`` model (``reset_after=True``, Keras's default) that holds these weights.

    Args:
        Wx: (D, 3H) input weights, the blocks z, r, h side by side; Keras ``kernel``.
        Wh: (H, 3H) recurrent weights, same order; ``recurrent_kernel``.
        b: (2, 3H) bias: row 0 is added to ``x Wx``, row 1 to ``prev_h Wh`` (inside the reset
            gate's product for the candidate block).
        Wy, by, return_sequences: as in :func:`keras_lstm`.

    Returns:
        An uncompiled ``keras.Model`` computing :func:`rnncourse.reference.gru.gru_forward` from a zero
        state; outputs as in :func:`keras_lstm`.

    Raises:
        ValueError: if the shapes disagree (a bias of shape (3H,) is a GRU with
            ``reset_after=False``, which this course does not use), or only one of Wy and by
            is given.
    """
    return _gated_model("GRU", 3, Wx, Wh, b, Wy, by, return_sequences,
                        bias_shape=lambda H: (2, 3 * H),
                        bias_meaning="(2, 3H): row 0 the input bias, row 1 the recurrent bias,")


def gru_weights(model):
    """The numpy weights of a model with one GRU layer (and perhaps one Dense after it).

    Returns:
        A dict with ``Wx (D, 3H)``, ``Wh (H, 3H)``, ``b (2, 3H)`` (gate order z, r, h; zeros for
        ``use_bias=False``) and, when the model has a Dense layer, ``Wy (H, V)``, ``by (V,)``.

    Raises:
        ValueError: if the model has no GRU layer, more than one GRU or Dense layer, a GRU
            built with ``reset_after=False`` (a different formula, with a bias of shape
            (3H,)), or a Dense layer whose input is not the GRU's H units.
    """
    layer = find_layer(model, "GRU")
    if not layer.reset_after:
        raise ValueError(f"the GRU layer {layer.name!r} was built with reset_after=False: it applies "
                         f"the reset gate before the recurrent product and has one bias row. The "
                         f"course's GRU (Keras's default) uses reset_after=True.")
    return _gated_weights(model, "GRU", layer, 3)


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
