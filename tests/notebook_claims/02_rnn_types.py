"""Claims of 02_rnn_types checked in the notebook's own kernel, on the model it trained.

tests/test_notebooks.py appends this file to the master's whole run and calls every ``claim_*``
function after the last cell; the names are the notebook's. Claims that need no trained model
are in tests/test_claims_02.py.
"""


def claim_the_parity_tagger_degrades_slowly_beyond_its_training_length():
    """Near-perfect on the 12 trained steps; lower, but still far above chance, at step 30."""
    assert per_step.shape == (30,)
    assert per_step[:12].min() > 0.98
    assert per_step[29] < per_step[:12].min()                          # not held indefinitely
    assert per_step[29] > 0.8
