"""The quantitative claims of unit 04_bptt, checked with the package code the notebook calls.

The echo experiments run the notebook's own ``train_echo`` (read from the master) with the
package's backward passes, as the notebook's truncation cell does.
"""

import contextlib
import io
import json

import numpy as np

from rnncourse import reference
from rnncourse.course import release

UNIT = "04_bptt"


def _code_cells(folder):
    path = release.ROOT / folder / UNIT / f"{UNIT}.ipynb"
    return json.loads(path.read_text())["cells"]


def _train_echo():
    """The notebook's ``train_echo`` and ``smooth``, defined by the master's cell that defines them."""
    namespace = {"np": np, "reference": reference}
    source = next("".join(c["source"]) for c in _code_cells("solutions")
                  if c["cell_type"] == "code" and "def train_echo" in "".join(c["source"]))
    exec(source, namespace)
    return namespace["train_echo"], namespace["smooth"]


def test_dropping_the_longest_path_costs_far_more_than_rounding():
    rng = np.random.default_rng(0)
    N, T, D, H = 1, 3, 2, 3
    p = reference.random_rnn_params(D, H, seed=0, scale=0.8)
    x, h0 = rng.standard_normal((N, T, D)), rng.uniform(-1, 1, (N, H))
    h, cache = reference.rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"])
    dh = np.zeros((N, T, H))
    dh[0, -1] = rng.standard_normal(H)

    def loss(W):
        return np.sum(reference.rnn_forward(x, h0, p["Wx"], W, p["b"])[0] * dh)

    numerical = reference.numerical_gradient(loss, p["Wh"].copy())
    full = reference.rnn_backward(dh, cache)[3]
    windowed = reference.rnn_backward_truncated(dh, cache, 2)[3]   # the loss on h_3 keeps paths of length 0, 1
    assert reference.rel_error(full, numerical) < 1e-9
    assert reference.rel_error(windowed, numerical) > 0.1


def test_forward_differences_at_their_best_are_over_a_hundred_times_worse_than_centred_at_1e_5():
    steps = np.logspace(-13, -1, 49)
    exact = 1 - np.tanh(0.5) ** 2
    forward = np.abs((np.tanh(0.5 + steps) - np.tanh(0.5)) / steps - exact)
    centred = np.abs((np.tanh(0.5 + steps) - np.tanh(0.5 - steps)) / (2 * steps) - exact)
    at_default = centred[np.argmin(np.abs(steps - 1e-5))]
    assert forward.min() > 100 * at_default and at_default < 1e-10


def test_the_echo_needs_a_window_of_4_and_shorter_truncations_fall_back_from_an_early_peak():
    train_echo, smooth = _train_echo()
    _, full = train_echo(reference.rnn_backward)
    losses = np.array(full["loss"])
    assert losses[0] > np.log(2) and np.argmax(losses < 0.05) < 60
    assert np.mean(full["accuracy"][-50:]) > 0.95
    for k in (2, 3, 4):
        _, run = train_echo(lambda dh, cache, k=k: reference.rnn_backward_truncated(dh, cache, k))
        final = np.mean(run["accuracy"][-50:])
        if k == 4:
            assert final > 0.95
        else:
            assert final < 0.65 and smooth(run["accuracy"]).max() > final + 0.05   # falls back from its peak


def test_the_cells_said_to_run_in_any_state_run_on_the_blank_student_copy():
    """Run the blank copy's code cells in order (failures of unfinished exercises are expected); the
    code cell after a text that promises it runs "whatever state your exercises are in" must not fail."""
    cells = _code_cells("notebooks")
    promised = {i + 1 for i, c in enumerate(cells)
                if c["cell_type"] == "markdown" and "whatever state your exercises are in" in "".join(c["source"])}
    assert promised, "the notebook no longer promises a cell that runs in any state: update this test"
    namespace, failed = {"__name__": "learner"}, {}
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or "setup_notebook(" in source:
            continue
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(source, namespace)
        except Exception as err:  # noqa: BLE001 (an unfinished exercise fails; recorded, not raised)
            failed[i] = f"{type(err).__name__}: {err}"
    assert not promised & set(failed), {i: failed[i] for i in promised & set(failed)}
    assert failed, "the blank copy ran without a single failure: it is not blank"


def test_the_character_model_of_section_9_learns_but_not_every_step():
    """Run the master's training cell with the package's loss and BPTT: it starts above guessing,
    ends far below it, and stays under 100 % (short contexts at the start of a window are ambiguous)."""
    import matplotlib.pyplot as plt

    namespace = {"np": np, "reference": reference, "plt": plt, "rnn_backward": reference.rnn_backward,
                 "temporal_softmax_loss": reference.temporal_softmax_loss}
    for marker in ("def adam_update", "from rnncourse.data import SEED_TEXT"):
        exec(next("".join(c["source"]) for c in _code_cells("solutions")
                  if c["cell_type"] == "code" and marker in "".join(c["source"])), namespace)
    guessing, losses = namespace["T_text"] * np.log(namespace["V"]), namespace["losses"]
    assert losses[0] > guessing and losses[-1] < 0.1 * guessing
    assert 0.9 < namespace["accuracy"] < 1
