"""Gradient clipping: the references for unit 05's exercises.

A gradient is a list of arrays, one per weight (``[dWx, dWh, db, ...]``), as
``tape.gradient`` or :func:`rnncourse.reference.rnn` backward code returns them. Both functions return
new arrays and leave the inputs unchanged.

- :func:`clip_by_value` clips every entry to ``[-clip_value, clip_value]`` on its own. Large
  entries are cut and small ones are not, so the direction of the gradient changes.
- :func:`clip_by_global_norm` treats all arrays as one long vector ``g``. If its norm
  ``||g||`` exceeds ``max_norm`` it multiplies every array by the same factor
  ``max_norm / ||g||``: the length becomes ``max_norm`` and the direction is kept. This is
  ``tf.clip_by_global_norm`` (Keras optimisers: ``global_clipnorm``).
"""

import numpy as np


def clip_by_value(grads, clip_value):
    """Clip each entry of each array to ``[-clip_value, clip_value]``.

    ``grads``: a list of arrays of any shapes. ``clip_value``: a number > 0. Returns a new
    list of new arrays of the same shapes (``np.clip(g, -clip_value, clip_value)`` each).
    """
    if clip_value <= 0:
        raise ValueError(f"clip_value must be > 0; got {clip_value!r}")
    return [np.clip(np.asarray(g), -clip_value, clip_value) for g in grads]


def global_norm(grads):
    """``sqrt(sum of the squares of every entry of every array)``, a float."""
    return float(np.sqrt(sum(np.sum(np.square(np.asarray(g, dtype=np.float64))) for g in grads)))


def clip_by_global_norm(grads, max_norm):
    """Rescale all arrays together so that their global norm is at most ``max_norm``.

    ``grads``: a list of arrays of any shapes. ``max_norm``: a number > 0.
    ``global_norm = sqrt(sum over all arrays of sum(g ** 2))``. When ``global_norm >
    max_norm`` every array is multiplied by ``max_norm / global_norm``; otherwise each is
    returned unchanged (as a copy). An all-zero gradient has norm 0 and is not scaled.

    Returns ``(clipped, global_norm)``: a new list of new arrays of the same shapes and
    dtypes, and the norm measured BEFORE clipping, as ``tf.clip_by_global_norm`` returns it.
    """
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0; got {max_norm!r}")
    norm = global_norm(grads)
    if norm <= max_norm:                     # includes the all-zero gradient: nothing to divide
        return [np.array(g, copy=True) for g in grads], norm
    scale = max_norm / norm                  # < 1; norm > max_norm > 0
    return [_scaled(np.asarray(g), scale) for g in grads], norm


def _scaled(g, scale):
    """``g * scale`` in g's float dtype (float32 stays float32); integers become float64."""
    dtype = g.dtype if np.issubdtype(g.dtype, np.floating) else np.float64
    return g.astype(dtype) * np.asarray(scale, dtype=dtype)
