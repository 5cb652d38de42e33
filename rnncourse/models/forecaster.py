"""The Keras forecaster of unit 09: many-to-one, ``(N, window, 1) -> (N, horizon)``, and its use as a
block forecast in walk-forward validation."""

import numpy as np

from ..course.setup import quiet_tensorflow
from ..data.series import make_windows
from ..validate import positive_int
from .char_model import CELLS


def build_forecaster(window, units, horizon=1, cell="GRU", learning_rate=0.003, steps_per_execution=1):
    """A many-to-one forecaster, compiled: ``(N, window, 1) -> (N, horizon)``.

    ``keras.Input((window, 1))``, one recurrent layer of ``units`` returning only its last
    state ``h_T`` (a ``GRU`` by default; ``cell`` may be ``"SimpleRNN"`` or ``"LSTM"``), and a
    linear ``Dense(horizon)``: ``y_hat = h_T Wy + by``. Adam with ``learning_rate``, mean
    squared error, and the mean absolute error as a metric. ``steps_per_execution`` training
    steps run per call into TensorFlow: the same updates, fewer round trips from Python.
    """
    positive_int("window", window)
    positive_int("units", units)
    positive_int("horizon", horizon)
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {CELLS}; got {cell!r}")
    _, keras = quiet_tensorflow()
    model = keras.Sequential([
        keras.Input(shape=(window, 1)),                 # T = window steps, D = 1 value each
        getattr(keras.layers, cell)(units),             # (N, units): h_T only
        keras.layers.Dense(horizon),                    # (N, horizon), linear: any real number
    ], name=f"forecaster_{cell.lower()}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse", metrics=["mae"],
                  steps_per_execution=steps_per_execution)
    return model


def rnn_block_forecaster(window, horizon, units=16, epochs=20, batch_size=64, learning_rate=0.01, seed=0,
                         cell="GRU"):
    """A block forecast for walk-forward validation: a function ``train (m,) -> (horizon,)``.

    Each call trains a :func:`build_forecaster` of ``units`` (``Dense(horizon)``, Adam with
    ``learning_rate``) from the same seeded starting weights, for ``epochs``, on ``train``
    alone, and forecasts the ``horizon`` values after it. Every window is made relative to its
    own last value, so that a rise of the whole series leaves the inputs unchanged: inputs
    ``(x_j - x_T) / s`` (``make_windows``: ``(n, window, 1)``) and targets ``(y_k - x_T) / s``
    (``(n, horizon)``), where ``s`` is the standard deviation of the one-step changes
    ``np.diff(train)``, from the training part only. The model reads the last ``window``
    values of ``train``; its output is scaled back by ``s`` and added to the last value.

    Training makes ``epochs`` passes over the windows, each in a fresh random order drawn from
    ``numpy.random.default_rng(seed)``, handed to Keras as one long epoch: at this size Keras's
    fixed cost per epoch exceeded the cost of the training steps themselves. The model is built
    once and reset before each call (weights and optimiser state), so each call gives exactly
    what a freshly built, seeded model would; building once also spares TensorFlow the tracing
    of a new training step at every origin.
    """
    positive_int("epochs", epochs)
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)                        # the starting weights
    model = build_forecaster(window, units, horizon=horizon, cell=cell, learning_rate=learning_rate,
                             steps_per_execution=25)          # identical training, 0.7 s less for 12 origins
    model.optimizer.build(model.trainable_variables)
    start_weights = model.get_weights()
    start_optimiser = [v.numpy() for v in model.optimizer.variables]   # step 0, learning rate, zero moments

    def forecast(train):
        train = np.asarray(train, dtype=np.float64)
        scale = float(np.diff(train).std())                  # s, from the training part only
        if not scale > 0:
            raise ValueError("train does not change from step to step: there is nothing to scale by")
        X, y = make_windows(train, window, horizon)          # (n, window, 1), (n, horizon)
        anchor = X[:, -1, :].astype(np.float64)              # (n, 1): each window's last value x_T
        X_rel = ((X[:, :, 0] - anchor) / scale)[:, :, None]  # (n, window, 1)
        y_rel = (y - anchor) / scale                         # (n, horizon)
        last = train[-window:]
        query = ((last - last[-1]) / scale)[None, :, None]   # (1, window, 1): the window before the origin

        model.set_weights(start_weights)
        for variable, value in zip(model.optimizer.variables, start_optimiser):
            variable.assign(value)
        rng = np.random.default_rng(seed)
        order = np.concatenate([rng.permutation(len(X)) for _ in range(epochs)])   # (epochs * n,): one shuffle per pass
        model.fit(X_rel[order].astype(np.float32), y_rel[order].astype(np.float32), epochs=1,
                  batch_size=batch_size, shuffle=False, verbose=0)
        z = np.asarray(model(query.astype(np.float32)), dtype=np.float64)[0]   # (horizon,)
        return last[-1] + scale * z

    return forecast
