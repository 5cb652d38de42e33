"""Claims of 08_char_model checked in the notebook's own kernel, on the models it trained.

tests/test_notebooks.py appends this file to the master's whole run and calls every ``claim_*``
function after the last cell; the names are the notebook's. Claims that need no trained model
are in tests/test_claims_08.py.
"""


def claim_section_6_training_on_every_step_beats_the_window_model_with_fewer_cell_steps():
    """Cells 88 and 91: every many-to-many model below the window model, the gated ones clearly and the
    SimpleRNN by a hair (within 5%), all far below the unigram baseline, after at most a quarter as many
    steps of the cell in training."""
    ppl = {name: row["ppl"] for name, row in rows.items()}
    window, unigram = ppl["window SimpleRNN"], ppl["unigram"]
    gru, lstm, simple = (ppl[f"many-to-many {cell}"] for cell in ("GRU", "LSTM", "SimpleRNN"))
    assert gru < window and lstm < window and simple < window
    assert simple / window > 0.95
    assert max(gru, lstm) < simple
    assert max(window, gru, lstm, simple) < unigram / 2
    assert sequence_epochs * Y_seq.size < window_epochs * X_train.size / 4    # cell steps: 1 per target against 16


def claim_section_6_clipping_acts_most_on_the_simple_rnn():
    """Cells 85-87: norms logged at every step; the SimpleRNN's go over the threshold most often,
    highest, and in both halves of training; the gated cells' medians are less than half its median."""
    norms = {cell: np.array(log["grad_norm"]) for cell, log in seq_logs.items()}
    clipped = {cell: int(np.sum(n > max_norm)) for cell, n in norms.items()}
    assert all(len(seq_logs[cell]["grad_norm"]) == len(seq_logs[cell]["loss"]) for cell in norms)
    assert clipped["SimpleRNN"] >= 5 and clipped["SimpleRNN"] > 4 * max(clipped["GRU"], clipped["LSTM"])
    assert norms["SimpleRNN"].max() > max(norms["GRU"].max(), norms["LSTM"].max())
    simple = norms["SimpleRNN"]
    assert np.any(simple[len(simple) // 2:] > max_norm)                           # "all through training"
    for cell in ("GRU", "LSTM"):
        assert np.median(norms[cell]) < 0.5 * np.median(simple), cell


def claim_section_6_a_window_cannot_remember_past_its_end_and_a_state_can():
    """Cell 90: changing one character d steps back moves the window model's prediction for d <= 16
    and never beyond; it moves every state-carrying model's prediction at d = 17 and 24 too, far less
    than at d = 1, and the GRU's the most at d = 24 and 32, by more than 3 times the others'."""
    def at(name, d):
        return influence[name][distances.index(d)]

    window = "window SimpleRNN"
    assert at(window, 1) > 0.1 and at(window, 16) > 0
    assert at(window, 17) == at(window, 24) == at(window, 48) == 0
    for cell in ("SimpleRNN", "GRU", "LSTM"):
        name = f"many-to-many {cell}"
        assert at(name, 17) > 1e-3 and at(name, 24) > 0 and at(name, 1) > 10 * at(name, 17), cell
    for d in (24, 32):                                                             # the GRU's lasts longest
        assert at("many-to-many GRU", d) > 3 * max(at("many-to-many SimpleRNN", d), at("many-to-many LSTM", d)), d
