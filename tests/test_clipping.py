"""Gradient clipping references of unit 05, against hand-computed cases and TensorFlow."""

import numpy as np
import pytest

from rnncourse.reference import clipping

pytestmark = pytest.mark.usefixtures("keras_seeded")


def three_four():
    """Two arrays of norms 3 and 4: global norm 5."""
    return [np.array([[1.0, -2.0], [2.0, 0.0]]), np.array([0.0, 4.0, 0.0])]


def test_clip_by_value_by_hand():
    grads = [np.array([[0.5, -3.0], [2.0, -0.2]]), np.array([4.0, -1.0, 0.0])]
    out = clipping.clip_by_value(grads, 1.0)
    np.testing.assert_array_equal(out[0], [[0.5, -1.0], [1.0, -0.2]])
    np.testing.assert_array_equal(out[1], [1.0, -1.0, 0.0])
    np.testing.assert_array_equal(grads[0], [[0.5, -3.0], [2.0, -0.2]])   # inputs unchanged
    assert isinstance(out, list) and all(not np.shares_memory(a, b) for a, b in zip(out, grads))


def test_global_norm_and_clip_by_global_norm_by_hand():
    assert clipping.global_norm(three_four()) == pytest.approx(5.0)
    out, norm = clipping.clip_by_global_norm(three_four(), 2.0)
    assert norm == pytest.approx(5.0)                                       # before clipping
    np.testing.assert_allclose(out[0], [[0.4, -0.8], [0.8, 0.0]])
    np.testing.assert_allclose(out[1], [0.0, 1.6, 0.0])
    assert clipping.global_norm(out) == pytest.approx(2.0)


def test_under_the_threshold_and_zero_gradients_are_copied_unchanged():
    grads = three_four()
    out, norm = clipping.clip_by_global_norm(grads, 10.0)
    assert norm == pytest.approx(5.0)
    for a, b in zip(out, grads):
        np.testing.assert_array_equal(a, b)
        assert not np.shares_memory(a, b)
    with np.errstate(all="raise"):                                           # no 0 / 0 anywhere
        zeros, norm = clipping.clip_by_global_norm([np.zeros((2, 3)), np.zeros(3)], 1.0)
    assert norm == 0.0 and all(np.array_equal(z, np.zeros_like(z)) for z in zeros)


def test_dtypes_are_kept():
    grads = [np.ones((2, 2), np.float32), np.ones(3, np.float64)]
    out, _ = clipping.clip_by_global_norm(grads, 0.1)
    assert [a.dtype for a in out] == [np.float32, np.float64]
    out, _ = clipping.clip_by_global_norm([np.array([3, 4])], 1.0)           # integers -> floats
    np.testing.assert_allclose(out[0], [0.6, 0.8])


def test_bad_thresholds_raise():
    with pytest.raises(ValueError, match="clip_value"):
        clipping.clip_by_value(three_four(), 0.0)
    with pytest.raises(ValueError, match="max_norm"):
        clipping.clip_by_global_norm(three_four(), -1.0)


def test_global_norm_keeps_the_direction_and_value_clipping_does_not():
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((5, 4)) * 3, rng.standard_normal(4)]

    def flat(arrays):
        return np.concatenate([a.ravel() for a in arrays])

    def cos(u, v):
        return u @ v / np.linalg.norm(u) / np.linalg.norm(v)

    by_norm, _ = clipping.clip_by_global_norm(grads, 0.5)
    assert cos(flat(by_norm), flat(grads)) == pytest.approx(1.0, abs=1e-12)
    assert cos(flat(clipping.clip_by_value(grads, 0.5)), flat(grads)) < 0.99


@pytest.mark.parametrize("max_norm, scale", [(1.0, 5.0), (1.0, 0.01), (0.3, 1.0)])
def test_equals_tensorflow(max_norm, scale):
    from rnncourse.course.setup import quiet_tensorflow

    tf, _ = quiet_tensorflow()
    rng = np.random.default_rng(1)
    grads = [(scale * rng.standard_normal(shape)).astype(np.float32) for shape in [(4, 6), (6, 6), (6,)]]
    mine, norm = clipping.clip_by_global_norm(grads, max_norm)
    theirs, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    assert norm == pytest.approx(float(tf_norm), rel=1e-6)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-6, atol=1e-7)
    for a, b in zip(clipping.clip_by_value(grads, 0.5), grads):
        np.testing.assert_array_equal(a, tf.clip_by_value(b, -0.5, 0.5).numpy())


def test_equals_a_keras_optimizer_step_with_global_clipnorm():
    """SGD(global_clipnorm=c) takes the step -lr * clip_by_global_norm(grads, c)."""
    from rnncourse.course.setup import quiet_tensorflow

    tf, keras = quiet_tensorflow()
    rng = np.random.default_rng(2)
    start = [rng.standard_normal((3, 2)).astype(np.float32), rng.standard_normal(2).astype(np.float32)]
    grads = [(4 * rng.standard_normal(w.shape)).astype(np.float32) for w in start]
    variables = [tf.Variable(w) for w in start]
    keras.optimizers.SGD(0.1, global_clipnorm=1.0).apply_gradients(zip([tf.constant(g) for g in grads], variables))
    clipped, _ = clipping.clip_by_global_norm(grads, 1.0)
    for v, w, g in zip(variables, start, clipped):
        np.testing.assert_allclose(v.numpy(), w - 0.1 * g, rtol=1e-6, atol=1e-7)
