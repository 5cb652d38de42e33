"""Padded batches of sequences of different lengths: does a model treat each sequence as if alone?

A batch of ``N`` sequences of lengths ``T_0 .. T_{N-1}`` is padded after each sequence's end to
``T = max(T_i)`` steps (``keras.utils.pad_sequences(..., padding="post")``): sequence ``i`` sits
in ``batch[i, :T_i]`` and the padding after it. A model that masks the padding should give each
sequence the outputs it gives that sequence alone, in a batch of one with no padding at all.
"""

import numpy as np


def _as_numpy(output):
    return np.asarray(output.numpy() if hasattr(output, "numpy") else output)


def _outputs(model, batch):
    """``model(batch)`` as a dict of numpy arrays, and how to give the result back (array, list or dict)."""
    result = model(batch)
    if isinstance(result, dict):
        return {key: _as_numpy(value) for key, value in result.items()}, "dict"
    if isinstance(result, (list, tuple)):
        return dict(enumerate(_as_numpy(value) for value in result)), "list"
    return {0: _as_numpy(result)}, "array"


def difference_from_alone(model, batch, lengths):
    """How far each sequence's outputs in a padded batch are from its outputs when run alone.

    Args:
        model: a callable (a Keras model, or any function) taking a batch ``(n, T, ...)`` and
            returning an array, a list of arrays or a dict of arrays. An output of shape
            ``(n, T, F)`` (one vector per step) is compared at the real steps only; one of shape
            ``(n, F)`` (one vector per sequence, such as a final state) is compared whole.
        batch: ``(N, T)`` int symbols or ``(N, T, D)`` features, padded after each sequence.
        lengths: ``(N,)`` ints, the real lengths ``T_i``, each between 1 and ``T``.

    Returns:
        For each output of ``model``, in the same structure (array, list or dict): a float array
        ``(N,)`` whose entry ``i`` is the largest absolute difference between the output for
        ``batch[i]`` in the padded batch and the output of ``model(batch[i:i + 1, :T_i])``, the
        sequence on its own, unpadded. 0 (up to float rounding) means the padding changed nothing.

    Raises:
        ValueError: if ``lengths`` does not give one length between 1 and ``T`` per sequence.
    """
    batch = np.asarray(batch)
    lengths = np.asarray(lengths)
    if batch.ndim < 2:
        raise ValueError(f"batch should have shape (N, T) or (N, T, D); got shape {batch.shape}")
    if lengths.shape != (batch.shape[0],):
        raise ValueError(f"lengths should have shape (N,) = ({batch.shape[0]},), one length per sequence of "
                         f"the batch; got shape {lengths.shape}")
    if not np.issubdtype(lengths.dtype, np.integer) or lengths.min() < 1 or lengths.max() > batch.shape[1]:
        raise ValueError(f"each length must be an integer between 1 and T = {batch.shape[1]}; got {lengths}")
    padded, kind = _outputs(model, batch)
    gaps = {key: np.zeros(len(lengths)) for key in padded}
    for i, length in enumerate(lengths):
        alone, _ = _outputs(model, batch[i:i + 1, :length])          # sequence i, a batch of one
        for key, out in padded.items():
            mine = out[i, :length] if out.ndim == 3 else out[i]       # real steps, or the whole vector
            gaps[key][i] = np.abs(mine - alone[key][0]).max()
    if kind == "array":
        return gaps[0]
    return list(gaps.values()) if kind == "list" else gaps
