"""The drawing of a bidirectional RNN, unrolled over T steps (unit 07).

Built from the primitives of :mod:`rnncourse.draw.diagrams`, in the same style as unit 01's
unrolled graph: inputs ``x_t`` at the bottom; above them the forward RNN, whose states
``h→_t`` pass to the right starting from ``h→_0`` (``h0_fwd``); above that the backward RNN,
whose states ``h←_t`` pass to the left starting from ``h←_{T+1}`` (``h0_bwd``); at the top
each step's output ``o_t = [h→_t ; h←_t]``, the two states side by side. Each direction
has its own weights, so its arrows have their own colours; the arrows into ``o_t`` copy,
they multiply by nothing (grey, dashed).

The forward states sit a little left of their column and the backward states a little right,
so that every arrow from ``x_t`` reaches its state without crossing the other one.
"""

from ..validate import positive_int
from .diagrams import LEVEL, WEIGHT_COLORS, arrow, canvas, first_use_labeller, node

STEP = 2.0            # horizontal distance between time steps (wider than unit 01's: two states per step)
OFFSET = 0.5          # forward states sit OFFSET left of their column, backward states OFFSET right
OUTPUT_SIZE = (1.55, 0.6)

# The forward RNN uses unit 01's colours; the backward RNN, with weights of its own, others.
FORWARD_COLORS = {"Wx": WEIGHT_COLORS["Wx"], "Wh": WEIGHT_COLORS["Wh"]}
BACKWARD_COLORS = {"Wx": "#16a085", "Wh": "#8e44ad"}
COPY_COLOR = "0.55"


def draw_bidirectional(T=4, ax=None, labels=True, title=None):
    """A bidirectional RNN unrolled over ``T`` steps, both directions and the combined output.

    Nodes: ``T`` inputs, ``T`` forward and ``T`` backward states, 2 initial states and ``T``
    outputs (``4 T + 2``). Arrows: per step one input arrow into each direction, one
    recurrent arrow in each direction and two copies into the output (``6 T``).
    ``labels``: write each weight's name on its first arrow. Returns the Axes (its figure is
    ``ax.figure``).
    """
    T = positive_int("T", T)
    left, right = -OFFSET - 0.6, (T + 1) * STEP + OFFSET + 0.6
    margin = 2.3                                                   # room for the row names
    xlim, ylim = (left - margin, right + 0.1), (-0.55, 3 * LEVEL + 0.55)
    if ax is None:
        ax = canvas(figsize=((xlim[1] - xlim[0]) * 0.85, (ylim[1] - ylim[0]) * 0.85))
    else:
        canvas(ax)
    label = first_use_labeller(labels)
    fwd_row, bwd_row, out_row = LEVEL, 2 * LEVEL, 3 * LEVEL

    prev_fwd = node(ax, (-OFFSET, fwd_row), r"$\overrightarrow{h}_0$", "initial", sublabel="h0_fwd")
    inputs, fwd, bwd = [], [], []
    for t in range(1, T + 1):
        cx = t * STEP
        x = node(ax, (cx, 0), f"$x_{{{t}}}$", "input")
        h = node(ax, (cx - OFFSET, fwd_row), rf"$\overrightarrow{{h}}_{{{t}}}$", "hidden")
        arrow(ax, x, h, label(r"$\overrightarrow{W}_x$"), color=FORWARD_COLORS["Wx"], label_offset=0.32)
        arrow(ax, prev_fwd, h, label(r"$\overrightarrow{W}_h$"), color=FORWARD_COLORS["Wh"], label_offset=0.25)
        inputs.append(x)
        fwd.append(h)
        prev_fwd = h

    prev_bwd = node(ax, ((T + 1) * STEP + OFFSET, bwd_row), rf"$\overleftarrow{{h}}_{{{T + 1}}}$", "initial",
                    sublabel="h0_bwd")
    for t in range(T, 0, -1):                                      # the backward RNN reads x_T first
        cx = t * STEP
        h = node(ax, (cx + OFFSET, bwd_row), rf"$\overleftarrow{{h}}_{{{t}}}$", "hidden")
        arrow(ax, inputs[t - 1], h, label(r"$\overleftarrow{W}_x$"), color=BACKWARD_COLORS["Wx"],
              label_offset=-0.32)
        arrow(ax, prev_bwd, h, label(r"$\overleftarrow{W}_h$"), color=BACKWARD_COLORS["Wh"], label_offset=0.25)
        bwd.insert(0, h)
        prev_bwd = h

    for t in range(1, T + 1):
        o = node(ax, (t * STEP, out_row), rf"$[\overrightarrow{{h}}_{{{t}}};\,\overleftarrow{{h}}_{{{t}}}]$",
                 "output", size=OUTPUT_SIZE, fontsize=12)
        arrow(ax, fwd[t - 1], o, color=COPY_COLOR, linestyle="--")
        arrow(ax, bwd[t - 1], o, color=COPY_COLOR, linestyle="--")

    rows = [(0, "input", "$x_1 \\dots x_T$"),
            (fwd_row, "forward RNN", "reads $x_1 \\rightarrow x_T$"),
            (bwd_row, "backward RNN", "reads $x_T \\rightarrow x_1$"),
            (out_row, "output $o_t$", "both states, side by side")]
    for y, name, detail in rows:
        ax.text(left - margin + 0.05, y + 0.14, name, ha="left", va="center", fontsize=11, gid="row-label")
        ax.text(left - margin + 0.05, y - 0.2, detail, ha="left", va="center", fontsize=9, color="0.4",
                gid="row-label")

    ax.set(xlim=xlim, ylim=ylim)
    if title is None:
        title = (f"A bidirectional RNN over T = {T} steps: two RNNs with their own weights, "
                 f"one reading each way")
    if title:
        ax.set_title(title, fontsize=11)
    return ax

