"""The set-up every unit's first (locked) cell calls: quiet TensorFlow, seeds, plot defaults."""

import contextlib
import io
import logging
import os
import platform
import sys
import warnings

from . import feedback

DEFAULT_SEED = 0


@contextlib.contextmanager
def _stderr_silenced():
    """Discard everything written to stderr during the block, by Python or by C++.

    TensorFlow's C++ start-up lines ("Could not find cuda drivers", absl's warning) go straight
    to file descriptor 2; matplotlib's one-time "building the font cache" goes to ``sys.stderr``.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        with contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_tensorflow():
    """Import TensorFlow and Keras with nothing written to stderr; return ``(tf, keras)``.

    Safe to call many times. The environment variables only take effect before the first
    import, which is why every notebook calls :func:`setup_notebook` in its first cell.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # oneDNN reorders sums: results would differ run to run
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", module="keras")
    with _stderr_silenced():
        import keras
        import tensorflow as tf
    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    return tf, keras


def seed_everything(seed=DEFAULT_SEED):
    """Seed Python's ``random``, numpy's global generator and the Keras/TensorFlow backend."""
    _, keras = quiet_tensorflow()
    keras.utils.set_random_seed(seed)


def _ipython():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def setup_notebook(seed=DEFAULT_SEED):
    """Prepare a course notebook: silence TensorFlow, seed everything, set plot defaults, and
    show failed checks as their message alone (:mod:`.feedback`).

    Prints one line with the versions in use, which is the first thing to paste into a
    question on the course forum.
    """
    tf, keras = quiet_tensorflow()
    seed_everything(seed)
    with _stderr_silenced():
        import matplotlib
        import matplotlib.pyplot as plt
    import numpy as np

    from .. import __version__

    plt.rcParams.update({
        "figure.figsize": (7, 3.5),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })
    np.set_printoptions(precision=4, suppress=True)
    feedback.install(_ipython())
    print(f"rnncourse {__version__} | Python {platform.python_version()} | numpy {np.__version__} | "
          f"TensorFlow {tf.__version__} | Keras {keras.__version__} | matplotlib {matplotlib.__version__} | "
          f"seed {seed}")
