"""The Keras forecaster of unit 09: many-to-one, ``(N, window, 1) -> (N, horizon)``."""

from ..course.setup import quiet_tensorflow
from ..validate import positive_int
from .char_model import CELLS


def build_forecaster(window, units, horizon=1, cell="GRU", learning_rate=0.003):
    """A many-to-one forecaster, compiled: ``(N, window, 1) -> (N, horizon)``.

    ``keras.Input((window, 1))``, one recurrent layer of ``units`` returning only its last
    state ``h_T`` (a ``GRU`` by default; ``cell`` may be ``"SimpleRNN"`` or ``"LSTM"``), and a
    linear ``Dense(horizon)``: ``y_hat = h_T Wy + by``. Adam with ``learning_rate``, mean
    squared error, and the mean absolute error as a metric.
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
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return model
