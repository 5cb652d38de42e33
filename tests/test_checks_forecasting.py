"""The checks of unit 09_forecasting pass right answers and name each common mistake."""

import keras
import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import forecasting as check
from rnncourse.data import series as forecasting
from rnncourse.models import forecaster

pytestmark = pytest.mark.usefixtures("keras_seeded")

L = keras.layers


failure = failure_message


# --- right answers, written as a learner might ---------------------------------------------

def make_windows(series, window, horizon=1):
    if window < 1 or horizon < 1:
        raise ValueError("window and horizon must be at least 1")
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError("series too short")
    X = np.array([series[i:i + window] for i in range(n)], dtype=float).reshape(n, window, 1)
    y = np.array([series[i + window:i + window + horizon] for i in range(n)], dtype=float)
    return X, y


def build_forecaster(window, units):
    inputs = keras.Input((window, 1))
    model = keras.Model(inputs, L.Dense(1)(L.GRU(units)(inputs)))        # functional, not Sequential
    model.compile(optimizer="rmsprop", loss=keras.losses.MeanAbsoluteError())
    return model


WINDOW_CHECKS = [check.check_make_windows_shapes, check.check_make_windows_values,
                 check.check_make_windows_errors, check.check_make_windows_random]
MODEL_CHECKS = [check.check_build_forecaster_structure, check.check_build_forecaster_compiled,
                check.check_build_forecaster_values]


def test_right_answers_pass_every_check():
    for check_fn in WINDOW_CHECKS:
        check_fn(make_windows)
    for check_fn in MODEL_CHECKS:
        check_fn(build_forecaster)


@pytest.mark.parametrize("loss", ["mae", "huber", "mean_squared_error", keras.losses.mean_squared_error,
                                  keras.losses.Huber(), keras.losses.LogCosh()])
def test_every_regression_loss_is_accepted(loss):
    def with_loss(window, units):
        model = keras.Sequential([keras.Input((window, 1)), L.GRU(units), L.Dense(1)])
        model.compile(optimizer="adam", loss=loss)
        return model

    check.check_build_forecaster_compiled(with_loss)


def test_blank_and_reference_answers_score_nothing():
    def blank(*args, **kwargs):
        raise NotImplementedError()

    for check_fn in WINDOW_CHECKS + MODEL_CHECKS:
        assert "not written yet" in failure(check_fn, blank)
    assert "your own" in failure(check.check_make_windows_shapes, forecasting.make_windows)
    assert "your own" in failure(check.check_build_forecaster_structure, forecaster.build_forecaster)

    def wrapper(series, window, horizon=1):
        return forecasting.make_windows(series, window, horizon)

    assert "rnncourse.data.series.make_windows" in failure(check.check_make_windows_values, wrapper)


# --- make_windows: the named mistakes ----------------------------------------------------------

def test_one_window_too_many():
    def too_many(series, window, horizon=1):               # n = len - window - horizon + 2
        padded = np.append(series, 0.0)
        return make_windows(padded, window, horizon)

    message = failure(check.check_make_windows_shapes, too_many)
    assert "off-by-one window" in message and "one too many" in message
    assert "n = len(series) - window - horizon + 1" in message


def test_one_window_too_few():
    def too_few(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X[:-1], y[:-1]

    message = failure(check.check_make_windows_shapes, too_few)
    assert "off-by-one window" in message and "one too few" in message


def test_count_that_ignores_the_horizon_is_named():
    def n_is_len_minus_window(series, window, horizon=1):  # the last windows get short targets
        n = len(series) - window
        X = np.array([series[i:i + window] for i in range(n)])[:, :, None]
        y = np.array([series[i + window:i + window + horizon] for i in range(n)])
        return X, y

    message = failure(check.check_make_windows_shapes, n_is_len_minus_window)
    assert "should not raise" in message and "off-by-one window" in message
    assert "n = len(series) - window - horizon + 1" in message

    def padded(series, window, horizon=1):                  # same count, padded so that it stacks
        n = len(series) - window
        s = np.append(series, np.zeros(horizon))
        return (np.array([s[i:i + window] for i in range(n)])[:, :, None],
                np.array([s[i + window:i + window + horizon] for i in range(n)]))

    assert "ignores the horizon" in failure(check.check_make_windows_shapes, padded)


def test_target_inside_the_window():
    def last_input_as_target(series, window, horizon=1):
        X, _ = make_windows(series, window, horizon)
        y = np.array([series[i + window - 1:i + window - 1 + horizon] for i in range(len(X))])
        return X, y

    message = failure(check.check_make_windows_values, last_input_as_target)
    assert "target is inside the window" in message


def test_missing_feature_axis():
    def flat_X(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X[:, :, 0], y

    message = failure(check.check_make_windows_shapes, flat_X)
    assert "missing the trailing feature axis" in message and "(6, 4, 1)" in message


def test_swapped_axes():
    def time_last(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X.transpose(0, 2, 1), y

    assert "axes are swapped" in failure(check.check_make_windows_shapes, time_last)


def test_y_without_its_horizon_axis():
    def flat_y(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X, y[:, 0] if horizon == 1 else y

    message = failure(check.check_make_windows_shapes, flat_y)
    assert "y has shape (6,); expected (6, 1)" in message and "horizon axis" in message


def test_horizon_ignored():
    def one_step_only(series, window, horizon=1):
        return make_windows(series, window, 1)

    message = failure(check.check_make_windows_shapes, one_step_only)
    assert "horizon" in message and "ignore" in message


def test_y_with_a_feature_axis():
    def y_3d(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X, y[:, :, None]

    assert "only X has the trailing feature axis" in failure(check.check_make_windows_shapes, y_3d)


def test_no_value_error():
    def never_raises(series, window, horizon=1):
        n = max(len(series) - window - horizon + 1, 0)
        return (np.zeros((n, max(window, 0), 1)), np.zeros((n, max(horizon, 0))))

    message = failure(check.check_make_windows_errors, never_raises)
    assert "should raise ValueError when the series is too short" in message


def test_input_changed_in_place():
    def mutating(series, window, horizon=1):
        result = make_windows(series, window, horizon)
        series[0] = 99.0
        return result

    assert "in place" in failure(check.check_make_windows_random, mutating)


# --- build_forecaster: the named mistakes ------------------------------------------------------

def _model(*layers, compile_with=("adam", "mse")):
    """A builder: keras.Input((window, 1)), then one layer per factory, each called with units."""
    def build(window, units):
        model = keras.Sequential([keras.Input((window, 1)), *[make(units) for make in layers]])
        if compile_with:
            model.compile(optimizer=compile_with[0], loss=compile_with[1])
        return model
    return build


GRU = lambda units: L.GRU(units)            # noqa: E731
DENSE1 = lambda units: L.Dense(1)           # noqa: E731


def test_uncompiled_model():
    message = failure(check.check_build_forecaster_compiled, _model(GRU, DENSE1, compile_with=None))
    assert "not compiled" in message


def test_classification_loss():
    for loss in ["binary_crossentropy", "categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy()]:
        message = failure(check.check_build_forecaster_compiled, _model(GRU, DENSE1, compile_with=("adam", loss)))
        assert "classification loss" in message and "'mse'" in message


def test_softmax_on_the_output():
    message = failure(check.check_build_forecaster_structure,
                      _model(GRU, lambda units: L.Dense(1, activation="softmax")))
    assert "softmax" in message and "always returns 1.0" in message


def test_other_output_activation():
    message = failure(check.check_build_forecaster_structure,
                      _model(GRU, lambda units: L.Dense(1, activation="sigmoid")))
    assert "'sigmoid'" in message and "linear" in message


def test_return_sequences_left_on():
    message = failure(check.check_build_forecaster_structure,
                      _model(lambda units: L.GRU(units, return_sequences=True), DENSE1))
    assert "return_sequences" in message and "(None, 24, 1)" in message


def test_input_without_feature_axis():
    def flat_input(window, units):
        model = keras.Sequential([keras.Input((window,)), L.Reshape((window, 1)), L.GRU(units), L.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        return model

    assert "trailing feature axis is missing" in failure(check.check_build_forecaster_structure, flat_input)

    def crashes(window, units):
        return keras.Sequential([keras.Input((window,)), L.GRU(units), L.Dense(1)])

    message = failure(check.check_build_forecaster_structure, crashes)
    assert "keras.Input((window, 1))" in message


def test_dense_with_units_outputs():
    message = failure(check.check_build_forecaster_structure, _model(GRU, lambda units: L.Dense(units)))
    assert "Dense(1)" in message


def test_other_recurrent_cell():
    message = failure(check.check_build_forecaster_structure, _model(lambda units: L.SimpleRNN(units), DENSE1))
    assert "uses SimpleRNN" in message and "GRU" in message


def test_units_ignored():
    message = failure(check.check_build_forecaster_structure, _model(lambda units: L.GRU(8), DENSE1))
    assert "the GRU's units is 8; expected 16" in message


def test_wrong_activation_found_by_the_values():
    message = failure(check.check_build_forecaster_values,
                      _model(lambda units: L.GRU(units, activation="relu"), DENSE1))
    assert "with the reference's weights copied in" in message


def test_no_model_returned():
    def forgets_return(window, units):
        _model(GRU, DENSE1)(window, units)

    assert "forget `return model`" in failure(check.check_build_forecaster_structure, forgets_return)
