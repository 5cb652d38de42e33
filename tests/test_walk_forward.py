"""The real series (rnncourse.data.real_series), the rolling-origin splitter and walk-forward
evaluation (rnncourse.models.classical): shapes, hand-computed cases, and no fold sees its future."""

import numpy as np
import pytest

from rnncourse import data
from rnncourse.models import classical

# --- the CO2 series ---------------------------------------------------------------------------

def test_co2_loads_offline_monthly_and_complete():
    values, months, filled = data.load_co2()
    assert values.shape == months.shape == filled.shape == (526,)
    assert values.dtype == np.float64 and filled.dtype == bool
    assert months[0] == np.datetime64("1958-03") and months[-1] == np.datetime64("2001-12")
    np.testing.assert_array_equal(np.diff(months).astype(int), 1)              # one value per month, no gap
    assert np.all(np.isfinite(values)) and 310 < values.min() < values.max() < 375
    assert filled.sum() == 5 and not filled[0] and not filled[-1]


def test_co2_months_are_means_of_their_weeks_and_gaps_are_interpolated():
    from statsmodels.datasets import co2
    weekly = co2.load_pandas().data["co2"]
    values, months, filled = data.load_co2()
    march_1958 = weekly["1958-03"].dropna()
    assert values[0] == pytest.approx(march_1958.mean())
    k = int(np.flatnonzero(filled)[0])                                        # June 1958: no reading
    assert not filled[k - 1] and not filled[k + 1]
    assert values[k] == pytest.approx((values[k - 1] + values[k + 1]) / 2)


# --- the splitter -------------------------------------------------------------------------------

def test_rolling_origins_by_hand():
    np.testing.assert_array_equal(data.rolling_origins(10, 2, 3), [4, 6, 8])          # blocks 4-5, 6-7, 8-9
    np.testing.assert_array_equal(data.rolling_origins(10, 3, 2, step=1), [6, 7])     # overlapping blocks
    np.testing.assert_array_equal(data.rolling_origins(526, 12, 4), [478, 490, 502, 514])


@pytest.mark.parametrize("args, match", [((10, 2, 5), "first origin would be 0"), ((10, 0, 2), "horizon"),
                                         ((10, 2, 0), "n_origins"), ((10, 2, 2, 0), "step")])
def test_rolling_origins_rejects_what_does_not_fit(args, match):
    with pytest.raises(ValueError, match=match):
        data.rolling_origins(*args)


def test_walk_forward_by_hand():
    series = np.arange(10.0)
    seen = []

    def last_plus_one(train):                   # a "model": the next values continue the count
        seen.append(train.copy())
        return train[-1] + np.arange(1, 3)

    forecasts, truth = classical.walk_forward(series, last_plus_one, [4, 6, 8], horizon=2)
    np.testing.assert_array_equal(truth, [[4, 5], [6, 7], [8, 9]])
    np.testing.assert_array_equal(forecasts, truth)
    assert [len(s) for s in seen] == [4, 6, 8]
    np.testing.assert_array_equal(data.mae(truth, forecasts, axis=1), [0, 0, 0])


def test_no_fold_sees_its_future():
    """Every fold's training part ends before its test block begins, and holds nothing from it."""
    series = np.random.default_rng(0).normal(size=200)
    positions = np.arange(200.0)                # a series whose values are their own positions
    origins = data.rolling_origins(200, 12, 5, step=7)
    seen = []

    def spy(train):
        seen.append(train.copy())
        return np.zeros(12)

    _, truth = classical.walk_forward(positions, spy, origins, 12)
    for train, block, origin in zip(seen, truth, origins):
        assert train.max() < block.min() == origin                             # the past ends before the block
        np.testing.assert_array_equal(train, np.arange(origin))                # all of the past, nothing else
    for k in range(len(origins) - 1):
        assert origins[k] + 12 > origins[k + 1]                                # step 7 < 12: blocks overlap,
        assert len(seen[k]) < origins[k + 1]                                   # yet no fold sees a later one
    original = series.copy()
    classical.walk_forward(series, lambda train: train.__setitem__(0, 99.0) or np.zeros(12), origins, 12)
    np.testing.assert_array_equal(series, original)                            # each fold gets a copy


def test_walk_forward_rejects_origins_without_a_whole_block():
    with pytest.raises(ValueError, match="origin"):
        classical.walk_forward(np.arange(10.0), lambda train: np.zeros(3), [8], horizon=3)


# --- classical models ---------------------------------------------------------------------------

def _trend_and_season(n=96, period=12, seed=0):
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return 5.0 + 0.1 * t + 2.0 * np.sin(2 * np.pi * t / period) + rng.normal(0, 0.05, n)


def test_holt_winters_follows_trend_and_season_without_stderr(capfd):
    series = _trend_and_season()
    forecast = classical.holt_winters_forecast(series[:84], 12, period=12)
    assert forecast.shape == (12,) and forecast.dtype == np.float64
    assert data.mae(series[84:], forecast) < 0.2
    naive = data.naive_forecast(series[None, :84], 12)[0]
    assert data.mae(series[84:], forecast) < data.mae(series[84:], naive) / 5
    assert capfd.readouterr().err == ""


def test_holt_winters_needs_two_seasons():
    with pytest.raises(ValueError, match="two seasons"):
        classical.holt_winters_forecast(np.arange(20.0), 3, period=12)


def test_sarima_follows_trend_and_season():
    series = _trend_and_season()
    forecast = classical.sarima_forecast(series[:84], 12)
    assert forecast.shape == (12,)
    assert data.mae(series[84:], forecast) < 0.3
