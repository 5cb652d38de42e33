"""Stacked recurrent layers with dropout, many-to-many (unit 06): ``(N, T, D) -> (N, T, V)``.

Layer ``l`` reads the hidden states of layer ``l - 1`` at every step, so every layer returns
its whole sequence (``return_sequences=True``), and a softmax ``Dense`` is applied at every
step. ``dropout`` masks each layer's inputs, ``recurrent_dropout`` the state ``h_{t-1}`` that
enters its recurrent weights; Keras draws each mask once per sequence and uses it at every step,
during training only.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from ..validate import positive_int
from .char_model import CELLS


def build_stacked_rnn(input_dim, units, output_dim, layers=2, cell="LSTM", dropout=0.0,
                      recurrent_dropout=0.0, learning_rate=0.02):
    """A compiled many-to-many classifier: ``layers`` recurrent layers of ``units``, then softmax.

    Shapes: input ``(N, T, D)`` with ``D = input_dim`` (any T); layer 1 maps it to
    ``(N, T, H)``, every further layer ``(N, T, H) -> (N, T, H)`` (its input size is H, not D);
    the ``Dense`` layer ``(N, T, H) -> (N, T, V)`` with ``V = output_dim``, the probabilities
    of the class at every step. ``cell`` is ``"SimpleRNN"``, ``"GRU"`` or ``"LSTM"``; every
    recurrent layer gets the same ``dropout`` and ``recurrent_dropout`` rates.

    Adam with ``learning_rate``, sparse categorical cross-entropy on integer targets
    ``(N, T)``, accuracy. ``jit_compile=False``: Keras would XLA-compile the models with
    recurrent dropout (only those), which costs seconds of compilation on a CPU.
    """
    positive_int("input_dim", input_dim)
    positive_int("units", units)
    positive_int("output_dim", output_dim)
    positive_int("layers", layers)
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}")
    for name, rate in [("dropout", dropout), ("recurrent_dropout", recurrent_dropout)]:
        if not 0 <= rate < 1:
            raise ValueError(f"{name} must lie in [0, 1); got {rate}")
    _, keras = quiet_tensorflow()
    recurrent = [getattr(keras.layers, cell)(units, return_sequences=True, dropout=dropout,
                                             recurrent_dropout=recurrent_dropout, name=f"{cell.lower()}_{i + 1}")
                 for i in range(layers)]                                       # (N, T, H) each
    model = keras.Sequential([keras.Input((None, input_dim)), *recurrent,
                              keras.layers.Dense(output_dim, activation="softmax", name="softmax")],
                             name=f"stacked_{layers}x{cell.lower()}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=False)
    return model


def loss_and_accuracy(model, x, y):
    """Mean cross-entropy and accuracy of ``model`` on ``x (N, T, D)``, targets ``y (N, T)`` int.

    Computed from one call ``model(x, training=False)``, so dropout is off: the numbers are
    comparable between models with and without dropout (the loss Keras logs during ``fit`` is
    measured with dropout on).
    """
    probs = np.asarray(model(x, training=False))                              # (N, T, V)
    y = np.asarray(y)
    picked = np.take_along_axis(probs, y[..., None], axis=-1)[..., 0]         # (N, T)
    return float(-np.log(np.maximum(picked, 1e-12)).mean()), float((probs.argmax(axis=-1) == y).mean())
