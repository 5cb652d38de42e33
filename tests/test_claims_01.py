"""The quantitative claims of unit 01_recurrence that the package can check in seconds.

The claims about the trained a/b model (sign flips, groups of final states) depend on the
notebook's own task code and a training run; the notebook prints the numbers it states.
"""

from rnncourse.reference import count_rnn_parameters


def _dense_over_window(T, D, H, V):
    return T * D * H + H + H * V + V                                 # Flatten + Dense(H) + Dense(V)


def test_the_rnn_count_is_larger_only_for_windows_shorter_than_about_1_plus_H_over_D():
    D, H, V = 17, 50, 17
    rnn = count_rnn_parameters(D, H, V)
    assert all(_dense_over_window(T, D, H, V) < rnn for T in (1, 2, 3))
    assert all(_dense_over_window(T, D, H, V) > rnn for T in range(4, 61))
    assert _dense_over_window(10, D, H, V) > 2 * rnn and _dense_over_window(50, D, H, V) > 10 * rnn
