"""Unit 06's stacked many-to-many builder, its inference-mode scores, and the stacked diagram."""

import numpy as np
import pytest

from rnncourse import draw, models, reference
from rnncourse.draw.diagrams import parts

pytestmark = pytest.mark.usefixtures("keras_seeded")

FORMULA = {"SimpleRNN": lambda D, H: D * H + H * H + H,
           "GRU": reference.count_gru_parameters,
           "LSTM": reference.count_lstm_parameters}


@pytest.mark.parametrize("cell", ["SimpleRNN", "GRU", "LSTM"])
@pytest.mark.parametrize("layers", [1, 3])
def test_shapes_and_parameters_of_every_layer(cell, layers):
    D, H, V, N, T = 5, 7, 4, 2, 6
    model = models.build_stacked_rnn(D, H, V, layers=layers, cell=cell)
    x = np.random.default_rng(0).standard_normal((N, T, D)).astype(np.float32)
    probs = np.asarray(model(x))
    assert probs.shape == (N, T, V)
    np.testing.assert_allclose(probs.sum(axis=-1), 1, rtol=1e-5)
    recurrent = model.layers[:-1]
    assert [type(layer).__name__ for layer in recurrent] == [cell] * layers
    assert all(layer.return_sequences for layer in recurrent)
    expected = [FORMULA[cell](D, H)] + [FORMULA[cell](H, H)] * (layers - 1)   # layer 2 on reads H features
    assert [layer.count_params() for layer in recurrent] == expected
    assert model.count_params() == sum(expected) + H * V + V


def test_every_layer_gets_both_dropout_rates_and_any_length_is_accepted():
    model = models.build_stacked_rnn(3, 4, 2, layers=2, dropout=0.25, recurrent_dropout=0.5)
    assert [(layer.dropout, layer.recurrent_dropout) for layer in model.layers[:-1]] == [(0.25, 0.5)] * 2
    for T in (1, 9):
        assert np.asarray(model(np.zeros((1, T, 3), np.float32))).shape == (1, T, 2)


@pytest.mark.parametrize("kwargs", [dict(layers=0), dict(cell="RNN"), dict(dropout=1.0), dict(recurrent_dropout=-0.1),
                                    dict(units=2.0)])
def test_bad_arguments_are_refused(kwargs):
    args = dict(input_dim=3, units=4, output_dim=2)
    args.update(kwargs)
    with pytest.raises(ValueError):
        models.build_stacked_rnn(**args)


def test_loss_and_accuracy_equal_the_cross_entropy_computed_by_hand_with_dropout_off():
    model = models.build_stacked_rnn(3, 4, 5, layers=2, dropout=0.5, recurrent_dropout=0.5)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 7, 3)).astype(np.float32)
    y = rng.integers(0, 5, (6, 7))
    loss, accuracy = models.loss_and_accuracy(model, x, y)
    probs = np.asarray(model(x, training=False))
    by_hand = -np.mean(np.log(probs[np.arange(6)[:, None], np.arange(7)[None, :], y]))
    assert loss == pytest.approx(by_hand, rel=1e-6)
    assert accuracy == pytest.approx(np.mean(probs.argmax(-1) == y))
    assert models.loss_and_accuracy(model, x, y) == (loss, accuracy)     # deterministic: no dropout
    keras_loss = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    assert loss == pytest.approx(keras_loss, rel=1e-5)


@pytest.mark.parametrize("T, layers, outputs", [(4, 2, "last"), (3, 3, "every"), (1, 1, "last")])
def test_the_stacked_diagram_has_a_row_per_layer(T, layers, outputs):
    ax = draw.draw_stacked(T=T, layers=layers, outputs=outputs)
    n_out = T if outputs == "every" else 1
    assert len(parts(ax, "node:input")) == T
    assert len(parts(ax, "node:hidden")) == layers * T
    assert len(parts(ax, "node:initial")) == layers
    assert len(parts(ax, "node:output")) == n_out
    assert len(parts(ax, "arrow")) == 2 * layers * T + n_out
    labels = [t.get_text() for t in parts(ax, "arrow-label")]
    assert len(labels) == len(set(labels)) == 2 * layers + 1              # each weight named once


@pytest.mark.parametrize("kwargs", [dict(T=0), dict(layers=4), dict(outputs="all")])
def test_the_stacked_diagram_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        draw.draw_stacked(**kwargs)
