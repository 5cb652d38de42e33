"""A real series that ships with ``statsmodels`` (unit 09): monthly CO2 at Mauna Loa.

Nothing is downloaded: ``statsmodels.datasets.co2`` is a CSV file inside the installed
package. ``statsmodels`` is imported only when the series is loaded.
"""

import numpy as np

CO2_PERIOD = 12      # months per season


def load_co2():
    """Monthly mean atmospheric CO2 at Mauna Loa, March 1958 to December 2001.

    ``statsmodels.datasets.co2`` holds weekly readings in parts per million (2,284 weeks,
    59 of them missing). Each month here is the mean of its weeks' readings; the few months
    without a single reading are filled by linear interpolation between their neighbours.

    Returns ``(values, months, filled)``: ``values (n,)`` float64 in ppm, ``months (n,)``
    ``datetime64[M]`` (the month of each value) and ``filled (n,)`` bool, True where a month
    was interpolated. ``n = 526``.
    """
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]                 # (2284,) weekly, NaN where missing
    monthly = weekly.resample("MS").mean()                   # (526,) NaN where a month has no reading
    filled = monthly.isna().to_numpy()
    values = monthly.interpolate(method="linear").to_numpy(dtype=np.float64)
    months = monthly.index.to_numpy().astype("datetime64[M]")
    return values, months, filled
