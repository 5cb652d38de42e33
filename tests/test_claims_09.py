"""The quantitative claims of unit 09_forecasting that the package can check in seconds.

Each test rebuilds what the notebook computes, with the same package calls and the same
settings, and asserts the claim its prose makes: inequalities and outcomes, never the printed
numbers themselves. The claims about the GRUs the notebook trains are checked on its own run:
tests/notebook_claims/09_forecasting.py.
"""

import numpy as np
import pytest

from rnncourse import data

WINDOW = 24


@pytest.fixture(scope="module")
def notebook():
    """The series, split and windows of sections 1 to 3 of the notebook."""
    series, parts = data.make_series(n_steps=1200, period=24, slope=0.001, amplitude=1.0, noise=0.3,
                                     level=10.0, seed=0, parts=True)
    train, val = data.split_series(series, val_fraction=0.25)
    mean, std = data.fit_normaliser(train)
    X_train, y_train = data.make_windows(data.normalise(train, mean, std), WINDOW)
    X_val, y_val = data.make_windows(data.normalise(val, mean, std), WINDOW)
    predictable = parts["trend"] + parts["seasonality"]
    return {"series": series, "train": train, "val": val, "mean": mean, "std": std,
            "X_train": X_train, "y_train": y_train, "X_val": X_val, "y_val": y_val,
            "predictable": predictable, "oracle": predictable[len(train) + WINDOW:, None],
            "y_true": data.denormalise(y_val, mean, std)}


def _scores(y, y_hat, best):
    return np.array([data.mae(y, y_hat), data.mae(y, best), data.mae(y, y_hat) - data.mae(y, best),
                     np.mean(y_hat - y)])


def test_level_response_of_a_linear_forecast_is_the_sum_of_its_weights(notebook):
    coef = data.fit_linear_forecaster(notebook["X_train"], notebook["y_train"])
    for X in (notebook["X_train"], notebook["X_val"]):
        for shift in (0.25, -1.0):
            response = data.level_response(lambda X_: data.linear_forecast(X_, coef), X, shift)
            assert response == pytest.approx(coef[:-1].sum(), abs=1e-4)


def test_whole_series_statistics_do_not_change_the_linear_forecasts(notebook):
    """Section 8: the two time-split rows agree; the forecasts differ only by rounding."""
    nb = notebook
    honest = data.linear_forecast(nb["X_val"], data.fit_linear_forecaster(nb["X_train"], nb["y_train"]))
    honest = data.denormalise(honest, nb["mean"], nb["std"])
    whole_mean, whole_std = nb["series"].mean(), nb["series"].std()
    assert whole_mean > nb["mean"] + 0.1                                # the trend: the future is higher
    X_train, y_train = data.make_windows(data.normalise(nb["train"], whole_mean, whole_std), WINDOW)
    X_val, _ = data.make_windows(data.normalise(nb["val"], whole_mean, whole_std), WINDOW)
    leaky = data.denormalise(data.linear_forecast(X_val, data.fit_linear_forecaster(X_train, y_train)),
                             whole_mean, whole_std)
    assert np.max(np.abs(leaky - honest)) < 1e-5


def test_a_random_split_keeps_the_excess_hides_the_bias_and_swings_with_the_draw(notebook):
    """Section 8: the classmate's 20 shuffles against the time split, for the linear model."""
    nb = notebook
    coef = data.fit_linear_forecaster(nb["X_train"], nb["y_train"])
    forecast = data.denormalise(data.linear_forecast(nb["X_val"], coef), nb["mean"], nb["std"])
    honest = _scores(nb["y_true"], forecast, nb["oracle"])

    whole_mean, whole_std = nb["series"].mean(), nb["series"].std()
    X_all, y_all = data.make_windows(data.normalise(nb["series"], whole_mean, whole_std), WINDOW)
    oracle_all = nb["predictable"][WINDOW:, None]
    n_val = len(X_all) // 4
    rng = np.random.default_rng(0)
    shuffled = []
    for _ in range(20):
        order = rng.permutation(len(X_all))
        held_out, fitted = order[:n_val], order[n_val:]
        coef_r = data.fit_linear_forecaster(X_all[fitted], y_all[fitted])
        y_r = data.denormalise(y_all[held_out], whole_mean, whole_std)
        shuffled.append(_scores(y_r, data.denormalise(data.linear_forecast(X_all[held_out], coef_r),
                                                      whole_mean, whole_std), oracle_all[held_out]))
    shuffled = np.array(shuffled)
    mean = shuffled.mean(axis=0)
    assert abs(mean[2] - honest[2]) < 0.005                              # the excess: about where it was
    assert honest[3] < -0.02 and abs(mean[3]) < 0.01                     # the bias disappears
    spread = shuffled[:, 0].max() - shuffled[:, 0].min()
    assert spread > 3 * abs(mean[0] - honest[0])                        # swings wider than the rows differ
    assert spread > 3 * abs(mean[2] - honest[2])


def test_the_linear_model_lags_on_validation_and_not_on_training(notebook):
    """Section 6: a linear model is biased low too, with one response below 1 everywhere."""
    nb = notebook
    coef = data.fit_linear_forecaster(nb["X_train"], nb["y_train"])
    fit = data.linear_forecast(nb["X_train"], coef)
    assert abs(np.mean(fit - nb["y_train"])) < 1e-6                      # least squares with a constant
    forecast = data.denormalise(data.linear_forecast(nb["X_val"], coef), nb["mean"], nb["std"])
    assert np.mean(forecast - nb["y_true"]) < -0.02
    assert 0.85 < coef[:-1].sum() < 0.99                                 # a little less than all of a rise


# --- section 9: CO2 at Mauna Loa, walk-forward validation -------------------------------------------

@pytest.fixture(scope="module")
def co2_walk():
    """The table of section 9 without the GRU: MAE per origin of the last value, one year ago, Holt-Winters."""
    from rnncourse import models
    co2, months, _ = data.load_co2()
    origins = data.rolling_origins(len(co2), 12, n_origins=4)
    contestants = {
        "last value": lambda past: data.naive_forecast(past[None, :], 12)[0],
        "one year ago": lambda past: data.seasonal_naive_forecast(past[None, :], 12, 12)[0],
        "Holt-Winters": lambda past: models.holt_winters_forecast(past, 12, period=12),
    }
    errors = {}
    for name, forecast in contestants.items():
        forecasts, truth = models.walk_forward(co2, forecast, origins, 12)
        errors[name] = data.mae(truth, forecasts, axis=1)
    return {"co2": co2, "months": months, "origins": origins, "errors": errors}


def test_the_origins_are_the_last_four_januaries_and_1998_rose_most(co2_walk):
    months, origins = co2_walk["months"], co2_walk["origins"]
    assert [str(months[o]) for o in origins] == ["1998-01", "1999-01", "2000-01", "2001-01"]
    yearly = co2_walk["co2"][10:].reshape(-1, 12).mean(axis=1)                # 1959 ... 2001
    rises = np.diff(yearly)
    assert np.argmax(rises) == 1998 - 1960                                     # rank 1 of 42 years


def test_baselines_and_holt_winters_on_co2(co2_walk):
    """Section 9: 1998 is every model's worst year; one year ago beats the last value except in 1998;
    Holt-Winters beats both baselines at every origin, by about twice in 1998 and over three times later."""
    errors = co2_walk["errors"]
    for name, e in errors.items():
        assert np.argmax(e) == 0, name
    naive, seasonal, hw = errors["last value"], errors["one year ago"], errors["Holt-Winters"]
    assert seasonal[0] > naive[0] and np.all(seasonal[1:] < naive[1:])
    ratio = np.minimum(naive, seasonal) / hw
    assert 1.8 < ratio[0] < 2.2 and np.all(ratio[1:] > 3)
