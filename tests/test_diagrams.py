"""The diagram primitives draw what they promise, and draw_unrolled draws T shared-weight steps."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnncourse.draw import diagrams


def texts(ax, gid):
    return [t.get_text() for t in diagrams.parts(ax, gid)]


def test_node_draws_a_box_of_its_kind_with_its_label():
    ax = diagrams.canvas()
    box = diagrams.node(ax, (2.0, 1.0), "$h_1$", "hidden", sublabel="tanh")
    assert box.get_gid() == "node:hidden"
    assert diagrams.center(box) == pytest.approx((2.0, 1.0))
    assert (box.get_width(), box.get_height()) == pytest.approx(diagrams.NODE_SIZE)
    assert np.allclose(box.get_facecolor()[:3], matplotlib.colors.to_rgb(diagrams.KINDS["hidden"]["facecolor"]))
    assert texts(ax, "node-label") == ["$h_1$"]
    assert texts(ax, "node-sublabel") == ["tanh"]
    label = diagrams.parts(ax, "node-label")[0]
    assert label.get_position()[0] == pytest.approx(2.0)


def test_node_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        diagrams.node(diagrams.canvas(), (0, 0), "x", kind="lstm")


def test_arrow_between_boxes_is_clipped_and_labelled_beside_its_middle():
    ax = diagrams.canvas()
    a = diagrams.node(ax, (0, 0), "$x$", "input")
    b = diagrams.node(ax, (0, 2), "$h$", "hidden")
    arr = diagrams.arrow(ax, a, b, "$W_x$", color="red", label_offset=-0.3)
    assert arr.get_gid() == "arrow"
    assert arr.patchA is a and arr.patchB is b                # stops at the boxes' edges
    (label,) = diagrams.parts(ax, "arrow-label")
    assert label.get_text() == "$W_x$" and label.get_color() == "red"
    # travelling up, a negative offset puts the label to the right of the middle (0, 1)
    assert label.get_position() == pytest.approx((0.3, 1.0))


def test_arrow_between_points_has_no_patches():
    ax = diagrams.canvas()
    arr = diagrams.arrow(ax, (0, 0), (1, 0))
    assert arr.patchA is None and arr.patchB is None
    assert diagrams.parts(ax, "arrow-label") == []


@pytest.mark.parametrize("side", ["left", "right", "top"])
def test_self_loop_starts_and_ends_on_the_box(side):
    ax = diagrams.canvas()
    box = diagrams.node(ax, (0, 0), "$h$")
    loop = diagrams.self_loop(ax, box, "$W_h$", side=side)
    assert loop.get_gid() == "arrow"
    (start, end) = loop._posA_posB
    x0, y0, w, h = box.get_x(), box.get_y(), box.get_width(), box.get_height()
    for x, y in (start, end):
        assert x0 - 1e-9 <= x <= x0 + w + 1e-9 and y0 - 1e-9 <= y <= y0 + h + 1e-9
    (label,) = diagrams.parts(ax, "arrow-label")
    lx, ly = label.get_position()
    assert {"left": lx < x0, "right": lx > x0 + w, "top": ly > y0 + h}[side]


def test_parts_matches_a_kind_or_all_kinds():
    ax = diagrams.canvas()
    diagrams.node(ax, (0, 0), "$x$", "input")
    diagrams.node(ax, (1, 0), "$h$", "hidden")
    assert len(diagrams.parts(ax, "node")) == 2
    assert [p.get_gid() for p in diagrams.parts(ax, "node:input")] == ["node:input"]
    assert diagrams.parts(ax, "node:output") == []


@pytest.mark.parametrize("T", [1, 4, 7])
def test_draw_unrolled_counts(T):
    ax = diagrams.draw_unrolled(T)
    assert len(diagrams.parts(ax, "node")) == 3 + 3 * T + 1          # folded x, h, y; unrolled x, h, y; h_0
    assert len(diagrams.parts(ax, "node:input")) == 1 + T
    assert len(diagrams.parts(ax, "node:hidden")) == 1 + T
    assert len(diagrams.parts(ax, "node:output")) == 1 + T
    assert len(diagrams.parts(ax, "node:initial")) == 1
    assert len(diagrams.parts(ax, "arrow")) == 3 + 3 * T             # folded: Wx, loop, Wy
    labels = texts(ax, "arrow-label")
    # parameter sharing: every step carries the same three labels, once each
    assert (labels.count("$W_x$"), labels.count("$W_h$"), labels.count("$W_y$")) == (T + 1, T + 1, T + 1)
    assert texts(ax, "node-sublabel") == [r"$\tanh(\cdot + b)$"] * (T + 1)   # the same b in every cell


def test_draw_unrolled_lays_the_steps_out_left_to_right_with_one_colour_per_matrix():
    ax = diagrams.draw_unrolled(5)
    inputs = diagrams.parts(ax, "node:input")[1:]                     # [0] is the folded x_t
    names = [t for t in texts(ax, "node-label") if t.startswith("$x_") and t != "$x_t$"]
    assert names == [f"$x_{{{t}}}$" for t in range(1, 6)]
    xs = [diagrams.center(b)[0] for b in inputs]
    assert np.allclose(np.diff(xs), diagrams.STEP)
    hidden = diagrams.parts(ax, "node:hidden")[1:]
    for x_box, h_box in zip(inputs, hidden):                          # x_t sits under h_t
        assert diagrams.center(x_box)[0] == pytest.approx(diagrams.center(h_box)[0])
        assert diagrams.center(x_box)[1] < diagrams.center(h_box)[1]
    by_text = {}
    for label in diagrams.parts(ax, "arrow-label"):
        by_text.setdefault(label.get_text(), set()).add(label.get_color())
    assert by_text == {"$W_x$": {diagrams.WEIGHT_COLORS["Wx"]}, "$W_h$": {diagrams.WEIGHT_COLORS["Wh"]},
                       "$W_y$": {diagrams.WEIGHT_COLORS["Wy"]}}
    # everything drawn lies inside the limits
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for box in diagrams.parts(ax, "node"):
        assert x0 < box.get_x() and box.get_x() + box.get_width() < x1
        assert y0 < box.get_y() and box.get_y() + box.get_height() < y1


def test_draw_unrolled_options():
    ax = diagrams.draw_unrolled(3, outputs=False, folded=False, title="")
    assert len(diagrams.parts(ax, "node")) == 2 * 3 + 1
    assert len(diagrams.parts(ax, "arrow")) == 2 * 3
    assert diagrams.parts(ax, "node:output") == [] and diagrams.parts(ax, "unfold") == []
    assert ax.get_title() == ""
    assert "T = 4" in diagrams.draw_unrolled(4).get_title()


def test_draw_unrolled_uses_the_given_axes_and_rejects_bad_T():
    fig, ax = plt.subplots()
    assert diagrams.draw_unrolled(2, ax=ax) is ax
    assert not ax.axison
    for bad in [0, -1, 2.5]:
        with pytest.raises(ValueError, match="positive integer"):
            diagrams.draw_unrolled(bad)


def test_draw_unrolled_renders():
    ax = diagrams.draw_unrolled(2)
    ax.figure.canvas.draw()                                           # no error from the arrows' styles


def test_a_curved_arrow_label_follows_the_curve():
    """matplotlib's arc3 with rad > 0 bends to the right of travel: the label goes with it."""
    ax = diagrams.canvas()
    diagrams.arrow(ax, (0.0, 0.0), (1.0, 0.0), label="W", rad=0.5, label_offset=0.1)
    (label,) = diagrams.parts(ax, "arrow-label")
    x, y = label.get_position()
    assert x == pytest.approx(0.5) and y == pytest.approx(-0.25 + 0.1)  # curve's middle, then 0.1 to the left
