"""The quantitative claims of unit 02_rnn_types, checked with the package code the notebook calls."""

import subprocess
import sys

import numpy as np
import pytest

from rnncourse import data, models
from rnncourse.checks import rnn_types as check

pytestmark = pytest.mark.usefixtures("keras_seeded")


def _built_with_input_shape(input_dim, units, output_dim):
    import keras
    return keras.Sequential([keras.layers.SimpleRNN(units, input_shape=(None, input_dim)),
                             keras.layers.Dense(output_dim)])


def test_input_shape_writes_nothing_to_stderr_after_the_setup_cell():
    code = ("from rnncourse.course import setup_notebook\nsetup_notebook()\nimport keras\n"
            "keras.Sequential([keras.layers.SimpleRNN(5, input_shape=(None, 3)), keras.layers.Dense(2)])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


def test_input_shape_costs_no_marks(capsys):
    check.check_build_many_to_one_shapes(_built_with_input_shape)    # both visible tests pass,
    check.check_build_many_to_one_layers(_built_with_input_shape)
    assert "costs no points" in capsys.readouterr().out               # with a note about the warning


def test_the_parity_tagger_degrades_slowly_beyond_its_training_length():
    """Near-perfect on the 12 trained steps; lower, but still far above chance, at step 30."""
    import keras
    bits, parity = data.running_parity_task(1000, 12, seed=2)
    tagger = models.build_many_to_many(1, 16, 1)
    tagger.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02),
                   loss=keras.losses.BinaryCrossentropy(from_logits=True))
    tagger.fit(bits, parity, epochs=25, batch_size=64, verbose=0)
    bits_test, parity_test = data.running_parity_task(500, 30, seed=3)
    per_step = ((np.asarray(tagger(bits_test)) > 0) == parity_test).mean(axis=(0, 2))
    assert per_step[:12].min() > 0.98
    assert per_step[29] < per_step[:12].min()                          # not held indefinitely
    assert per_step[29] > 0.8
