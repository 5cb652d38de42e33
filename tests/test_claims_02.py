"""The quantitative claims of unit 02_rnn_types, checked with the package code the notebook calls.

The claim about the parity tagger the notebook trains is checked on its own run:
tests/notebook_claims/02_rnn_types.py.
"""

import subprocess
import sys

import pytest

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
