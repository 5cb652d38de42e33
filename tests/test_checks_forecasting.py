"""The checks of unit 09_forecasting pass right answers and name each common mistake.

Every function below is written as a learner would write it: right answers in several formulations
(a loop or slicing, Sequential or functional Keras, a loss as a string, a function or an object), and
wrong answers that each make one mistake the checks promise to recognise.
"""

import keras
import numpy as np
import pytest
from failures import failure_message

from rnncourse.checks import forecasting as check
from rnncourse.checks import harness
from rnncourse.data import series
from rnncourse.models import char_model, convert, forecaster

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


def make_windows_by_slicing(series, window, horizon=1):
    def check_size(name, value):
        if value < 1:
            raise ValueError(f"{name} must be at least 1; got {value}")

    check_size("window", window)
    check_size("horizon", horizon)
    values = np.asarray(series, dtype=np.float64)
    n = len(values) - window - horizon + 1
    check_size("the number of samples, len(series) - window - horizon + 1,", n)
    starts = np.arange(n)[:, None]
    return values[starts + np.arange(window)][..., None], values[starts + window + np.arange(horizon)]


def build_forecaster(window, units):
    inputs = keras.Input((window, 1))
    model = keras.Model(inputs, L.Dense(1)(L.GRU(units)(inputs)))        # functional, not Sequential
    model.compile(optimizer="rmsprop", loss=keras.losses.MeanAbsoluteError())
    return model


def build_forecaster_sequential(window, units):
    model = keras.Sequential([keras.Input(shape=(window, 1)), L.GRU(units), L.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003), loss="mse", metrics=["mae"])
    return model


WINDOW_CHECKS = [check.check_make_windows_shapes, check.check_make_windows_values,
                 check.check_make_windows_errors, check.check_make_windows_random]
MODEL_CHECKS = [check.check_build_forecaster_structure, check.check_build_forecaster_compiled,
                check.check_build_forecaster_values]


@pytest.mark.parametrize("answer", [make_windows, make_windows_by_slicing])
def test_right_windows_pass_every_check(answer):
    for check_fn in WINDOW_CHECKS:
        check_fn(answer)


@pytest.mark.parametrize("answer", [build_forecaster, build_forecaster_sequential])
def test_right_forecasters_pass_every_check(answer):
    for check_fn in MODEL_CHECKS:
        check_fn(answer)


def my_mse(y_true, y_pred):
    return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)


@pytest.mark.parametrize("loss", ["mae", "huber", "mean_squared_error", "MSE", keras.losses.mean_squared_error,
                                  keras.losses.Huber(), keras.losses.LogCosh(), keras.losses.MeanSquaredError(),
                                  my_mse, ["mse"]])
def test_every_regression_loss_is_accepted(loss):
    def with_loss(window, units):
        inputs = keras.Input((window, 1))
        model = keras.Model(inputs, L.Dense(1)(L.GRU(units)(inputs)))
        model.compile(optimizer="adam", loss=loss)
        return model

    check.check_build_forecaster_compiled(with_loss)


def test_blank_answers_are_explained():
    def blank(*args, **kwargs):
        raise NotImplementedError()

    for check_fn in WINDOW_CHECKS + MODEL_CHECKS:
        with pytest.raises(harness.NotWritten):
            check_fn(blank)


# --- own work ------------------------------------------------------------------------------

FORBIDDEN = {
    "MAKE_WINDOWS": ({series.make_windows, series.prepare}, WINDOW_CHECKS),
    "BUILD_FORECASTER": ({forecaster.build_forecaster, char_model.build_char_model, convert.keras_gru}, MODEL_CHECKS),
}


@pytest.mark.parametrize("constant", sorted(FORBIDDEN))
def test_every_forbidden_object_is_caught(constant):
    exercise, (expected, checks) = getattr(check, constant), FORBIDDEN[constant]
    assert expected <= set(exercise.forbids)
    for ref in exercise.forbids:
        for check_fn in checks:
            assert "your own" in failure(check_fn, ref)
            assert "your own" in failure(check_fn, lambda *a, ref=ref: ref(*a)), (ref, check_fn)


def test_a_wrapper_is_named():
    def wrapper(series_, window, horizon=1):
        return series.make_windows(series_, window, horizon)

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

    with pytest.raises(harness.AnswerRaised) as raised:    # numpy cannot stack the short targets
        check.check_make_windows_shapes(n_is_len_minus_window)
    message = str(raised.value)
    assert "should not raise" in message and "off-by-one window" in message
    assert "n = len(series) - window - horizon + 1" in message

    def padded(series, window, horizon=1):                  # same count, padded so that it stacks
        n = len(series) - window
        s = np.append(series, np.zeros(horizon))
        return (np.array([s[i:i + window] for i in range(n)])[:, :, None],
                np.array([s[i + window:i + window + horizon] for i in range(n)]))

    assert "ignores the horizon" in failure(check.check_make_windows_shapes, padded)


def test_window_starting_one_step_late():
    def late(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        X = np.array([series[i + 1:i + 1 + window] for i in range(len(X))])[:, :, None]
        return X, y

    assert "X[i] starts one step late" in failure(check.check_make_windows_values, late)


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

    assert "axes of X are swapped" in failure(check.check_make_windows_shapes, time_last)


def test_y_without_its_horizon_axis():
    def flat_y(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X, y[:, 0] if horizon == 1 else y

    message = failure(check.check_make_windows_shapes, flat_y)
    assert "y has shape (6,); expected (6, 4, 1) and (6, 1)" in message and "horizon axis" in message


def test_horizon_ignored():
    def one_step_only(series, window, horizon=1):
        return make_windows(series, window, 1)

    assert "ignores the horizon" in failure(check.check_make_windows_shapes, one_step_only)

    def one_target(series, window, horizon=1):              # the right count, one target per window
        X, y = make_windows(series, window, horizon)
        return X, y[:, :1]

    assert "the horizon is ignored" in failure(check.check_make_windows_shapes, one_target)


def test_y_with_a_feature_axis():
    def y_3d(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X, y[:, :, None]

    assert "only X has the trailing feature axis" in failure(check.check_make_windows_shapes, y_3d)


def test_integer_windows():
    def ints(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X.astype(int), y.astype(int)

    assert "X has dtype int64" in failure(check.check_make_windows_values, ints)


def test_a_list_instead_of_arrays():
    def lists(series, window, horizon=1):
        X, y = make_windows(series, window, horizon)
        return X.tolist(), y.tolist()

    assert "X should be a numpy array; it is a list" in failure(check.check_make_windows_shapes, lists)


def test_no_value_error():
    def never_raises(series, window, horizon=1):
        n = max(len(series) - window - horizon + 1, 0)
        return (np.zeros((n, max(window, 0), 1)), np.zeros((n, max(horizon, 0))))

    message = failure(check.check_make_windows_errors, never_raises)
    assert "should raise ValueError when the series is too short" in message


def no_validation(series, window, horizon=1):
    """The windows of a learner who checks nothing: np.stack happens to raise ValueError when n < 1."""
    n = len(series) - window - horizon + 1
    X = np.stack([series[i:i + window] for i in range(n)])
    y = np.stack([series[i + window:i + window + horizon] for i in range(n)])
    return X[:, :, np.newaxis], y


def only_sizes_checked(series, window, horizon=1):
    """Window and horizon checked, the series' length left to np.stack."""
    if window < 1 or horizon < 1:
        raise ValueError("window and horizon must be at least 1")
    return no_validation(series, window, horizon)


def only_length_checked(series, window, horizon=1):
    """The series' length checked, window and horizon not."""
    if len(series) < window + horizon:
        raise ValueError("series too short")
    return no_validation(series, window, horizon)


@pytest.mark.parametrize("answer", [no_validation, only_sizes_checked, only_length_checked])
def test_an_answer_without_validation_fails_even_where_numpy_raises(answer):
    for check_fn in [check.check_make_windows_shapes, check.check_make_windows_values]:
        check_fn(answer)                                   # right on valid inputs
    for check_fn in [check.check_make_windows_errors, check.check_make_windows_random]:
        message = failure(check_fn, answer)
        assert "should raise ValueError" in message or "only because numpy could not build the arrays" in message


def test_a_value_error_from_numpy_is_not_a_check():
    message = failure(check.check_make_windows_errors, only_sizes_checked)
    assert "the series is too short" in message and "only because numpy could not build the arrays" in message
    assert "need at least one array to stack" in message

    def length_checked(series, window, horizon=1):        # np.array of rows of different lengths raises too
        if len(series) < window + horizon:
            raise ValueError("series too short")
        n = len(series) - window - horizon + 1
        X = np.array([series[i:i + window] for i in range(n)], dtype=float)
        y = np.array([series[i + window:i + window + horizon] for i in range(n)], dtype=float)
        return X[:, :, None], y

    message = failure(check.check_make_windows_random, length_checked)
    assert "when window is negative, but only because numpy could not build the arrays" in message


def test_sizes_of_zero_let_through_are_caught_by_the_visible_test():
    def zero_allowed(series, window, horizon=1):           # `< 0` where `< 1` was meant: numpy raises nothing
        if window < 0 or horizon < 0:
            raise ValueError("window and horizon must not be negative")
        if len(series) < window + horizon:
            raise ValueError("series too short")
        return no_validation(series, window, horizon)

    check.check_make_windows_values(zero_allowed)           # right on valid inputs
    message = failure(check.check_make_windows_errors, zero_allowed)
    assert "should raise ValueError when window is 0" in message and "it raised nothing" in message


def test_a_value_error_raised_by_the_answer_after_numpy_failed_counts():
    def translates_numpy(series, window, horizon=1):        # handles the failure itself, with its own message
        if window < 1 or horizon < 1:
            raise ValueError("window and horizon must be at least 1")
        try:
            return no_validation(series, window, horizon)
        except ValueError:
            raise ValueError(f"a series of {len(series)} values is too short for window + horizon = "
                             f"{window + horizon}") from None

    for check_fn in WINDOW_CHECKS:
        check_fn(translates_numpy)


def test_numpy_integer_sizes_are_sizes():
    def python_ints_only(series, window, horizon=1):
        if not isinstance(window, int) or not isinstance(horizon, int):
            raise ValueError("window and horizon must be integers")
        return make_windows(series, window, horizon)

    check.check_make_windows_values(python_ints_only)
    with pytest.raises(harness.AnswerRaised) as raised:
        check.check_make_windows_random(python_ints_only)
    assert "window=np.int64(3)" in str(raised.value) or "window=3" in str(raised.value)

    def zero_passes_as_a_numpy_int(series, window, horizon=1):
        if type(window) is int and window < 1 or horizon < 1:
            raise ValueError("window and horizon must be at least 1")
        return make_windows(series, max(int(window), 1), horizon)

    assert "window is 0 (a numpy integer)" in failure(check.check_make_windows_random, zero_passes_as_a_numpy_int)


def test_input_changed_in_place():
    def mutating(series, window, horizon=1):
        result = make_windows(series, window, horizon)
        series[0] = 99.0
        return result

    with pytest.raises(harness.ArgumentChanged) as changed:
        check.check_make_windows_random(mutating)
    assert changed.value.argument == "series"


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


def test_compiled_without_a_loss():
    assert "without a loss" in failure(check.check_build_forecaster_compiled, _model(GRU, DENSE1,
                                                                                     compile_with=("adam", None)))


def test_classification_loss():
    for loss in ["binary_crossentropy", "categorical_crossentropy", keras.losses.SparseCategoricalCrossentropy(),
                 ["binary_crossentropy"], keras.losses.KLDivergence()]:
        message = failure(check.check_build_forecaster_compiled, _model(GRU, DENSE1, compile_with=("adam", loss)))
        assert "classification loss" in message and "'mse'" in message


def test_other_losses_that_are_not_regression_losses():
    def always_zero(y_true, y_pred):
        return keras.ops.zeros_like(y_pred)

    for loss in ["cosine_similarity", "poisson", always_zero]:
        message = failure(check.check_build_forecaster_compiled, _model(GRU, DENSE1, compile_with=("adam", loss)))
        assert "is not a regression loss" in message


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
        inputs = keras.Input((window,))
        return keras.Model(inputs, L.Dense(1)(L.GRU(units)(inputs)))

    with pytest.raises(harness.AnswerRaised) as raised:                 # Keras refuses to build it
        check.check_build_forecaster_structure(crashes)
    assert isinstance(raised.value.error, ValueError) and "keras.Input((window, 1))" in str(raised.value)


def test_no_keras_input():
    def no_input(window, units):
        return keras.Sequential([L.GRU(units), L.Dense(1)])

    assert "0 inputs and 0 outputs" in failure(check.check_build_forecaster_structure, no_input)


def test_dense_with_units_outputs():
    message = failure(check.check_build_forecaster_structure, _model(GRU, lambda units: L.Dense(units)))
    assert "Dense(1)" in message and "not Dense(units)" in message


def test_other_recurrent_cell():
    message = failure(check.check_build_forecaster_structure, _model(lambda units: L.SimpleRNN(units), DENSE1))
    assert "uses SimpleRNN" in message and "GRU" in message


def test_extra_layer():
    message = failure(check.check_build_forecaster_structure, _model(GRU, lambda units: L.Dense(units), DENSE1))
    assert "the layers are ['GRU', 'Dense', 'Dense']" in message


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
