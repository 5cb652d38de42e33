"""Data the course makes or ships: text and vocabularies, generated sequence tasks, padded
batches, time series.

Nothing is downloaded: corpora come from text that ships with Python, the CO2 series from the
copy inside statsmodels, generated tasks and series from a seed.
"""

from .padding import difference_from_alone
from .real_series import CO2_PERIOD, load_co2
from .series import (
                     PERIOD,
                     denormalise,
                     fit_linear_forecaster,
                     fit_normaliser,
                     level_response,
                     linear_forecast,
                     mae,
                     make_series,
                     make_windows,
                     naive_forecast,
                     normalise,
                     prepare,
                     random_walk,
                     rmse,
                     rolling_origins,
                     seasonal_naive_forecast,
                     split_series,
)
from .tasks import (
                     last_symbol_task,
                     neighbours_task,
                     parity_task,
                     remember_first_task,
                     reverse_task,
                     running_parity_task,
                     sum_task,
)
from .text import (
                     SEED_TEXT,
                     ambiguous_contexts,
                     build_vocab,
                     encode,
                     load_corpus,
                     make_sequences,
                     max_achievable_accuracy,
                     next_char_counts,
                     one_hot,
                     split_text,
)
