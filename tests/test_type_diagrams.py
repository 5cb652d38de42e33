"""The drawings of the five types hold the boxes and arrows each type has."""

import pytest

from rnncourse.draw import type_diagrams
from rnncourse.draw.diagrams import parts


def _count(ax, gid):
    return len(parts(ax, gid))


def _labels(ax):
    return [t.get_text() for t in parts(ax, "node-label")]


# (kind, inputs, hidden incl. h_0/s_0 and the one-to-one layer, outputs, arrows) for T = 3, S = 2
@pytest.mark.parametrize("kind, repeat, inputs, hidden, outputs, arrows", [
    ("one_to_one", False, 1, 1, 1, 2),
    ("one_to_many", False, 1, 3, 2, 1 + 2 + 2),            # x -> h_1, h_0 -> h_1 -> h_2, h_t -> y_t
    ("one_to_many", True, 2, 3, 2, 2 + 2 + 2),             # plus the copy of x into h_2
    ("many_to_one", False, 3, 4, 1, 3 + 3 + 1),
    ("many_to_many", False, 3, 4, 3, 3 + 3 + 3),
    ("encoder_decoder", False, 3, 6, 2, 3 + 3 + 2 + 2),    # h_3 -> s_1 -> s_2, s_t -> y_t
    ("encoder_decoder", True, 5, 7, 2, 3 + 3 + 1 + 2 + 2 + 2),  # s_0, c copies, the copy arrow
])
def test_boxes_and_arrows(kind, repeat, inputs, hidden, outputs, arrows):
    ax = type_diagrams.draw_type(kind, T=3, S=2, repeat=repeat)
    assert _count(ax, "node:input") == inputs
    assert _count(ax, "node:hidden") + _count(ax, "node:initial") + _count(ax, "node:layer") == hidden
    assert _count(ax, "node:output") == outputs
    assert _count(ax, "arrow") == arrows


def test_what_the_boxes_say():
    labels = _labels(type_diagrams.draw_type("many_to_one", T=4))
    assert labels[0] == "$h_0$" and "$x_{4}$" in labels and labels[-1] == "$y$"
    enc_dec = _labels(type_diagrams.draw_type("encoder_decoder", T=2, S=3, repeat=True))
    assert {"$s_0$", "$s_{3}$", "$c$", "$y_{3}$"} <= set(enc_dec)
    assert "$x_{3}$" not in enc_dec                          # T = 2 inputs only


def test_repeated_copies_are_dashed():
    ax = type_diagrams.draw_type("one_to_many", S=3, repeat=True)
    styles = [box.get_linestyle() for box in parts(ax, "node:input")]
    assert styles[0] in ("-", "solid") and all(style in ("--", "dashed") for style in styles[1:])


def test_titles_give_shapes_and_weight_labels_appear_once():
    ax = type_diagrams.draw_type("many_to_many", T=3, labels=True)
    assert "(N, T, D) \u2192 (N, T, V)" in ax.get_title()
    assert sorted(t.get_text() for t in parts(ax, "arrow-label")) == ["$W_h$", "$W_x$", "$W_y$"]
    plain = type_diagrams.draw_type("many_to_many", T=3)
    assert parts(plain, "arrow-label") == []


def test_all_types_in_one_figure():
    fig = type_diagrams.draw_all_types(T=3, S=2)
    titles = [ax.get_title().split("\n")[0] for ax in fig.axes]
    assert titles == [type_diagrams.TYPES[k][0] for k in type_diagrams.TYPES]


def test_the_overview_draws_the_models_of_the_exercises():
    """By default the five-panel figure wires one-to-many and the encoder-decoder as the Keras
    builders do: x, or the context c, read at every step; the decoder starts from s_0."""
    fig = type_diagrams.draw_all_types(T=3, S=2)
    panels = {type_diagrams.TYPES[k][0]: k for k in type_diagrams.TYPES}
    by_kind = {panels[ax.get_title().split("\n")[0]]: ax for ax in fig.axes}
    assert _labels(by_kind["one_to_many"]).count("$x$") == 2              # S = 2 steps, x at each
    enc_dec = _labels(by_kind["encoder_decoder"])
    assert enc_dec.count("$c$") == 2 and "$s_0$" in enc_dec


def test_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        type_diagrams.draw_type("one_to_two")
    with pytest.raises(ValueError, match="T must be a positive integer"):
        type_diagrams.draw_type("many_to_one", T=0)
