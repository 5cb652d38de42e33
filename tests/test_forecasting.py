"""rnncourse.data.series: series, windows by hand, a split that never leaks, baselines, the model."""

import numpy as np
import pytest

from rnncourse.data import series as fc
from rnncourse.models import forecaster

pytestmark = pytest.mark.usefixtures("keras_seeded")


# --- series ------------------------------------------------------------------------------

def test_series_is_the_sum_of_its_parts_and_seeded():
    series, parts = fc.make_series(n_steps=300, period=12, slope=0.01, noise=0.5, level=3.0, seed=4, parts=True)
    assert series.shape == (300,) and series.dtype == np.float64
    np.testing.assert_allclose(series, parts["trend"] + parts["seasonality"] + parts["noise"])
    np.testing.assert_allclose(parts["trend"], 3.0 + 0.01 * np.arange(300))
    np.testing.assert_allclose(parts["seasonality"][12:], parts["seasonality"][:-12], atol=1e-12)  # period 12
    assert abs(parts["seasonality"].mean()) < 1e-9                      # whole seasons average to zero
    assert parts["noise"].std() == pytest.approx(0.5, rel=0.15)
    np.testing.assert_array_equal(series, fc.make_series(n_steps=300, period=12, slope=0.01, noise=0.5,
                                                         level=3.0, seed=4))
    assert not np.array_equal(series, fc.make_series(n_steps=300, period=12, slope=0.01, noise=0.5,
                                                     level=3.0, seed=5))


def test_noise_free_series_is_trend_plus_season():
    series = fc.make_series(n_steps=48, period=24, slope=0.0, amplitude=2.0, noise=0.0, level=1.0)
    t = np.arange(48)
    np.testing.assert_allclose(series, 1.0 + 2.0 * (np.sin(2 * np.pi * t / 24) + 0.4 * np.sin(4 * np.pi * t / 24 + 1)))


def test_random_walk_steps():
    walk = fc.random_walk(n_steps=5000, step_std=2.0, start=50.0, seed=1)
    steps = np.diff(walk)
    assert walk.shape == (5000,)
    assert steps.std() == pytest.approx(2.0, rel=0.05)
    assert abs(np.corrcoef(steps[:-1], steps[1:])[0, 1]) < 0.05        # independent steps
    rng = np.random.default_rng(1)
    np.testing.assert_allclose(walk, 50.0 + np.cumsum(rng.normal(0.0, 2.0, 5000)))


@pytest.mark.parametrize("kwargs, match", [({"n_steps": 0}, "n_steps"), ({"period": 0}, "period"),
                                           ({"noise": -1.0}, "noise")])
def test_bad_series_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        fc.make_series(**kwargs)


# --- make_windows --------------------------------------------------------------------------

def test_make_windows_by_hand():
    X, y = fc.make_windows(np.arange(6.0), window=2, horizon=2)   # n = 6 - 2 - 2 + 1 = 3
    np.testing.assert_array_equal(X[:, :, 0], [[0, 1], [1, 2], [2, 3]])
    np.testing.assert_array_equal(y, [[2, 3], [3, 4], [4, 5]])
    assert X.shape == (3, 2, 1) and y.shape == (3, 2)
    assert X.dtype == np.float32 and y.dtype == np.float32


def test_make_windows_default_horizon_and_one_sample():
    X, y = fc.make_windows([5.0, 6.0, 7.0, 8.0], 3)     # a list works; n = 4 - 3 - 1 + 1 = 1
    np.testing.assert_array_equal(X, [[[5.0], [6.0], [7.0]]])
    np.testing.assert_array_equal(y, [[8.0]])


@pytest.mark.parametrize("length, window, horizon", [(10, 3, 1), (10, 1, 9), (30, 24, 5), (7, 7, 0)])
def test_make_windows_matches_the_definition(length, window, horizon):
    series = np.random.default_rng(length).normal(size=length)
    if horizon == 0:
        with pytest.raises(ValueError, match="horizon"):
            fc.make_windows(series, window, horizon)
        return
    X, y = fc.make_windows(series, window, horizon)
    n = length - window - horizon + 1
    assert X.shape == (n, window, 1) and y.shape == (n, horizon)
    for i in range(n):
        np.testing.assert_allclose(X[i, :, 0], series[i:i + window], rtol=1e-6)
        np.testing.assert_allclose(y[i], series[i + window:i + window + horizon], rtol=1e-6)


def test_make_windows_errors():
    with pytest.raises(ValueError, match="too short"):
        fc.make_windows(np.arange(6.0), 5, 2)
    with pytest.raises(ValueError, match="window"):
        fc.make_windows(np.arange(6.0), 0)
    with pytest.raises(ValueError, match="horizon"):
        fc.make_windows(np.arange(6.0), 2, -1)
    with pytest.raises(ValueError, match="1-D"):
        fc.make_windows(np.zeros((6, 1)), 2)


def test_make_windows_does_not_change_its_input():
    series = np.arange(10.0)
    X, _ = fc.make_windows(series, 3)
    X[:] = -1
    np.testing.assert_array_equal(series, np.arange(10.0))


# --- the split ---------------------------------------------------------------------------

def test_split_series_in_time_order():
    train, val = fc.split_series(np.arange(1200.0), val_fraction=0.25)
    np.testing.assert_array_equal(train, np.arange(900.0))
    np.testing.assert_array_equal(val, np.arange(900.0, 1200.0))
    with pytest.raises(ValueError, match="val_fraction"):
        fc.split_series(np.arange(10.0), 1.0)
    with pytest.raises(ValueError, match="cannot be split"):
        fc.split_series(np.arange(2.0), 0.1)


@pytest.mark.parametrize("window, horizon, val_fraction", [(24, 1, 0.25), (24, 12, 0.25), (5, 3, 0.5), (1, 1, 0.1)])
def test_split_then_window_never_leaks(window, horizon, val_fraction):
    """Windowing the positions 0, 1, 2, ... shows which time step every input and target comes from.

    No validation input or target may be a training target, and no training input or target
    may be a validation value: the training part ends before anything validation uses begins.
    """
    positions = np.arange(1200.0)
    train, val = fc.split_series(positions, val_fraction)
    X_train, y_train = fc.make_windows(train, window, horizon)
    X_val, y_val = fc.make_windows(val, window, horizon)
    train_targets = set(y_train.ravel().astype(int))
    train_values = train_targets | set(X_train.ravel().astype(int))
    val_values = set(X_val.ravel().astype(int)) | set(y_val.ravel().astype(int))
    assert not val_values & train_targets                # no validation input or target was a training target
    assert not val_values & train_values                 # nor a training input
    assert max(train_values) < min(val_values)           # everything in training comes first
    assert max(train_values) == len(train) - 1           # ... and no value of the training part is lost
    assert sorted(set(y_val.ravel().astype(int))) == list(range(len(train) + window, 1200))


def test_prepare_normalises_with_the_training_part_only():
    series = fc.make_series(n_steps=400, seed=2)
    data = fc.prepare(series, window=24, horizon=2, val_fraction=0.25)
    train, val = series[:300], series[300:]
    assert data["mean"] == pytest.approx(train.mean()) and data["std"] == pytest.approx(train.std())
    assert data["mean"] != pytest.approx(series.mean())
    np.testing.assert_allclose(fc.denormalise(data["X_val"][:, :, 0], data["mean"], data["std"]),
                               fc.make_windows(val, 24, 2)[0][:, :, 0], rtol=1e-5)
    np.testing.assert_allclose(fc.denormalise(data["y_train"], data["mean"], data["std"]),
                               fc.make_windows(train, 24, 2)[1], rtol=1e-5)
    assert data["cut"] == 300 and data["X_train"].shape == (300 - 25, 24, 1)
    # the validation part's own statistics are never used: changing it changes nothing in training
    shifted = np.concatenate([train, val + 100.0])
    again = fc.prepare(shifted, window=24, horizon=2, val_fraction=0.25)
    assert again["mean"] == data["mean"] and again["std"] == data["std"]
    np.testing.assert_array_equal(again["X_train"], data["X_train"])


def test_normaliser_round_trip_and_constant_part():
    mean, std = fc.fit_normaliser([1.0, 2.0, 3.0, 4.0])
    assert (mean, std) == (2.5, pytest.approx(np.sqrt(1.25)))
    z = fc.normalise([1.0, 4.0], mean, std)
    np.testing.assert_allclose(z, [-1.5 / std, 1.5 / std])
    np.testing.assert_allclose(fc.denormalise(z, mean, std), [1.0, 4.0])
    with pytest.raises(ValueError, match="constant"):
        fc.fit_normaliser([2.0, 2.0, 2.0])


# --- baselines and errors ----------------------------------------------------------------

def test_naive_forecast_is_the_last_value():
    X, _ = fc.make_windows(np.arange(10.0), 3, 2)
    np.testing.assert_array_equal(fc.naive_forecast(X), X[:, -1, :])
    np.testing.assert_array_equal(fc.naive_forecast(X, horizon=3), np.repeat(X[:, -1, :], 3, axis=1))
    np.testing.assert_array_equal(fc.naive_forecast(X[:, :, 0]), X[:, -1, :])   # (n, window) works too


def test_seasonal_forecast_by_hand():
    X = np.arange(2 * 8.0).reshape(2, 8)              # two windows of 8 values, period 3
    np.testing.assert_array_equal(fc.seasonal_naive_forecast(X, period=3), [[5.0], [13.0]])
    # lead times 0..4: 8 + k - 3 for k < 3, then one more season back (k % 3)
    np.testing.assert_array_equal(fc.seasonal_naive_forecast(X, period=3, horizon=5)[0], [5, 6, 7, 5, 6])
    with pytest.raises(ValueError, match="at least one period"):
        fc.seasonal_naive_forecast(X, period=9)


def test_baselines_are_exact_where_they_should_be():
    constant = np.full(50, 3.0)
    X, y = fc.make_windows(constant, 5, 4)
    assert fc.mae(y, fc.naive_forecast(X, 4)) == 0.0
    seasonal = fc.make_series(n_steps=200, period=10, slope=0.0, noise=0.0)
    X, y = fc.make_windows(seasonal, 10, 15)
    assert fc.mae(y, fc.seasonal_naive_forecast(X, 10, 15)) < 1e-5     # float32 windows
    assert fc.mae(y, fc.naive_forecast(X, 15)) > 0.1


def test_error_measures_by_hand():
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    y_hat = np.array([[2.0, 2.0], [3.0, 1.0]])
    assert fc.mae(y, y_hat) == pytest.approx(1.0)                        # (1 + 0 + 0 + 3) / 4
    assert fc.rmse(y, y_hat) == pytest.approx(np.sqrt(10 / 4))          # (1 + 0 + 0 + 9) / 4
    np.testing.assert_allclose(fc.mae(y, y_hat, axis=0), [0.5, 1.5])
    with pytest.raises(ValueError, match="shape"):
        fc.mae(y, y_hat[:, :1])


# --- the Keras forecaster ----------------------------------------------------------------

def test_forecaster_layers_shapes_and_compilation():
    model = forecaster.build_forecaster(24, 32)
    assert [type(layer).__name__ for layer in model.layers] == ["GRU", "Dense"]
    assert model.input_shape == (None, 24, 1) and model.output_shape == (None, 1)
    assert model.layers[0].return_sequences is False
    assert model.layers[1].activation.__name__ == "linear"
    # GRU (reset_after=True): Wx (1, 96), Wh (32, 96), b (2, 96); Dense: Wy (32, 1), by (1,)
    assert model.count_params() == 3 * (1 * 32 + 32 * 32) + 2 * 3 * 32 + 32 + 1
    assert model.loss == "mse" and type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.003)


def test_forecaster_output_is_linear_in_the_last_state():
    """y_hat = h_T Wy + by, with h_T the GRU's output for the whole window."""
    import keras
    model = forecaster.build_forecaster(6, 4, horizon=3)
    x = np.random.default_rng(0).normal(size=(5, 6, 1)).astype(np.float32)
    h_T = keras.ops.convert_to_numpy(model.layers[0](x))                  # (5, 4)
    Wy, by = model.layers[1].get_weights()
    np.testing.assert_allclose(model(x).numpy(), h_T @ Wy + by, rtol=1e-5, atol=1e-6)
    assert model.output_shape == (None, 3)


@pytest.mark.parametrize("cell", ["SimpleRNN", "LSTM"])
def test_forecaster_other_cells(cell):
    assert type(forecaster.build_forecaster(5, 3, cell=cell).layers[0]).__name__ == cell


def test_forecaster_bad_arguments():
    with pytest.raises(ValueError, match="cell"):
        forecaster.build_forecaster(5, 3, cell="RNN")
    with pytest.raises(ValueError, match="units"):
        forecaster.build_forecaster(5, 0)


# --- the RNN in a walk-forward fold -----------------------------------------------------------------

def test_steps_per_execution_changes_the_round_trips_not_the_training():
    import keras
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 12, 1)).astype(np.float32), rng.normal(size=(50, 3)).astype(np.float32)
    trained = []
    for steps in (1, 4):                      # 50 windows in batches of 8: 7 steps, the last of 2 windows
        keras.utils.set_random_seed(0)
        model = forecaster.build_forecaster(12, 4, horizon=3, steps_per_execution=steps)
        model.fit(X, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        trained.append(model.get_weights())
    for once, grouped in zip(*trained):
        np.testing.assert_array_equal(once, grouped)


def test_rnn_block_forecaster_reset_equals_a_fresh_model_and_follows_a_shift():
    """Each call retrains from the same start: the same answer as a freshly built forecaster,
    whatever it was trained on before; a shift of the whole training part shifts the forecast
    by the same amount (windows relative to their last value)."""
    t = np.arange(120)
    train = 300.0 + 0.1 * t + np.sin(2 * np.pi * t / 12)
    kwargs = {"units": 4, "epochs": 2, "batch_size": 32}
    reused = forecaster.rnn_block_forecaster(12, 6, **kwargs)
    first = reused(train)
    assert first.shape == (6,) and first.dtype == np.float64
    shifted = reused(train[:100] + 50.0)                                   # another fold in between
    np.testing.assert_array_equal(reused(train), first)
    np.testing.assert_array_equal(forecaster.rnn_block_forecaster(12, 6, **kwargs)(train), first)
    np.testing.assert_allclose(shifted, forecaster.rnn_block_forecaster(12, 6, **kwargs)(train[:100]) + 50.0,
                               atol=1e-3)
    with pytest.raises(ValueError, match="nothing to scale"):
        reused(np.ones(50))
