"""Classical forecasts and walk-forward (rolling-origin) evaluation (unit 09).

A block forecast maps the training part of a series, ``train (m,)``, to the next
``horizon`` values, ``(horizon,)``. :func:`walk_forward` calls one at several origins, each
time with the values before the origin only. ``statsmodels`` is imported only when a
classical model is fitted.
"""

import warnings

import numpy as np

from ..validate import positive_int


def holt_winters_forecast(train, horizon, period=12):
    """Holt-Winters exponential smoothing, additive trend and season: ``(horizon,)`` float64.

    ``train (m,)``: the values up to the origin, at least two seasons. Fits
    ``statsmodels.tsa.holtwinters.ExponentialSmoothing(train, trend="add", seasonal="add",
    seasonal_periods=period)`` to ``train`` alone (its smoothing weights and starting
    values by maximum likelihood) and forecasts the next ``horizon`` steps. statsmodels' ``ConvergenceWarning``
    (the optimiser stopped before its tolerance) is silenced on purpose, so that a notebook
    cell writes nothing to stderr; the forecast is scored either way, so a poor fit shows
    in its error.
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    positive_int("horizon", horizon)
    positive_int("period", period)
    train = np.asarray(train, dtype=np.float64)
    if train.ndim != 1 or len(train) < 2 * period:
        raise ValueError(f"train must be 1-D with at least two seasons ({2 * period} values); got shape {train.shape}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = ExponentialSmoothing(train, trend="add", seasonal="add", seasonal_periods=period).fit()
        return np.asarray(fit.forecast(horizon), dtype=np.float64)


def sarima_forecast(train, horizon, order=(1, 1, 1), seasonal_order=(0, 1, 1, 12)):
    """Seasonal ARIMA fitted to ``train (m,)`` alone: the next ``horizon`` values, ``(horizon,)``.

    ``statsmodels.tsa.statespace.sarimax.SARIMAX(train, order, seasonal_order)``; the default
    is the "airline" model, one difference and one seasonal difference. About ten times
    slower to fit than :func:`holt_winters_forecast`. ``ConvergenceWarning`` is silenced on
    purpose, as there, and so is ``EstimationWarning`` (the starting values it computes for the
    optimiser were unusable and it starts from zeros instead).
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, EstimationWarning
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    positive_int("horizon", horizon)
    train = np.asarray(train, dtype=np.float64)
    if train.ndim != 1:
        raise ValueError(f"train must be 1-D; got shape {train.shape}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", EstimationWarning)
        fit = SARIMAX(train, order=order, seasonal_order=seasonal_order).fit(disp=False)
        return np.asarray(fit.forecast(horizon), dtype=np.float64)


def walk_forward(series, forecast, origins, horizon):
    """Rolling-origin evaluation: refit at every origin on the past only, forecast the next block.

    ``series (n,)``; ``forecast``: a function ``train (origin,) -> (horizon,)`` that fits
    whatever it needs to ``train`` and forecasts the ``horizon`` values after it;
    ``origins``: increasing ints (e.g. from ``data.rolling_origins``). At origin ``o`` the
    function receives a copy of ``series[:o]`` and nothing later; its forecast is compared
    with ``series[o:o + horizon]``.

    Returns ``(forecasts, truth)``, both ``(n_origins, horizon)`` float64; the error per origin
    is ``data.mae(truth, forecasts, axis=1)``.
    """
    positive_int("horizon", horizon)
    series = np.asarray(series, dtype=np.float64)
    origins = [int(o) for o in origins]
    if any(o < 1 or o + horizon > len(series) for o in origins):
        raise ValueError(f"every origin needs 1 <= origin and origin + horizon <= {len(series)}; got {origins}")
    forecasts = np.empty((len(origins), horizon))
    truth = np.empty((len(origins), horizon))
    for k, o in enumerate(origins):
        forecasts[k] = np.asarray(forecast(series[:o].copy()), dtype=np.float64).reshape(horizon)
        truth[k] = series[o:o + horizon]
    return forecasts, truth
