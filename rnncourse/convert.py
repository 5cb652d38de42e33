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

One pair of functions per recurrent layer: ``keras_<layer>`` builds a model holding given
weights, ``<layer>_weights`` reads them back from a model.
"""

import numpy as np

from .notebook import quiet_tensorflow


def _expect_shape(name, array, shape, meaning):
    """Return ``array`` as a numpy array, or raise ValueError saying which shape was expected."""
    array = np.asarray(array)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} has shape {array.shape}; expected {tuple(shape)}: {meaning}")
    return array


def _find_layer(model, kind, required=True):
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


def _weights_of(layer, count):
    """The layer's first ``count`` arrays and its bias, with a zero bias when it has none.

    ``count`` is how many weight arrays precede the bias (1 for Dense, 2 for SimpleRNN); the
    bias has as many entries as the last axis of the first array.
    """
    arrays = layer.get_weights()  # numpy copies, in Keras's order: kernel(s), then bias
    if not layer.use_bias:
        arrays.append(np.zeros(arrays[0].shape[-1], arrays[0].dtype))
    return arrays[:count + 1]


def _as_floatx(arrays):
    _, keras = quiet_tensorflow()
    return [np.asarray(a, dtype=keras.config.floatx()) for a in arrays]


def keras_simple_rnn(Wx, Wh, b, Wy=None, by=None, activation="tanh", return_sequences=True):
    """A Keras model that computes the numpy RNN with these weights.

    Args:
        Wx: (D, H) input weights, copied into the SimpleRNN's ``kernel``.
        Wh: (H, H) recurrent weights, copied into its ``recurrent_kernel``.
        b: (H,) bias.
        Wy, by: optional output layer, (H, V) and (V,): give both or neither. With them the
            model ends in ``Dense(V, activation="softmax")``.
        activation: the SimpleRNN's activation ("tanh" as in :mod:`rnncourse.rnn`, or "relu").
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
    Wh = _expect_shape("Wh", Wh, (H, H), f"(H, H) with {units}")
    b = _expect_shape("b", b, (H,), f"(H,) with {units}")
    if (Wy is None) != (by is None):
        raise ValueError("give both Wy and by for an output layer, or neither")

    layers = [keras.Input(shape=(None, D)),
              keras.layers.SimpleRNN(H, activation=activation, return_sequences=return_sequences,
                                     name="simple_rnn")]
    if Wy is not None:
        Wy = np.asarray(Wy)
        if Wy.ndim != 2 or Wy.shape[0] != H:
            raise ValueError(f"Wy has shape {Wy.shape}; expected (H, V) with {units}")
        V = Wy.shape[1]
        by = _expect_shape("by", by, (V,), f"(V,) with V = {V} outputs, from Wy's shape (H, V) = {Wy.shape}")
        layers.append(keras.layers.Dense(V, activation="softmax", name="output"))
    model = keras.Sequential(layers, name="simple_rnn_model")
    model.get_layer("simple_rnn").set_weights(_as_floatx([Wx, Wh, b]))
    if Wy is not None:
        model.get_layer("output").set_weights(_as_floatx([Wy, by]))
    return model


def simple_rnn_weights(model):
    """The numpy weights of a model with one SimpleRNN layer (and perhaps one Dense after it).

    Returns:
        A dict with ``Wx (D, H)``, ``Wh (H, H)``, ``b (H,)`` and, when the model has a Dense
        layer, ``Wy (H, V)`` and ``by (V,)``: the arguments of
        :func:`rnncourse.rnn.rnn_output_forward` (besides ``x`` and ``h0``). A layer built
        with ``use_bias=False`` gives a zero bias.

    Raises:
        ValueError: if the model has no SimpleRNN layer, more than one SimpleRNN or Dense
            layer, or a Dense layer whose input is not the SimpleRNN's H units.
    """
    Wx, Wh, b = _weights_of(_find_layer(model, "SimpleRNN"), 2)
    weights = {"Wx": Wx, "Wh": Wh, "b": b}
    dense = _find_layer(model, "Dense", required=False)
    if dense is not None:
        Wy, by = _weights_of(dense, 1)
        if Wy.shape[0] != Wh.shape[0]:
            raise ValueError(f"the Dense layer's kernel has shape {Wy.shape}; expected (H, V) with "
                             f"H = {Wh.shape[0]}, the SimpleRNN's units")
        weights.update(Wy=Wy, by=by)
    return weights
