"""The drawing of stacked recurrent layers, unrolled over T steps (unit 06).

Built from the primitives of :mod:`rnncourse.draw.diagrams`, in the style of unit 01's
unrolled graph: inputs ``x_t`` at the bottom, then one row of states ``h^(l)_t`` per layer,
each starting from its own ``h^(l)_0``. Layer ``l`` reads, at step ``t``, the state of layer
``l - 1`` at the same step, so every layer below the top one must hand over all T states
(``return_sequences=True``). Each layer has its own weights; the arrows of layer 1 have unit
01's colours, those of the layers above are drawn in other colours.
"""

from ..validate import positive_int
from .diagrams import LEVEL, STEP, WEIGHT_COLORS, arrow, canvas, first_use_labeller, node

# (input weights, recurrent weights) colours of layer 1, 2, 3, ...; layer 1 uses unit 01's.
LAYER_COLORS = [(WEIGHT_COLORS["Wx"], WEIGHT_COLORS["Wh"]), ("#16a085", "#8e44ad"), ("#d4a017", "#555555")]


def draw_stacked(T=4, layers=2, outputs="last", ax=None, labels=True, title=None):
    """``layers`` recurrent layers stacked on each other, unrolled over ``T`` steps.

    ``outputs``: ``"last"`` draws one output ``y`` on the top layer's last state (the top
    layer returns ``h_T`` only: many-to-one), ``"every"`` one output per step (the top layer
    returns its sequence too: many-to-many). Nodes: ``T`` inputs, ``layers * (T + 1)`` states
    including the initial ones, and 1 or ``T`` outputs. Arrows: ``2 * layers * T`` (into each
    state from below and from the left) plus one per output. ``labels``: name each weight
    matrix on its first arrow. Returns the Axes (its figure is ``ax.figure``).
    """
    T = positive_int("T", T)
    layers = positive_int("layers", layers)
    if layers > len(LAYER_COLORS):
        raise ValueError(f"layers must be at most {len(LAYER_COLORS)}; got {layers}")
    if outputs not in ("last", "every"):
        raise ValueError(f"outputs must be 'last' or 'every'; got {outputs!r}")
    xlim, ylim = (-2.2, T * STEP + 0.7), (-0.55, (layers + 1) * LEVEL + 0.95)
    if ax is None:
        ax = canvas(figsize=((xlim[1] - xlim[0]) * 0.85, (ylim[1] - ylim[0]) * 0.85))
    else:
        canvas(ax)
    label = first_use_labeller(labels)

    below = [node(ax, (t * STEP, 0), f"$x_{{{t}}}$", "input") for t in range(1, T + 1)]   # layer 0: the inputs
    ax.text(-1.5, 0, "inputs", ha="center", va="center", fontsize=10, color="0.35")
    for level in range(1, layers + 1):
        y = level * LEVEL
        x_color, h_color = LAYER_COLORS[level - 1]
        prev = node(ax, (0, y), f"$h^{{({level})}}_0$", "initial")
        row = []
        for t in range(1, T + 1):
            h = node(ax, (t * STEP, y), f"$h^{{({level})}}_{{{t}}}$", "hidden")
            arrow(ax, below[t - 1], h, label(f"$W_x^{{({level})}}$"), color=x_color, label_offset=-0.35)
            arrow(ax, prev, h, label(f"$W_h^{{({level})}}$"), color=h_color, label_offset=0.25)
            row.append(h)
            prev = h
        ax.text(-1.5, y, f"layer {level}", ha="center", va="center", fontsize=10, color="0.35")
        below = row

    top = (layers + 1) * LEVEL
    steps = range(1, T + 1) if outputs == "every" else [T]
    for t in steps:
        out = node(ax, (t * STEP, top), f"$y_{{{t}}}$" if outputs == "every" else "$y$", "output")
        arrow(ax, below[t - 1], out, label("$W_y$"), color=WEIGHT_COLORS["Wy"], label_offset=-0.3)

    ax.set(xlim=xlim, ylim=ylim)
    if title is None:
        title = (f"{layers} stacked layers over T = {T} steps: layer 2 reads every state of layer 1"
                 if layers > 1 else f"One layer over T = {T} steps")
    if title:
        ax.set_title(title, fontsize=11)
    return ax
