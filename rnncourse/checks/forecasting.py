"""Checks of unit 09_forecasting: windows of a series, and the compiled Keras forecaster.

``make_windows(series, window, horizon=1)`` must return ``X (n, window, 1)`` and ``y (n, horizon)`` with
``n = len(series) - window - horizon + 1``, and raise ValueError itself for sizes that leave no sample.
``build_forecaster(window, units)`` must return a compiled ``keras.Input((window, 1)) -> GRU(units) ->
Dense(1)`` model with a regression loss, Sequential or functional. Each check names the common mistakes
by what they produce.
"""

import dis
import warnings

import numpy as np

from ..course.setup import quiet_tensorflow
from ..data import series as windows
from ..models import char_model, convert, forecaster
from .harness import AnswerRaised, Exercise, expect_close, expect_equal, expect_value_error, fail

MAKE_WINDOWS = Exercise("make_windows", forbids=(windows.make_windows, windows.prepare), explain=(  # prepare windows
    "Shapes: X (n, window, 1) and y (n, horizon), n = len(series) - window - horizon + 1: the last window must "
    "still have horizon values after it. These inputs are valid, so make_windows should not raise. If the error "
    "comes from putting rows of different lengths into one array, your loop runs too far (an off-by-one window)."))
# build_char_model(window, 1, units, cell="GRU") and keras_gru build the GRU of the recipe
BUILD_FORECASTER = Exercise("build_forecaster", forbids=(
    forecaster.build_forecaster, char_model.build_char_model, convert.keras_gru), explain=(
    "Shapes: X (N, window, 1) -> GRU(units) (N, units) -> Dense(1) (N, 1). The GRU reads a sequence (N, T, D): "
    "window steps of one value each, so the input needs its trailing feature axis: keras.Input((window, 1))."))

RECIPE = "keras.Input((window, 1)) -> keras.layers.GRU(units) -> keras.layers.Dense(1)"


# --- make_windows ------------------------------------------------------------------------

def _check_windows(fn, series, window, horizon=None):
    """The answer's ``(X, y)`` for a valid input: shapes, values and dtypes, each mistake named."""
    given = {} if horizon is None else {"horizon": horizon}               # None: the default, 1
    X, y = MAKE_WINDOWS.returns(MAKE_WINDOWS.call(fn, series=series, window=window, **given), "X", "y")
    horizon = horizon or 1
    X_ref, y_ref = windows.make_windows(series, window, horizon)
    n, rows = len(X_ref), len(X) if X.ndim else 0
    count = (f"A series of {len(series)} values with window={window} and horizon={horizon} has n = len(series) - "
             f"window - horizon + 1 = {n} samples: the last window must still have {horizon} value"
             f"{'s' if horizon > 1 else ''} after it.")
    if horizon > 1 and rows == len(series) - window != n:
        fail(f"X has {rows} windows, which is len(series) - window: that count ignores the horizon. {count}")
    if rows != n:
        which = "too many" if rows > n else "too few"
        fail(f"X has {rows} windows; expected {n}" + (f" (an off-by-one window: one {which})" if abs(rows - n) == 1
                                                      else "") + f". {count}")
    known = [
        (X.shape == (n, window), "X is missing the trailing feature axis. Keras recurrent layers read (N, T, D), "
         "here D = 1 value per step: add the axis with X[..., np.newaxis] or X.reshape(n, window, 1)."),
        (window > 1 and X.shape == (n, 1, window), f"the axes of X are swapped, so Keras would read ONE step of "
         f"{window} features. Time comes first, then the single feature."),
        (horizon > 1 and y.shape in [(n,), (n, 1)], f"the horizon is ignored. With horizon={horizon}, y[i] holds "
         f"the next {horizon} values after window i: series[i + window:i + window + horizon]."),
        (y.shape == (n,), "keep y's horizon axis even when horizon is 1, so that y matches the model's output "
         "(N, horizon). Take the slice series[i + window:i + window + horizon] rather than the single value."),
        (y.shape == (n, horizon, 1), "only X has the trailing feature axis. y holds horizon plain values per "
         "window, like the output of Dense(horizon)."),
    ]
    why = next((why for found, why in known if found), None)
    if why:
        fail(f"X has shape {X.shape} and y has shape {y.shape}; expected {(n, window, 1)} and {(n, horizon)}: {why}")
    expect_close("X", X, X_ref, atol=1e-5, hint="One row per window: window steps of one value each.", mistakes=[
        ("X[i] starts one step late; window i should be series[i:i + window].",   # the reference one step later
         lambda: windows.make_windows(np.append(series[1:], 0.0), window, horizon)[0])])
    expect_close("y", y, y_ref, atol=1e-5, hint=f"One row of horizon = {horizon} targets per window.", mistakes=[
        ("y[i] starts with the last value of window i, so the target is inside the window (an off-by-one "
         "target). The model must forecast the values AFTER the window: y[i] = series[i + window:i + window + "
         "horizon].", lambda: windows.make_windows(series, window - 1, horizon)[1][:n])])  # a window shorter
    for name, array in (("X", X), ("y", y)):
        if not np.issubdtype(array.dtype, np.floating):
            fail(f"{name} has dtype {array.dtype}; it should hold floating-point values, like the series.")


def _not_raised_by_the_answer(error):
    """Whether ``error`` came from numpy (np.stack of no rows, np.array of ragged rows, a negative reshape)
    rather than from a ``raise`` statement in the answer's own code."""
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    raised = next((ins.opname for ins in dis.get_instructions(tb.tb_frame.f_code) if ins.offset == tb.tb_lasti), "")
    return raised != "RAISE_VARARGS" or tb.tb_frame.f_globals.get("__name__", "").split(".")[0] == "numpy"


def _expect_refused(fn, why, series, window, horizon):
    """ValueError raised by the answer itself: numpy failing on sizes nobody checked does not count."""
    expect_value_error(MAKE_WINDOWS, fn, why, series=series, window=window, horizon=horizon)
    try:                                             # again, to see where that ValueError came from
        MAKE_WINDOWS.call(fn, series=series, window=window, horizon=horizon)
    except AnswerRaised as failure:
        if _not_raised_by_the_answer(failure.error):
            fail(f"`make_windows` raised ValueError when {why}, but only because numpy could not build the "
                 f"arrays ({failure.error}), not because your code checked the input. Check window, horizon and "
                 f"len(series) first, and raise ValueError with a message saying what was expected.")


def check_make_windows_shapes(fn):
    """Visible: a 10-value series, window 4: (6, 4, 1) and (6, 1); with horizon 3: (4, 4, 1), (4, 3)."""
    MAKE_WINDOWS.own_work(fn)
    series = np.linspace(-1.0, 1.0, 10)
    _check_windows(fn, series, 4)                                           # the default horizon
    _check_windows(fn, series, 4, 3)


def check_make_windows_values(fn):
    """Visible: on 0, 1, ..., 9 every value is its own position, so X[0] = [0, 1, 2] and y[0] = [3]."""
    MAKE_WINDOWS.own_work(fn)
    _check_windows(fn, np.arange(10.0), 3, 1)
    _check_windows(fn, np.arange(10.0), 3, 2)


def check_make_windows_errors(fn):
    """Visible: the answer itself raises ValueError for a series that is too short, window 0 and horizon 0."""
    MAKE_WINDOWS.own_work(fn)
    series = np.arange(6.0)
    _expect_refused(fn, "the series is too short (6 values, but window + horizon = 7)", series, 5, 2)
    _expect_refused(fn, "window is 0", series, 0, 1)
    _expect_refused(fn, "horizon is 0", series, 2, 0)


def check_make_windows_random(fn):
    """Hidden: random series, windows and horizons (numpy integers too); exactly one sample; ValueError,
    raised by the answer itself, for sizes of 0 or below (numpy integers too) and series too short."""
    MAKE_WINDOWS.own_work(fn)
    rng = np.random.default_rng(9)
    for window, horizon in [(1, 1), (5, 1), (7, 4), (2, 6), (24, 12), (np.int64(3), np.int32(2))]:
        _check_windows(fn, rng.normal(size=window + horizon + int(rng.integers(0, 30))), window, horizon)
    _check_windows(fn, rng.normal(size=9), 6, 3)                            # len == window + horizon: one sample
    _check_windows(fn, rng.normal(size=2), 1, 1)
    series = rng.normal(size=8)
    for why, window, horizon in [
            ("the series is one value too short (8 values, window + horizon = 9)", 6, 3),
            ("window is longer than the series", 9, 1), ("window is negative", -2, 1),
            ("horizon is negative", 3, -1), ("window is 0 (a numpy integer)", np.int64(0), 3),
            ("horizon is 0", 4, 0), ("window and horizon are 0", 0, 0)]:
        _expect_refused(fn, why, series, window, horizon)


# --- build_forecaster --------------------------------------------------------------------

def _build(fn, window, units, seed=0):
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)
    model = BUILD_FORECASTER.call(fn, window=window, units=units)
    if model is None:
        fail("build_forecaster returned None: did you forget `return model`?")
    return BUILD_FORECASTER.returns(model, "the model", kind=keras.Model)


def _check_structure(model, window, units):
    """Input (None, window, 1), output (None, 1), and the layers GRU(units), Dense(1) linear."""
    _, keras = quiet_tensorflow()
    inputs, outputs = (getattr(model, name, None) or [] for name in ("inputs", "outputs"))  # none without Input
    if len(inputs) != 1 or len(outputs) != 1:
        fail(f"the model has {len(inputs)} inputs and {len(outputs)} outputs; a forecaster has one of each: "
             f"{RECIPE}.")
    shape, out = tuple(inputs[0].shape), tuple(outputs[0].shape)
    if shape == (None, window):
        fail(f"the model's input shape is {shape}: the trailing feature axis is missing. Use "
             f"keras.Input((window, 1)), matching X of shape (n, window, 1).")
    expect_equal("the model's input shape", shape, (None, window, 1),
                 hint="Use keras.Input((window, 1)): window steps of one value each.")
    if len(out) == 3 and out[1] == window:
        fail(f"the model's output shape is {out}: one output per input step. The recurrent layer has "
             f"return_sequences=True left on, so the Dense layer sees every h_t. A many-to-one forecaster needs "
             f"only the last state h_T: leave return_sequences at False.")
    if out == (None, units) and units != 1:
        fail(f"the model's output shape is {out}: {units} numbers per window. The output layer should be "
             f"Dense(1), one forecast, not Dense(units).")
    expect_equal("the model's output shape", out, (None, 1), hint=f"Recipe: {RECIPE}.")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    kinds = [type(layer).__name__ for layer in layers]
    if len(kinds) == 2 and kinds[0] in ("SimpleRNN", "LSTM"):
        fail(f"the model uses {kinds[0]}; this unit's forecaster uses a GRU (the exercise explains why). Use "
             f"keras.layers.GRU(units).")
    if kinds != ["GRU", "Dense"]:
        fail(f"the layers are {kinds} (keras.Input is not counted); expected ['GRU', 'Dense']: {RECIPE}.")
    expect_equal("the GRU's units", layers[0].units, units, hint="Use the `units` argument.")
    activation = layers[1].activation.__name__
    if activation == "softmax":
        fail("the output layer uses softmax. Softmax turns scores into probabilities that sum to 1 over the "
             "outputs, so over a single output it always returns 1.0, whatever the input. A forecast is a real "
             "number: leave Dense(1) linear (no activation).")
    if activation != "linear":
        fail(f"the output layer has activation {activation!r}. The forecast (a normalised value) can be any "
             f"real number, negative too: leave Dense(1) linear (no activation).")


def _check_compiled(model):
    """Compiled with an optimizer and one regression loss: zero for a perfect forecast, growing with the error."""
    _, keras = quiet_tensorflow()
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        fail("the model is not compiled: call model.compile(optimizer=..., loss='mse') before returning it, so "
             "that it is ready for model.fit.")
    loss = model.loss
    if isinstance(loss, dict):                       # {"dense": "mse"}: one loss per output, by name
        loss = list(loss.values())
    if isinstance(loss, (list, tuple)):              # ["mse"]: one loss per output
        if len(loss) != 1:
            fail("the model is compiled with several losses; a forecaster with one output needs one: loss='mse'.")
        loss = loss[0]
    if loss is None:
        fail("the model is compiled without a loss: pass loss='mse' to model.compile.")
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", repr(loss))
    try:                                             # a string names a Keras loss; anything else is one
        loss = keras.losses.get(loss) if isinstance(loss, str) else loss
    except ValueError:                               # no such Keras loss: it computes no value below
        pass
    L = keras.losses
    if getattr(loss, "fn", loss) in (L.binary_crossentropy, L.categorical_crossentropy, L.kl_divergence,
                                     L.sparse_categorical_crossentropy, L.binary_focal_crossentropy,
                                     L.categorical_focal_crossentropy, L.hinge, L.squared_hinge, L.categorical_hinge):
        fail(f"the loss is {name!r}, a classification loss: it compares predicted class probabilities with class "
             f"labels. A forecast is a real number, so use a regression loss such as 'mse' (mean squared error) or "
             f"'mae' (mean absolute error).")
    rng = np.random.default_rng(0)
    y, error = rng.normal(size=(2, 16, 1)).astype(np.float32)
    with warnings.catch_warnings():                  # e.g. a cross-entropy's complaint about one class
        warnings.simplefilter("ignore")
        try:
            perfect, off, further = (float(np.mean(np.asarray(loss(y, y + k * error)))) for k in (0, 1, 2))
        except Exception:                            # not a loss of (targets, forecasts) at all
            perfect = off = further = np.nan
    if not (abs(perfect) < 1e-6 and 0 < off < further):
        fail(f"the loss {name!r} is not a regression loss (zero for a perfect forecast, growing with the error): "
             f"use 'mse' (mean squared error) or 'mae' for a real-valued forecast.")


def check_build_forecaster_structure(fn):
    """Visible: window 24, units 16: input (None, 24, 1), GRU(16), linear Dense(1), output (None, 1)."""
    BUILD_FORECASTER.own_work(fn)
    _check_structure(_build(fn, 24, 16), 24, 16)


def check_build_forecaster_compiled(fn):
    """Visible: the model is compiled, with an optimizer and a regression loss (string or loss object)."""
    BUILD_FORECASTER.own_work(fn)
    _check_compiled(_build(fn, 24, 16))


def check_build_forecaster_values(fn):
    """Hidden: other sizes; units honoured; with the reference's weights the forecasts agree."""
    BUILD_FORECASTER.own_work(fn)
    for seed, (window, units) in enumerate([(5, 3), (48, 8), (1, 1)], start=20):
        model = _build(fn, window, units, seed)
        _check_structure(model, window, units)
        _check_compiled(model)
        reference = forecaster.build_forecaster(window, units)
        expect_equal("the number of parameters", model.count_params(), reference.count_params(),
                     hint="GRU(units) on one feature has 3 * (1 * units + units * units) + 2 * 3 * units weights "
                          "(Keras's default reset_after=True); Dense(1) has units + 1.")
        model.set_weights(reference.get_weights())
        x = np.random.default_rng(seed).normal(size=(4, window, 1)).astype(np.float32)
        expect_close(f"the forecast for a batch of shape {x.shape}, with the reference's weights copied in (keep "
                     f"the GRU's default activations, tanh and sigmoid, and Dense(1) linear)",
                     np.asarray(model(x, training=False)), np.asarray(reference(x, training=False)),
                     atol=1e-5, rtol=1e-4)
