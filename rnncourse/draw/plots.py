"""Small matplotlib helpers for the notebooks: training curves, accuracy ceilings, distributions.

Every function draws on ``ax`` when one is given (otherwise on a new figure) and returns the
Axes, so a notebook can add a line or a title afterwards. Nothing calls ``plt.show()``.
"""

import matplotlib.pyplot as plt
import numpy as np

_SHOWN_AS = {" ": "\u2423", "\n": "\\n", "\t": "\\t"}  # characters that would be invisible on an axis


def char_label(char):
    """A visible label for one character: a space becomes ``\u2423``, a newline ``\\n``."""
    return _SHOWN_AS.get(char, char)


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _curves(history):
    """``{name: list of E values}`` from a Keras ``History`` or from a dict."""
    return getattr(history, "history", history)


def plot_history(history, keys=("loss",), labels=None, ax=None, transform=None,
                 ylabel=None, title=None):
    """Curves of a training history against the epoch (1, 2, ..., E).

    ``history``: a Keras ``History`` (what ``model.fit`` returns) or a dict
    ``{name: sequence of E numbers}``. ``keys``: the entries to draw. ``labels``: their legend
    labels (default: the keys). ``transform``: applied to each curve before drawing, e.g.
    ``np.exp`` turns a cross-entropy into a perplexity. Call it twice on the same ``ax`` to
    compare two models.
    """
    ax = _axes(ax)
    curves = _curves(history)
    labels = list(keys) if labels is None else list(labels)
    if len(labels) != len(keys):
        raise ValueError(f"got {len(keys)} keys but {len(labels)} labels")
    for key, label in zip(keys, labels):
        if key not in curves:
            raise KeyError(f"the history has no {key!r}; it has {sorted(curves)}")
        values = np.asarray(curves[key], dtype=float)
        if transform is not None:
            values = transform(values)
        ax.plot(np.arange(1, len(values) + 1), values, label=label, marker="o" if len(values) <= 12 else None)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel if ylabel is not None else (keys[0] if len(keys) == 1 else "value"))
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_correct_counts(counts, n_samples, ceiling=None, mark_epoch=None, ax=None, title=None):
    """How many of the ``n_samples`` windows are predicted right after each epoch.

    ``counts``: ``(E,)`` integers, entry ``e`` measured after epoch ``e + 1``. ``ceiling``: the
    largest count any model can reach, drawn as a wide pale band, so that the count curve stays
    visible on top of it once it gets there. ``mark_epoch``: an epoch to mark with a dotted
    vertical line and its count (e.g. 100, where the GeeksforGeeks program stopped).
    """
    ax = _axes(ax)
    counts = np.asarray(counts)
    epochs = np.arange(1, len(counts) + 1)
    ax.step(epochs, counts, where="post", color="C0", linewidth=1.8, zorder=3,   # on top of the lines below
            label="windows right")
    if ceiling is None or ceiling != n_samples:
        ax.axhline(n_samples, color="grey", linewidth=1, linestyle=":", zorder=1, label=f"all {n_samples}")
    if ceiling is not None:
        name = f"ceiling {ceiling}/{n_samples}" + (" (all)" if ceiling == n_samples else "")
        ax.axhline(ceiling, color="C3", linewidth=6, alpha=0.3, solid_capstyle="butt", zorder=2, label=name)
    if mark_epoch is not None:
        ax.axvline(mark_epoch, color="k", linestyle=":", linewidth=1)
        ax.annotate(f"epoch {mark_epoch}: {counts[mark_epoch - 1]}/{n_samples}",
                    xy=(mark_epoch, counts[mark_epoch - 1]), xytext=(15, -60),
                    textcoords="offset points", ha="left", arrowprops={"arrowstyle": "->"})
    ax.set_xlabel("epoch")
    ax.set_ylabel("windows predicted right")
    ax.set_ylim(0, n_samples + 3)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def plot_ceiling(lengths, ceilings, mark=None, ax=None, title=None):
    """The best achievable accuracy against the context length.

    ``lengths``: context lengths (``seq_length`` values); ``ceilings``: the matching ceilings
    in [0, 1]. ``mark``: a length to highlight (e.g. the seed's 3), labelled with its value.
    """
    ax = _axes(ax)
    lengths = np.asarray(lengths)
    ceilings = np.asarray(ceilings, dtype=float)
    ax.plot(lengths, ceilings, marker="o")
    ax.axhline(1.0, color="grey", linewidth=1)
    if mark is not None:
        value = ceilings[list(lengths).index(mark)]
        ax.plot([mark], [value], marker="o", markersize=12, fillstyle="none", color="C3")
        ax.annotate(f"seq_length {mark}: {value:.4f}", xy=(mark, value), xytext=(15, -25),
                    textcoords="offset points", arrowprops={"arrowstyle": "->"})
    ax.set_xticks(lengths)
    ax.set_xlabel("context length (seq_length)")
    ax.set_ylabel("best achievable accuracy")
    if title:
        ax.set_title(title)
    return ax


def plot_distributions(dists, chars, top=None, ax=None, title=None):
    """Side-by-side bars of several distributions over the same V characters.

    ``dists``: ``{label: probs (V,)}``, e.g. one entry per temperature. ``chars``: the V
    characters, in index order. ``top``: show only the ``top`` characters that are most likely
    under the FIRST distribution, most likely first (default: all V in index order).
    """
    ax = _axes(ax)
    labels = list(dists)
    probs = np.stack([np.asarray(dists[k], dtype=float) for k in labels])  # (K, V)
    if probs.shape[1] != len(chars):
        raise ValueError(f"the distributions have {probs.shape[1]} entries but there are {len(chars)} chars")
    order = np.arange(len(chars)) if top is None else np.argsort(-probs[0], kind="stable")[:top]
    width = 0.8 / len(labels)
    positions = np.arange(len(order))
    for k, label in enumerate(labels):
        ax.bar(positions + (k - (len(labels) - 1) / 2) * width, probs[k, order], width, label=label)
    ax.set_xticks(positions)
    ax.set_xticklabels([char_label(chars[i]) for i in order])
    ax.set_xlabel("next character")
    ax.set_ylabel("probability")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_jacobian_norms(curves, against="k", ax=None, title=None, styles=None):
    """Draw several ``||dh_T/dh_k||`` curves on a log scale.

    ``curves``: ``{label: norms (T + 1,)}``, entry ``k`` for ``dh_T/dh_k`` (what
    :func:`rnn_jacobian_norms` returns). ``against``: ``"k"`` puts ``k = 0 .. T`` on the x axis
    (the gradient travels right to left, from ``k = T``); ``"distance"`` puts ``T - k``, the
    number of steps back, so curves of different lengths start together at 0. ``styles``:
    optional ``{label: dict of plot keyword arguments}``. Norms of exactly 0 (e.g. relu units
    that all went silent) cannot be drawn on a log axis and are left out. Returns the Axes.
    """
    if against not in ("k", "distance"):
        raise ValueError(f"against must be 'k' or 'distance'; got {against!r}")
    if ax is None:
        _, ax = plt.subplots()
    styles = styles or {}
    T_max = 0
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        T = len(norms) - 1
        T_max = max(T_max, T)
        k = np.arange(T + 1)
        xs = k if against == "k" else T - k
        shown = np.where(norms > 0, norms, np.nan)
        ax.plot(xs, shown, label=label, **styles.get(label, {}))
    ax.set_yscale("log")
    ax.axhline(1.0, color="grey", linewidth=1, linestyle=":")
    if against == "k":
        ax.set_xlabel(f"k (T = {T_max})" if len({len(v) for v in curves.values()}) == 1 else "k")
        ax.set_ylabel(r"$\|\partial h_T / \partial h_k\|$")
    else:
        ax.set_xlabel("steps back, T - k")
        ax.set_ylabel(r"$\|\partial h_T / \partial h_k\|$")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_grad_norms(logs, max_norm=None, ax=None, title=None):
    """The global gradient norm at every training step, one curve per model, on a log axis.

    ``logs``: ``{label: sequence of S norms}`` (the ``"grad_norm"`` entry that
    :func:`rnncourse.models.fit_clipped` returns, measured before clipping). ``max_norm``: the
    clipping threshold, drawn as a dashed line: steps above it were scaled down to it.
    """
    ax = _axes(ax)
    for label, norms in logs.items():
        norms = np.asarray(norms, dtype=float)
        ax.plot(np.arange(1, len(norms) + 1), norms, label=label, linewidth=1)
    if max_norm is not None:
        ax.axhline(max_norm, color="k", linestyle="--", linewidth=1, label=f"clipped to {max_norm}")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("global gradient norm (before clipping)")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_influence(distances, curves, window=None, ax=None, title=None):
    """How much one character ``d`` steps back moves the prediction, against ``d``.

    ``distances``: ``(K,)`` ints; ``curves``: ``{label: (K,) mean total-variation distances}``
    (what :func:`rnncourse.models.influence_of_distance` returns). ``window``: a window model's
    length, marked with a dotted line (nothing older than it can reach that model).
    """
    ax = _axes(ax)
    distances = np.asarray(distances)
    for label, values in curves.items():
        ax.plot(distances, np.asarray(values, dtype=float), marker="o", label=label)
    if window is not None:
        ax.axvline(window + 0.5, color="grey", linestyle=":", linewidth=1)
        ax.annotate(f"window of {window}", xy=(window + 0.5, ax.get_ylim()[1]), xytext=(4, -12),
                    textcoords="offset points", color="grey")
    ax.set_xlabel("distance d of the changed character (steps back)")
    ax.set_ylabel("mean change of the prediction\n(total variation)")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
