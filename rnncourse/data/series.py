"""Time-series forecasting (unit 09): generated series, windows, a split in time order,
normalisation, baselines, the Keras forecaster and error measures.

Shapes: a series is a 1-D array of values ``x_0, x_1, ...``. Windowing it gives ``n``
samples: inputs ``X (n, window, 1)`` (``T = window`` steps of ``D = 1`` feature, batch first
as everywhere in the course) and targets ``y (n, horizon)``, the ``horizon`` values that
follow each window. Nothing is downloaded: every series is generated from a seed.
"""

import numpy as np

from ..validate import positive_int

PERIOD = 24          # steps per season of the default series (think: hourly readings, daily cycle)


# --- series ----------------------------------------------------------------------------

def make_series(n_steps=1200, period=PERIOD, slope=0.001, amplitude=1.0, noise=0.3, level=10.0,
                seed=0, parts=False):
    """Trend + seasonality + noise, ``(n_steps,)`` float64.

    ``x_t = level + slope * t + amplitude * (sin(2 pi t / period) + 0.4 sin(4 pi t / period + 1)) + e_t``
    with ``e_t ~ N(0, noise^2)`` drawn from ``numpy.random.default_rng(seed)``. The second
    harmonic makes each season lopsided rather than a plain sine. With ``parts=True`` also
    return ``{"trend", "seasonality", "noise"}``, three ``(n_steps,)`` arrays that add up
    to the series.
    """
    positive_int("n_steps", n_steps)
    positive_int("period", period)
    if noise < 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0; got {noise}")
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps, dtype=np.float64)
    components = {
        "trend": level + slope * t,
        "seasonality": amplitude * (np.sin(2 * np.pi * t / period) + 0.4 * np.sin(4 * np.pi * t / period + 1.0)),
        "noise": rng.normal(0.0, noise, size=n_steps),
    }
    series = components["trend"] + components["seasonality"] + components["noise"]
    return (series, components) if parts else series


def random_walk(n_steps=1200, step_std=1.0, start=100.0, seed=0):
    """``x_0 = start + e_0``, ``x_t = x_{t-1} + e_t`` with ``e_t ~ N(0, step_std^2)``: ``(n_steps,)`` float64.

    Each step is independent of the past, so the best forecast of ``x_{t+1}`` from
    ``x_0 .. x_t`` is ``x_t`` itself: no model can beat the last value on average.
    """
    positive_int("n_steps", n_steps)
    if step_std <= 0:
        raise ValueError(f"step_std must be > 0; got {step_std}")
    rng = np.random.default_rng(seed)
    return start + np.cumsum(rng.normal(0.0, step_std, size=n_steps))


# --- windows and the split ---------------------------------------------------------------

def make_windows(series, window, horizon=1):
    """Every window of ``window`` consecutive values and the ``horizon`` values after it.

    Returns float32 ``X (n, window, 1)`` and ``y (n, horizon)`` with
    ``n = len(series) - window - horizon + 1``: ``X[i, :, 0] = series[i:i + window]`` and
    ``y[i] = series[i + window:i + window + horizon]``. The trailing axis of ``X`` is the one
    feature per step that Keras recurrent layers expect, ``(N, T, D)`` with ``D = 1``.
    Raises ``ValueError`` when ``window`` or ``horizon`` is below 1 or the series has fewer
    than ``window + horizon`` values (not one complete sample).
    """
    positive_int("window", window)
    positive_int("horizon", horizon)
    series = np.asarray(series, dtype=np.float32)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, one value per time step; got shape {series.shape}")
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError(f"a series of {len(series)} values is too short for window={window} and "
                         f"horizon={horizon}: one sample needs window + horizon = {window + horizon} values")
    starts = np.arange(n)[:, None]                                   # (n, 1)
    X = series[starts + np.arange(window)]                           # (n, window)
    y = series[starts + window + np.arange(horizon)]                 # (n, horizon)
    return X[:, :, None], y


def split_series(series, val_fraction=0.25):
    """Split a series in time order: ``(train, val)``, the first part and the last ``val_fraction``.

    Returns copies. Windowing each part separately (instead of windowing first and
    splitting the windows) guarantees that no validation input or target was ever a
    training target, and that no training sample reads a validation value.
    """
    series = np.asarray(series)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D; got shape {series.shape}")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1; got {val_fraction}")
    cut = int(round(len(series) * (1 - val_fraction)))
    if not 0 < cut < len(series):
        raise ValueError(f"a series of {len(series)} values cannot be split with val_fraction={val_fraction}")
    return series[:cut].copy(), series[cut:].copy()


def rolling_origins(n_steps, horizon, n_origins, step=None):
    """The origins of a walk-forward (rolling-origin) evaluation: ``(n_origins,)`` ints, increasing.

    Origin ``o`` splits a series of ``n_steps`` values into the past ``series[:o]``, the only
    data a model may be fitted to, and the test block ``series[o:o + horizon]``. The last block
    ends on the last value; the origins before it are ``step`` apart (default ``horizon``:
    blocks that follow each other without overlap). For ``n_steps=10, horizon=2, n_origins=3``
    the origins are ``[4, 6, 8]``.
    """
    positive_int("n_steps", n_steps)
    positive_int("horizon", horizon)
    positive_int("n_origins", n_origins)
    step = horizon if step is None else positive_int("step", step)
    origins = n_steps - horizon - step * np.arange(n_origins - 1, -1, -1)
    if origins[0] < 1:
        raise ValueError(f"{n_origins} origins {step} steps apart, with blocks of {horizon}, do not fit in "
                         f"{n_steps} values: the first origin would be {origins[0]}")
    return origins


def fit_normaliser(train):
    """``(mean, std)`` of the TRAINING part only, as Python floats.

    The validation part stands in for the future, which is unknown when the model is
    trained and when it is used; its statistics must not shape the inputs.
    """
    train = np.asarray(train, dtype=np.float64)
    std = float(train.std())
    if not std > 0:
        raise ValueError("the training part is constant (std 0): there is nothing to scale by")
    return float(train.mean()), std


def normalise(values, mean, std):
    """``(values - mean) / std``, any shape."""
    return (np.asarray(values, dtype=np.float64) - mean) / std


def denormalise(values, mean, std):
    """Undo :func:`normalise`: ``values * std + mean``, any shape."""
    return np.asarray(values, dtype=np.float64) * std + mean


def prepare(series, window, horizon=1, val_fraction=0.25):
    """Split in time order, normalise with training statistics, window each part.

    Returns a dict with ``X_train (n_train, window, 1)``, ``y_train (n_train, horizon)``,
    ``X_val``, ``y_val`` (normalised, float32), ``mean`` and ``std`` (from the training
    part), ``train`` and ``val`` (the raw parts) and ``cut`` (the index where validation begins).
    """
    train, val = split_series(series, val_fraction)
    mean, std = fit_normaliser(train)
    X_train, y_train = make_windows(normalise(train, mean, std), window, horizon)
    X_val, y_val = make_windows(normalise(val, mean, std), window, horizon)
    return {"X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "mean": mean, "std": std, "train": train, "val": val, "cut": len(train)}


# --- baselines -------------------------------------------------------------------------

def _values(X):
    X = np.asarray(X)
    if X.ndim == 3 and X.shape[-1] == 1:
        X = X[:, :, 0]
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, window, 1) or (n, window); got {X.shape}")
    return X


def naive_forecast(X, horizon=1):
    """The last value of each window, repeated ``horizon`` times: ``(n, horizon)``.

    ``X``: ``(n, window, 1)`` or ``(n, window)``. For a random walk this is the best
    possible forecast; for anything else it is the first baseline to beat.
    """
    positive_int("horizon", horizon)
    X = _values(X)
    return np.repeat(X[:, -1:], horizon, axis=1)


def seasonal_naive_forecast(X, period=PERIOD, horizon=1):
    """The value one season before each target: ``(n, horizon)``.

    The target ``k`` steps after a window (``k = 0 .. horizon - 1``) is forecast by the
    value ``period`` steps earlier, which is ``X[:, window + k - period]`` (whole seasons
    further back when ``k >= period``). Needs ``window >= period``.
    """
    positive_int("period", period)
    positive_int("horizon", horizon)
    X = _values(X)
    window = X.shape[1]
    if window < period:
        raise ValueError(f"the seasonal baseline needs a window of at least one period ({period} steps); "
                         f"got window={window}")
    return X[:, window - period + np.arange(horizon) % period]


def fit_linear_forecaster(X, y):
    """Least-squares weights of the linear forecast ``y_hat = sum_j x_j w_j + c``.

    ``X``: windows ``(n, window, 1)`` or ``(n, window)``; ``y``: targets ``(n, horizon)``.
    Returns ``coef (window + 1, horizon)``: the rows ``w_1 .. w_window`` and, last, ``c``.
    One call of ``numpy.linalg.lstsq``: no epochs and no seed.
    """
    X = _values(X)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 2 or len(y) != len(X):
        raise ValueError(f"y must have shape ({len(X)}, horizon); got {y.shape}")
    A = np.c_[X, np.ones(len(X))]                                    # (n, window + 1): the window, and a 1 for c
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef


def linear_forecast(X, coef):
    """The linear forecast of :func:`fit_linear_forecaster`: ``(n, horizon)``.

    ``X``: ``(n, window, 1)`` or ``(n, window)``; ``coef``: ``(window + 1, horizon)``.
    """
    X = _values(X)
    coef = np.asarray(coef, dtype=np.float64)
    if coef.ndim != 2 or coef.shape[0] != X.shape[1] + 1:
        raise ValueError(f"coef must have shape ({X.shape[1] + 1}, horizon) for windows of {X.shape[1]}; "
                         f"got {coef.shape}")
    return np.c_[X, np.ones(len(X))] @ coef


def level_response(forecast, X, shift=0.25):
    """How far a forecast follows a rise of the whole window, on average: a number, 1 = fully.

    ``forecast``: a function ``X (n, window, 1) -> (n, horizon)``, e.g. a Keras model's
    ``predict`` or ``lambda X: linear_forecast(X, coef)``. Every value of every window of
    ``X (n, window, 1)`` is raised by ``shift`` (in the units of ``X``), and the mean rise of
    the forecasts is divided by ``shift``. A series that moves up as a whole should carry the
    forecast up by the same amount, a response of 1; a smaller response pulls the forecasts
    back towards the levels the model was fitted on. For the linear forecast it equals
    ``sum_j w_j`` (up to rounding), whatever ``X`` and ``shift``.
    """
    X = np.asarray(X, dtype=np.float32)
    if shift == 0:
        raise ValueError("shift must not be 0: the response is a rise divided by the shift")
    before = np.asarray(forecast(X), dtype=np.float64)
    after = np.asarray(forecast(X + np.float32(shift)), dtype=np.float64)
    return float(np.mean(after - before) / shift)


# --- error measures ----------------------------------------------------------------------

def _pair(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}")
    return y_true, y_pred


def mae(y_true, y_pred, axis=None):
    """Mean absolute error ``mean |y - y_hat|``; ``axis=0`` gives one value per forecast step."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred), axis=axis)


def rmse(y_true, y_pred, axis=None):
    """Root mean squared error ``sqrt(mean (y - y_hat)^2)``; ``axis=0`` gives one value per step."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sqrt(np.mean((y_true - y_pred) ** 2, axis=axis))
