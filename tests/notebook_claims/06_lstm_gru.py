"""Claims of 06_lstm_gru checked in the notebook's own kernel, on the models it trained.

tests/test_notebooks.py appends this file to the master's whole run and calls every ``claim_*``
function after the last cell; the names are the notebook's. Claims that need no trained model
are in tests/test_claims_06.py.
"""


def claim_section_7_on_the_small_text_dropout_curbs_overfitting_and_a_second_layer_does_not_help():
    """Every model beats the character frequencies; one layer's validation loss turns back up, the
    dropout model's does not (yet) and goes lower, at a higher training loss and with about the same
    validation accuracy, and its logged loss (dropout on) is above its loss in inference mode; a
    second layer does not help and overfits too."""
    dropout = "1 layer, dropout 0.3"
    best = {name: min(history["val_loss"]) for name, history in histories.items()}
    final = {name: history["val_loss"][-1] for name, history in histories.items()}
    assert max(best.values()) < unigram_loss
    assert final["1 layer"] > best["1 layer"] + 0.2
    assert final[dropout] < best[dropout] + 0.05
    assert best[dropout] < best["1 layer"] - 0.1
    assert scores[dropout][0] > scores["1 layer"][0] + 0.2
    assert abs(scores[dropout][3] - scores["1 layer"][3]) < 0.03
    assert histories[dropout]["loss"][-1] > scores[dropout][0]
    assert best["2 layers"] > best["1 layer"] - 0.05
    assert final["2 layers"] > best["2 layers"]


def claim_section_5_the_simple_rnn_solves_lag_20_not_80_and_the_gated_cells_solve_all():
    """At its own learning rate the SimpleRNN solves lag 20 and is near guessing at lag 80 after its
    whole budget; the GRU and the LSTM solve lag 80 too, needing more steps as the lag grows."""
    assert accuracy["SimpleRNN", 20] > 0.95
    assert accuracy["SimpleRNN", 80] < 0.5 and steps_used["SimpleRNN", 80] == MAX_STEPS
    for cell in ("GRU", "LSTM"):
        assert min(accuracy[cell, lag] for lag in LAGS) > 0.95, cell
        assert [steps_used[cell, lag] for lag in LAGS] == sorted(steps_used[cell, lag] for lag in LAGS), cell
