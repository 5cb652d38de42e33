"""Drawings of the five input/output types of a recurrent network, unrolled in time.

Built from the primitives of :mod:`rnncourse.draw.diagrams` (same boxes, arrows and colours as unit
01's unrolled graph): inputs ``x`` at the bottom, hidden states ``h`` in the middle, outputs
``y`` at the top, time running left to right from the initial state ``h_0``. Arrows of one
colour multiply by one weight matrix. The encoder-decoder's decoder is a second RNN with its
own weights, so its states are called ``s_t`` and its arrows have colours of their own.

``repeat=True`` draws the Keras models of :mod:`rnncourse.models.rnn_types` exactly: ``RepeatVector``
feeds the one input ``x`` (one-to-many) or the context ``c`` (encoder-decoder) at every
step; the copies are dashed boxes.
"""

import matplotlib.pyplot as plt

from ..models.rnn_types import KINDS
from ..validate import positive_int
from .diagrams import LEVEL, STEP, WEIGHT_COLORS, arrow, canvas, first_use_labeller, node

# kind: (name, shapes in -> out, an application)
TYPES = {
    "one_to_one": ("one-to-one", "(N, D) \u2192 (N, V)", "classify one image"),
    "one_to_many": ("one-to-many", "(N, D) \u2192 (N, S, V)", "caption an image"),
    "many_to_one": ("many-to-one", "(N, T, D) \u2192 (N, V)", "sentiment of a review"),
    "many_to_many": ("many-to-many, aligned", "(N, T, D) \u2192 (N, T, V)", "tag every word"),
    "encoder_decoder": ("many-to-many, encoder\u2013decoder", "(N, T, D) \u2192 (N, S, V)",
                        "translate a sentence"),
}

# The decoder's own weights, and the context c = h_T handed from encoder to decoder.
DECODER_COLORS = {"Wx": "#16a085", "Wh": "#8e44ad", "Wy": "#2e7d32", "context": "#555555"}


def _check(kind, T, S):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    positive_int("T", T)
    positive_int("S", S)


def columns(kind, T=3, S=3, repeat=False):
    """How many time columns the drawing of ``kind`` has (``h_0`` columns included)."""
    _check(kind, T, S)
    return {"one_to_one": 1, "one_to_many": 1 + S, "many_to_one": 1 + T, "many_to_many": 1 + T,
            "encoder_decoder": 1 + T + S + (1 if repeat else 0)}[kind]


def _repeated(box):
    box.set_linestyle("--")
    box.set_alpha(0.7)
    return box


def draw_type(kind, T=3, S=3, ax=None, repeat=False, labels=False, title=True, fontsize=11):
    """Draw one input/output type, unrolled; return the Axes.

    ``kind``: one of :data:`rnncourse.models.rnn_types.KINDS`. ``T``: input steps drawn (sequence
    inputs). ``S``: output steps drawn (one-to-many, encoder-decoder). ``repeat``: draw the
    ``RepeatVector`` copies of the Keras models (see the module docstring). ``labels``: write
    ``W_x``, ``W_h``, ``W_y`` beside the first arrow of each. ``title``: the type's name and
    shapes above, its application below (a string replaces the name).
    """
    _check(kind, T, S)
    width = columns(kind, T, S, repeat)
    if ax is None:
        ax = canvas(figsize=(1.0 + 1.05 * width, 4.2))
    else:
        canvas(ax)
    W = WEIGHT_COLORS
    lab = first_use_labeller(labels)
    at = lambda col, level: (col * STEP, level * LEVEL)  # noqa: E731  (column, level) -> point

    def cell(col, label, x_label=None, copy=False, y_label=None, prev=None, colors=W):
        """One time step: optional input below, hidden state, optional output above.

        Returns the hidden box and the input box (None without input)."""
        h, x = node(ax, at(col, 1), label, "hidden", fontsize=fontsize), None
        if x_label is not None:
            x = node(ax, at(col, 0), x_label, "input", fontsize=fontsize)
            if copy:
                _repeated(x)
            arrow(ax, x, h, lab("$W_x$") if colors is W else lab("$W_x'$"),
                  color=colors["Wx"], label_offset=-0.32)
        if prev is not None:
            arrow(ax, prev, h, lab("$W_h$") if colors is W else lab("$W_h'$"), color=colors["Wh"],
                  label_offset=0.45)
        if y_label is not None:
            y = node(ax, at(col, 2), y_label, "output", fontsize=fontsize)
            arrow(ax, h, y, lab("$W_y$"), color=colors["Wy"], label_offset=-0.32)
        return h, x

    if kind == "one_to_one":
        h = node(ax, at(0, 1), "$h$", "layer", sublabel=r"$\tanh(\cdot + b)$", fontsize=fontsize)
        x = node(ax, at(0, 0), "$x$", "input", fontsize=fontsize)
        y = node(ax, at(0, 2), "$y$", "output", fontsize=fontsize)
        arrow(ax, x, h, lab("$W_x$"), color=W["Wx"], label_offset=-0.32)
        arrow(ax, h, y, lab("$W_y$"), color=W["Wy"], label_offset=-0.32)
    else:
        prev = node(ax, at(0, 1), "$h_0$", "initial", fontsize=fontsize)
        if kind == "one_to_many":
            for t in range(1, S + 1):
                x_label = "$x$" if (t == 1 or repeat) else None
                prev, _ = cell(t, f"$h_{{{t}}}$", x_label=x_label, copy=t > 1, y_label=f"$y_{{{t}}}$",
                               prev=prev)
        else:
            for t in range(1, T + 1):
                y_label = (f"$y_{{{t}}}$" if kind == "many_to_many" else
                           "$y$" if (kind == "many_to_one" and t == T) else None)
                prev, _ = cell(t, f"$h_{{{t}}}$", x_label=f"$x_{{{t}}}$", y_label=y_label, prev=prev)
        if kind == "encoder_decoder":
            context, col = prev, T + 1
            if repeat:                            # Keras: the decoder starts from zeros and reads c
                prev = node(ax, at(col, 1), "$s_0$", "initial", fontsize=fontsize)
                col += 1
            for t in range(1, S + 1):
                if repeat:
                    s, c_box = cell(col, f"$s_{{{t}}}$", x_label="$c$", copy=True, y_label=f"$y_{{{t}}}$",
                                    prev=prev, colors=DECODER_COLORS)
                    if t == 1:
                        arrow(ax, context, c_box, "$c = h_T$" if labels else None,
                              color=DECODER_COLORS["context"], rad=0.25, linestyle="--", label_offset=-0.3)
                else:
                    s, _ = cell(col, f"$s_{{{t}}}$", y_label=f"$y_{{{t}}}$", prev=prev, colors=DECODER_COLORS)
                prev, col = s, col + 1
            ax.axvline((T + 0.5) * STEP, color="0.75", linewidth=1, linestyle=":", zorder=0)
            top = 2 * LEVEL + 0.55
            ax.text((T + 1) * STEP / 2, top, "encoder: reads", ha="center", va="center",
                    fontsize=fontsize - 1, color="0.35")
            ax.text((T + 1 + col - 1) * STEP / 2, top, "decoder: writes", ha="center", va="center",
                    fontsize=fontsize - 1, color="0.35")

    ax.set(xlim=(-0.75, (width - 1) * STEP + 0.75), ylim=(-1.05, 2 * LEVEL + 0.8))
    if title:
        name, shapes, example = TYPES[kind]
        ax.set_title(f"{name if title is True else title}\n{shapes}", fontsize=fontsize)
        ax.text((width - 1) * STEP / 2, -0.98, f"e.g. {example}", ha="center", va="center",
                fontsize=fontsize - 1, style="italic", color="0.25")
    return ax


def draw_all_types(T=3, S=2, repeat=True, fontsize=10):
    """The five types side by side, in two rows; return the Figure.

    Top row: one-to-one, one-to-many (``S`` outputs), many-to-one (``T`` inputs); bottom row:
    aligned many-to-many and encoder-decoder (``T`` inputs, ``S`` outputs). ``repeat`` (default)
    draws the Keras models of unit 02's exercises: ``x``, or the context ``c``, read at every
    step, and the decoder started from ``s_0 = 0``; ``repeat=False`` draws ``x`` read once and
    the context as the decoder's initial state.
    """
    rows = [["one_to_one", "one_to_many", "many_to_one"], ["many_to_many", "encoder_decoder"]]
    # each panel as wide as its drawing (in data units), so that all are drawn to one scale
    widths = [[(columns(k, T, S, repeat) - 1) * STEP + 1.5 + 0.3 for k in row] for row in rows]
    total = max(sum(w) for w in widths)
    fig = plt.figure(figsize=(total * 0.58, 7.2))
    outer = fig.add_gridspec(2, 1, hspace=0.3)
    for r, row in enumerate(rows):
        spare = total - sum(widths[r])
        ratios = widths[r] + ([spare] if spare > 0.01 else [])
        inner = outer[r].subgridspec(1, len(ratios), width_ratios=ratios, wspace=0.0)
        for i, kind in enumerate(row):
            draw_type(kind, T=T, S=S, ax=fig.add_subplot(inner[0, i]), repeat=repeat, fontsize=fontsize)
    return fig
