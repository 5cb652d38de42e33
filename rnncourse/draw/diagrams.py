"""Drawings of RNN graphs: boxes for vectors, arrows for the weight matrices between them.

The primitives (:func:`canvas`, :func:`node`, :func:`arrow`, :func:`self_loop`) draw in data
coordinates on an equal-aspect Axes without a frame; a node is about ``0.9 x 0.6`` units and
neighbouring steps sit ``STEP = 1.6`` apart. Every artist they add carries a ``gid`` saying
what it is, so code (and tests) can find the parts of a drawing with :func:`parts`:

==================  ==========================================================
gid                 artist
==================  ==========================================================
``node:<kind>``     the box of a node (``kind`` is a key of :data:`KINDS`)
``node-label``      the text in a node, e.g. ``$h_1$``
``node-sublabel``   the small second line in a node, e.g. ``tanh(. + b)``
``arrow``           an arrow between nodes (a self-loop is an arrow too)
``arrow-label``     the text beside an arrow, e.g. ``$W_h$``
==================  ==========================================================

:func:`draw_unrolled` builds unit 01's picture from them: the folded cell next to the same
network unrolled over T steps.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch

from ..validate import positive_int

STEP = 1.6           # horizontal distance between neighbouring time steps
LEVEL = 1.35         # vertical distance between inputs, hidden states and outputs
NODE_SIZE = (0.9, 0.6)

# Face and edge colours of each kind of node; add a kind here to draw a new one.
KINDS = {
    "input": {"facecolor": "#dceaf7", "edgecolor": "#2f6ea8"},      # x_t
    "hidden": {"facecolor": "#fde9cf", "edgecolor": "#b8630a"},     # h_t
    "output": {"facecolor": "#e0f1dc", "edgecolor": "#2e7d32"},     # y_t
    "initial": {"facecolor": "#f2f2f2", "edgecolor": "#777777", "linestyle": "--"},  # h_0
    "layer": {"facecolor": "#ece5f5", "edgecolor": "#6a4c9c"},      # a feedforward (Dense) layer
}

# One colour per weight matrix: arrows of the same colour multiply by the same matrix.
WEIGHT_COLORS = {"Wx": "#2f6ea8", "Wh": "#c0392b", "Wy": "#2e7d32"}


def canvas(ax=None, figsize=(9, 3.5)):
    """An Axes ready for a diagram: equal aspect, no frame, no ticks, no grid.

    ``ax``: draw on this Axes (it is cleared of its frame); ``None`` makes a new figure of
    ``figsize`` inches. Returns the Axes. Set its limits with ``ax.set(xlim=..., ylim=...)``
    once the drawing is done (text does not widen the limits by itself).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.grid(False)
    return ax


def node(ax, xy, label, kind="hidden", sublabel=None, size=NODE_SIZE, fontsize=13):
    """Draw a vector as a rounded box centred at ``xy`` with ``label`` in it; return the box.

    ``kind``: a key of :data:`KINDS` (``"input"``, ``"hidden"``, ``"output"``, ``"initial"``,
    ``"layer"``), which sets the colours. ``label``: text, mathtext welcome (``"$h_1$"``).
    ``sublabel``: an optional smaller second line inside the box, e.g. the activation.
    ``size``: ``(width, height)`` in data units. Pass the returned box to :func:`arrow` to
    connect it: the arrow then stops at the box's edge.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}; got {kind!r}")
    (cx, cy), (w, h) = xy, size
    box = FancyBboxPatch((cx - w / 2, cy - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.12",
                         linewidth=1.6, zorder=2, gid=f"node:{kind}", **KINDS[kind])
    ax.add_patch(box)
    y_label = cy + (0.09 if sublabel else 0.0)
    ax.text(cx, y_label, label, ha="center", va="center", fontsize=fontsize, zorder=3, gid="node-label")
    if sublabel:
        ax.text(cx, cy - 0.16, sublabel, ha="center", va="center", fontsize=fontsize * 0.6,
                color="0.3", zorder=3, gid="node-sublabel")
    return box


def center(item):
    """The centre ``(x, y)`` of a node box (or circle), or ``item`` itself if it is a point."""
    if isinstance(item, FancyBboxPatch):
        return (item.get_x() + item.get_width() / 2, item.get_y() + item.get_height() / 2)
    if isinstance(item, Circle):
        return tuple(item.center)
    x, y = item
    return (float(x), float(y))


def first_use_labeller(labels=True):
    """A function ``label(text)`` that returns ``text`` the first time it sees it, later None.

    Diagrams label each weight matrix on its first arrow only; ``labels=False`` labels none.
    """
    seen = set()

    def label(text):
        if not labels or text in seen:
            return None
        seen.add(text)
        return text
    return label


def arrow(ax, start, end, label=None, color="0.25", rad=0.0, label_offset=0.18, fontsize=11,
          linestyle="-"):
    """Draw an arrow from ``start`` to ``end``, optionally with a ``label`` beside it; return it.

    ``start``, ``end``: node boxes returned by :func:`node` (the arrow runs between their
    centres and is cut at their edges) or ``(x, y)`` points. ``rad``: the curvature (0 is
    straight; positive bends to the right of the direction of travel, as matplotlib's ``arc3``). ``label`` is placed at
    the middle, ``label_offset`` data units to the left of the direction of travel (negative:
    to the right), in the arrow's colour.
    """
    (x0, y0), (x1, y1) = center(start), center(end)
    patch = FancyArrowPatch(
        (x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14, linewidth=1.6, color=color,
        linestyle=linestyle, connectionstyle=f"arc3,rad={rad}", zorder=1, gid="arrow",
        patchA=start if isinstance(start, Patch) else None,
        patchB=end if isinstance(end, Patch) else None, shrinkA=2, shrinkB=2)
    ax.add_patch(patch)
    if label:
        dx, dy = x1 - x0, y1 - y0
        length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        nx, ny = -dy / length, dx / length                 # unit normal, to the left of travel
        bulge = -rad * length / 2                          # arc3 puts its control point rad * length to the right
        mx, my = (x0 + x1) / 2 + nx * bulge, (y0 + y1) / 2 + ny * bulge
        ax.text(mx + nx * label_offset, my + ny * label_offset, label, ha="center", va="center",
                fontsize=fontsize, color=color, zorder=3, gid="arrow-label")
    return patch


def self_loop(ax, box, label=None, color="0.25", side="left", reach=0.45, fontsize=11):
    """Draw a recurrent arrow that leaves ``box`` and comes back into it; return the arrow.

    It stands for "this vector, one step later, is fed back in": the folded RNN cell's
    ``h_{t-1} -> h_t`` connection. ``side``: ``"left"``, ``"right"`` or ``"top"``, where the
    loop sits; ``reach``: how far it sticks out, in data units. ``label`` goes beyond the loop.
    """
    if side not in ("left", "right", "top"):
        raise ValueError(f"side must be 'left', 'right' or 'top'; got {side!r}")
    (cx, cy) = center(box)
    if isinstance(box, FancyBboxPatch):
        half_w, half_h = box.get_width() / 2, box.get_height() / 2
    else:
        half_w = half_h = box.radius
    if side == "top":
        start, end, angle = (cx + half_w / 2, cy + half_h), (cx - half_w / 2, cy + half_h), 90
        text_xy = (cx, cy + half_h + reach + 0.2)
    else:
        sign = -1 if side == "left" else 1
        # counter-clockwise on the left (out at the top, back in at the bottom), mirrored on the right
        start, end = (cx + sign * half_w, cy + half_h / 2), (cx + sign * half_w, cy - half_h / 2)
        angle = 180 if side == "left" else 0
        text_xy = (cx + sign * (half_w + reach + 0.3), cy)
    arm = reach * 72  # armA/armB are in points; diagrams are drawn at about one data unit per inch
    patch = FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=14, linewidth=1.6, color=color, zorder=1,
        gid="arrow", shrinkA=1, shrinkB=1,
        connectionstyle=f"arc,angleA={angle},angleB={angle},armA={arm},armB={arm},rad=8")
    ax.add_patch(patch)
    if label:
        ax.text(*text_xy, label, ha="center", va="center", fontsize=fontsize, color=color, zorder=3,
                gid="arrow-label")
    return patch


def parts(ax, gid):
    """The artists of ``ax`` whose gid is ``gid``, or starts with ``gid + ":"`` (``"node"``
    finds every node box, ``"node:input"`` only the inputs), in the order they were drawn."""
    found = [a for a in ax.get_children() if a.get_gid() is not None
             and (a.get_gid() == gid or a.get_gid().startswith(gid + ":"))]
    return sorted(found, key=lambda a: ax.get_children().index(a))


def draw_unrolled(T=4, ax=None, outputs=True, folded=True, title=None):
    """The folded RNN cell beside the same network unrolled over ``T`` time steps.

    Left (``folded=True``): ``x_t -> [h_t] -> y_t`` with a self-loop labelled ``W_h``.
    Right: ``x_1 .. x_T`` feed ``h_1 .. h_T``, starting from ``h_0``; with ``outputs=True``
    each ``h_t`` feeds ``y_t``. Every step's arrows carry the same labels and colours
    (``W_x``, ``W_h``, ``W_y``) and every hidden box says ``tanh(. + b)``: the same weights
    are used at every step, ``h_t = tanh(x_t W_x + h_{t-1} W_h + b)``, ``y_t = h_t W_y + b_y``.

    Nodes: ``3 T + 1`` unrolled (``2 T + 1`` without outputs), plus 3 (or 2) folded.
    Arrows: 3 per step, plus 3 folded (2 per step and 2 folded without outputs).
    Returns the Axes (its figure is ``ax.figure``).
    """
    T = positive_int("T", T)
    levels = 3 if outputs else 2
    x_first = 2 * STEP + 0.8 if folded else 0.0            # where h_0 goes
    x_last = x_first + T * STEP
    xlim = (-1.5 if folded else -0.7, x_last + 0.7)
    ylim = (-0.55, (levels - 1) * LEVEL + 0.95)
    if ax is None:
        ax = canvas(figsize=((xlim[1] - xlim[0]) * 0.95, (ylim[1] - ylim[0]) * 0.95))
    else:
        canvas(ax)
    colors = WEIGHT_COLORS
    cell = r"$\tanh(\cdot + b)$"

    if folded:
        x = node(ax, (0, 0), "$x_t$", "input")
        h = node(ax, (0, LEVEL), "$h_t$", "hidden", sublabel=cell)
        arrow(ax, x, h, "$W_x$", color=colors["Wx"], label_offset=-0.3)
        self_loop(ax, h, "$W_h$", color=colors["Wh"], side="left")
        if outputs:
            y = node(ax, (0, 2 * LEVEL), "$y_t$", "output")
            arrow(ax, h, y, "$W_y$", color=colors["Wy"], label_offset=-0.3)
        ax.annotate("", xy=(x_first - 0.75, LEVEL), xytext=(0.85, LEVEL), gid="unfold",
                    arrowprops={"arrowstyle": "simple,head_width=0.9,head_length=0.7,tail_width=0.35",
                                "color": "0.75", "linewidth": 0})
        ax.text((0.85 + x_first - 0.75) / 2, LEVEL + 0.42, "unfold\nin time", ha="center", va="center",
                fontsize=10, color="0.4", gid="unfold")

    prev = node(ax, (x_first, LEVEL), "$h_0$", "initial")
    for t in range(1, T + 1):
        xt = x_first + t * STEP
        x = node(ax, (xt, 0), f"$x_{{{t}}}$", "input")
        h = node(ax, (xt, LEVEL), f"$h_{{{t}}}$", "hidden", sublabel=cell)
        arrow(ax, x, h, "$W_x$", color=colors["Wx"], label_offset=-0.3)
        arrow(ax, prev, h, "$W_h$", color=colors["Wh"], label_offset=0.2)
        if outputs:
            y = node(ax, (xt, 2 * LEVEL), f"$y_{{{t}}}$", "output")
            arrow(ax, h, y, "$W_y$", color=colors["Wy"], label_offset=-0.3)
        prev = h

    ax.set(xlim=xlim, ylim=ylim)
    if title is None:
        title = f"One RNN cell, and the same cell unrolled over T = {T} steps: the same weights at every step"
    if title:
        ax.set_title(title, fontsize=11)
    return ax
