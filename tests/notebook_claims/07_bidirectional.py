"""Claims of 07_bidirectional checked in the notebook's own kernel, on the models it trained.

tests/test_notebooks.py appends this file to the master's whole run and calls every ``claim_*``
function after the last cell; the names are the notebook's. Claims that need no trained model
are in tests/test_claims_07.py.
"""


def claim_section_4_the_bidirectional_tagger_solves_the_neighbours_task_and_left_to_right_cannot():
    """The bidirectional tagger is above 97% from the third epoch; the left-to-right one never gets
    clearly above the ceiling of a model that has not read s_{t+1}."""
    bidirectional = results["bidirectional, 16 + 16 units"][1]             # validation accuracy by epoch
    left_to_right = results["left to right, 32 units"][1]
    assert min(bidirectional[2:]) > 0.97
    assert max(left_to_right) < causal_best.mean() + 0.05


def claim_section_7_the_last_symbol_task_is_learned_with_the_mask_and_not_without_in_four_epochs():
    """With the mask near-perfect; without it far lower, yet not below guessing: slow to learn, not
    broken. Up to 14 padding steps in validation."""
    guessing = 1 / (V_pad - 1)
    assert T_last - min(len(s) for s in seq_val) == 14
    assert validation_accuracy[True] > 0.97
    assert validation_accuracy[False] < 0.6 and validation_accuracy[False] < validation_accuracy[True] - 0.4
    assert validation_accuracy[False] > guessing - 0.05
