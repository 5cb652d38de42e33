"""Checks of unit 09_forecasting: windows of a series, and the compiled Keras forecaster.

``make_windows(series, window, horizon=1)`` must return ``X (n, window, 1)`` and
``y (n, horizon)`` with ``n = len(series) - window - horizon + 1``. ``build_forecaster(window,
units)`` must return a compiled ``keras.Input((window, 1)) -> GRU(units) -> Dense(1)`` model
with a regression loss. Each check names the common mistakes by what they produce.
"""

import numpy as np

from ..course.setup import quiet_tensorflow
from .core import (
    CheckFailure,
    assert_own_work,
    call,
    expect_close,
    expect_equal,
    expect_shape,
    expect_value_error,
    fail,
    reference,
    register,
)

register({
    "make_windows": "rnncourse.data.series:make_windows",
    "build_forecaster": "rnncourse.models.forecaster:build_forecaster",
})

_RECIPE = "keras.Input((window, 1)) -> keras.layers.GRU(units) -> keras.layers.Dense(1)"
_REGRESSION_LOSSES = {"mse", "meansquarederror", "mae", "meanabsoluteerror", "huber", "huberloss",
                      "logcosh"}


# --- make_windows ------------------------------------------------------------------------

def _n(series, window, horizon):
    return len(series) - window - horizon + 1


def _count_hint(series, window, horizon):
    n = _n(series, window, horizon)
    return (f"A series of {len(series)} values with window={window} and horizon={horizon} has "
            f"n = len(series) - window - horizon + 1 = {n} samples: the last window must still "
            f"have {horizon} value{'s' if horizon > 1 else ''} after it.")


def _windows(fn, series, window, horizon, pass_horizon=True):
    """The learner's (X, y) as arrays; a crash on a valid input is explained."""
    args = (series, window, horizon) if pass_horizon else (series, window)
    result = call(fn, "make_windows", *args,
                  explain=f"This input is valid, so make_windows should not raise. If the error comes "
                          f"from putting rows of different lengths into one array, your loop runs too far "
                          f"(an off-by-one window): {_count_hint(series, window, horizon)}")
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(f"make_windows should return a tuple of two arrays, (X, y); it returned "
             f"{type(result).__name__}{f' of length {len(result)}' if isinstance(result, (tuple, list)) else ''}.")
    return tuple(np.asarray(a) for a in result)


def _check_windows_shapes(X, y, series, window, horizon):
    n = _n(series, window, horizon)
    rows = len(X) if X.ndim else 0
    if rows != n:
        if horizon > 1 and rows == len(series) - window:
            fail(f"X has {rows} windows, which is len(series) - window: that count ignores the "
                 f"horizon. {_count_hint(series, window, horizon)}")
        if rows in (n - 1, n + 1):
            fail(f"X has {rows} windows; expected {n} (an off-by-one window: one "
                 f"{'too many' if rows > n else 'too few'}). {_count_hint(series, window, horizon)}")
        fail(f"X has {rows} windows; expected {n}. {_count_hint(series, window, horizon)}")
    if X.shape == (n, window):
        fail(f"X has shape {X.shape}; expected {(n, window, 1)}: X is missing the trailing feature "
             f"axis. Keras recurrent layers read (N, T, D), here D = 1 value per step: add the axis "
             f"with X[..., np.newaxis] or X.reshape(n, window, 1).")
    if window > 1 and X.shape == (n, 1, window):
        fail(f"X has shape {X.shape}; expected {(n, window, 1)}: the axes are swapped, so Keras would "
             f"read ONE step of {window} features. Time comes first, then the single feature.")
    expect_shape("X", X, (n, window, 1), hint="One row per window: window steps of one value each.")
    if horizon > 1 and y.shape in [(n,), (n, 1)]:
        fail(f"y has shape {y.shape}; expected {(n, horizon)}: the horizon is ignored. With "
             f"horizon={horizon}, y[i] holds the next {horizon} values after window i: "
             f"series[i + window:i + window + horizon].")
    if y.shape == (n,):
        fail(f"y has shape {y.shape}; expected {(n, horizon)}: keep the horizon axis even when "
             f"horizon is 1, so that y matches the model's output (N, horizon). Take the slice "
             f"series[i + window:i + window + horizon] rather than the single value.")
    if y.shape == (n, horizon, 1):
        fail(f"y has shape {y.shape}; expected {(n, horizon)}: only X has the trailing feature axis. "
             f"y holds horizon plain values per window, like the output of Dense(horizon).")
    expect_shape("y", y, (n, horizon), hint=f"One row of horizon = {horizon} targets per window.")
    for name, array in (("X", X), ("y", y)):
        if not np.issubdtype(array.dtype, np.floating):
            fail(f"{name} has dtype {array.dtype}; it should hold floating-point values, like the series.")


def _check_windows(fn, series, window, horizon, pass_horizon=True):
    X, y = _windows(fn, series, window, horizon, pass_horizon)
    _check_windows_shapes(X, y, series, window, horizon)
    X_ref, y_ref = reference("make_windows")(series, window, horizon)
    values = np.asarray(series, dtype=np.float64)
    n = len(X_ref)
    starts = np.arange(n)[:, None]
    expect_close("X", X, X_ref, mistakes=[
        (values[starts + 1 + np.arange(window)][:, :, None],
         "X[i] starts one step late; window i should be series[i:i + window]."),
    ], atol=1e-5)
    expect_close("y", y, y_ref, mistakes=[
        (values[starts + window - 1 + np.arange(horizon)],
         "y[i] starts with the last value of window i, so the target is inside the window "
         "(an off-by-one target). The model must forecast the values AFTER the window: "
         "y[i] = series[i + window:i + window + horizon]."),
    ], atol=1e-5)


def check_make_windows_shapes(fn):
    """Visible: a 10-value series, window 4: (6, 4, 1) and (6, 1); with horizon 3: (4, 4, 1), (4, 3)."""
    assert_own_work(fn, "make_windows")
    series = np.linspace(-1.0, 1.0, 10)
    X, y = _windows(fn, series, 4, 1, pass_horizon=False)  # the default horizon
    _check_windows_shapes(X, y, series, 4, 1)
    X, y = _windows(fn, series, 4, 3)
    _check_windows_shapes(X, y, series, 4, 3)


def check_make_windows_values(fn):
    """Visible: on 0, 1, ..., 9 every value is its own position, so X[0] = [0, 1, 2] and y[0] = [3]."""
    assert_own_work(fn, "make_windows")
    series = np.arange(10.0)
    _check_windows(fn, series, 3, 1)
    _check_windows(fn, series, 3, 2)


def check_make_windows_errors(fn):
    """Visible: ValueError for a series that is too short, window 0 and horizon 0."""
    assert_own_work(fn, "make_windows")
    series = np.arange(6.0)
    expect_value_error(fn, "make_windows", (series, 5, 2),
                       "the series is too short (6 values, but window + horizon = 7)")
    expect_value_error(fn, "make_windows", (series, 0, 1), "window is 0")
    expect_value_error(fn, "make_windows", (series, 2, 0), "horizon is 0")


def check_make_windows_random(fn):
    """Hidden: random series, windows and horizons; exactly one sample; more invalid inputs."""
    assert_own_work(fn, "make_windows")
    rng = np.random.default_rng(9)
    for window, horizon in [(1, 1), (5, 1), (7, 4), (2, 6), (24, 12)]:
        length = window + horizon + int(rng.integers(0, 30))
        _check_windows(fn, rng.normal(size=length), window, horizon)
    _check_windows(fn, rng.normal(size=9), 6, 3)   # len == window + horizon: exactly one sample
    _check_windows(fn, rng.normal(size=2), 1, 1)
    series = rng.normal(size=8)
    expect_value_error(fn, "make_windows", (series, 6, 3),
                       "the series is one value too short (8 values, window + horizon = 9)")
    expect_value_error(fn, "make_windows", (series, 9, 1), "window is longer than the series")
    expect_value_error(fn, "make_windows", (series, -2, 1), "window is negative")
    expect_value_error(fn, "make_windows", (series, 3, -1), "horizon is negative")


# --- build_forecaster --------------------------------------------------------------------

def _layers(model):
    """The model's layers without its InputLayer."""
    _, keras = quiet_tensorflow()
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _kinds(model):
    return [type(layer).__name__ for layer in _layers(model)]


def _build(fn, window, units, seed=0):
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    try:
        model = call(fn, "build_forecaster", window, units)
    except CheckFailure as err:
        if "expected ndim=3, found ndim=2" in str(err):
            raise CheckFailure(
                f"{err}\nThe recurrent layer reads a sequence (N, T, D) but received (N, {window}): "
                f"the input is missing its feature axis. Use keras.Input((window, 1)): window steps "
                f"of one value each.") from None
        raise
    if not isinstance(model, keras.Model):
        fail("build_forecaster returned None: did you forget `return model`?" if model is None else
             f"build_forecaster should return a keras.Model; it returned a {type(model).__name__}.")
    return model


def _reference_model(window, units, seed=0):
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    return reference("build_forecaster")(window, units)


def _check_structure(model, window, units):
    input_shape = model.input_shape
    if isinstance(input_shape, list):
        fail(f"the model has {len(input_shape)} inputs; a forecaster has one, the window.")
    input_shape = tuple(input_shape)
    if input_shape == (None, window):
        fail(f"the model's input shape is {input_shape}: the trailing feature axis is missing. Use "
             f"keras.Input((window, 1)), matching X of shape (n, window, 1).")
    expect_equal("the model's input shape", input_shape, (None, window, 1),
                 hint="Use keras.Input((window, 1)): window steps of one value each.")
    output_shape = tuple(model.output_shape)
    if output_shape == (None, window, 1) or (len(output_shape) == 3 and output_shape[1] == window):
        fail(f"the model's output shape is {output_shape}: one output per input step. The recurrent "
             f"layer has return_sequences=True left on, so the Dense layer sees every h_t. A "
             f"many-to-one forecaster needs only the last state h_T: leave return_sequences at False.")
    if len(output_shape) == 2 and output_shape[1] == units and units != 1:
        fail(f"the model's output shape is {output_shape}: {units} numbers per window. The output "
             f"layer should be Dense(1), one forecast, not Dense(units).")
    expect_equal("the model's output shape", output_shape, (None, 1), hint=f"Recipe: {_RECIPE}.")
    kinds = _kinds(model)
    if kinds != ["GRU", "Dense"]:
        recurrent = [k for k in kinds if k in ("SimpleRNN", "LSTM")]
        if recurrent and len(kinds) == 2:
            fail(f"the model uses {recurrent[0]}; this unit's forecaster uses a GRU (the exercise "
                 f"explains why). Use keras.layers.GRU(units).")
        fail(f"the layers are {kinds} (keras.Input is not counted); expected ['GRU', 'Dense']: {_RECIPE}.")
    rnn, dense = _layers(model)
    expect_equal("the GRU's units", rnn.units, units, hint="Use the `units` argument.")
    expect_equal("return_sequences of the GRU", rnn.return_sequences, False)
    activation = dense.activation.__name__
    if activation == "softmax":
        fail("the output layer uses softmax. Softmax turns scores into probabilities that sum to 1 "
             "over the outputs, so over a single output it always returns 1.0, whatever the input. "
             "A forecast is a real number: leave Dense(1) linear (no activation).")
    if activation != "linear":
        fail(f"the output layer has activation {activation!r}. The forecast (a normalised value) "
             f"can be any real number, negative too: leave Dense(1) linear (no activation).")


def _loss_name(loss):
    """The loss as the learner named it ('mse', 'mean_squared_error', 'huber_loss', ...)."""
    if isinstance(loss, str):
        return loss
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__)


def _check_compiled(model):
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        fail("the model is not compiled: call model.compile(optimizer=..., loss='mse') before "
             "returning it, so that it is ready for model.fit.")
    loss = getattr(model, "loss", None)
    if loss is None:
        fail("the model is compiled without a loss: pass loss='mse' to model.compile.")
    if isinstance(loss, (list, tuple, dict)):
        fail("the model is compiled with several losses; a forecaster with one output needs one: loss='mse'.")
    name = _loss_name(loss)
    key = name.lower().replace("_", "").replace(" ", "")
    if "crossentropy" in key or "hinge" in key:
        fail(f"the loss is {name!r}, a classification loss: it compares predicted class probabilities "
             f"with class labels. A forecast is a real number, so use a regression loss such as "
             f"'mse' (mean squared error) or 'mae' (mean absolute error).")
    if key not in _REGRESSION_LOSSES:
        fail(f"the loss is {name!r}; use a regression loss for a real-valued forecast: 'mse' "
             f"(mean squared error) or 'mae'.")


def _check_values(fn, window, units, seed):
    """Copy the reference's weights into the learner's model: both must forecast the same."""
    _, keras = quiet_tensorflow()
    model = _build(fn, window, units, seed)
    _check_structure(model, window, units)
    _check_compiled(model)
    ref = _reference_model(window, units, seed)
    expect_equal("the number of parameters", model.count_params(), ref.count_params(),
                 hint="GRU(units) on one feature has 3 * (1 * units + units * units) + 2 * 3 * units "
                      "weights (Keras's default reset_after=True); Dense(1) has units + 1.")
    weights = ref.get_weights()
    expect_equal("the shapes of the weights", [w.shape for w in model.get_weights()], [w.shape for w in weights])
    model.set_weights(weights)
    x = np.random.default_rng(seed).normal(size=(4, window, 1)).astype(np.float32)
    expect_close(f"the forecast for a batch of shape {x.shape}, with the reference's weights copied in "
                 f"(keep the GRU's default activations, tanh and sigmoid, and Dense(1) linear)",
                 keras.ops.convert_to_numpy(model(x, training=False)),
                 keras.ops.convert_to_numpy(ref(x, training=False)), atol=1e-5, rtol=1e-4)


def check_build_forecaster_structure(fn):
    """Visible: window 24, units 16: input (None, 24, 1), GRU(16), linear Dense(1), output (None, 1)."""
    assert_own_work(fn, "build_forecaster")
    model = _build(fn, 24, 16)
    _check_structure(model, 24, 16)


def check_build_forecaster_compiled(fn):
    """Visible: the model is compiled, with an optimizer and a regression loss."""
    assert_own_work(fn, "build_forecaster")
    _check_compiled(_build(fn, 24, 16))


def check_build_forecaster_values(fn):
    """Hidden: other sizes; units honoured; with the reference's weights the forecasts agree."""
    assert_own_work(fn, "build_forecaster")
    for seed, (window, units) in enumerate([(5, 3), (48, 8), (1, 1)], start=20):
        _check_values(fn, window, units, seed)
