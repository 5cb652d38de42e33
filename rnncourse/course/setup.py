"""The set-up every unit's first (locked) cell calls: quiet TensorFlow, seeds, plot defaults."""

import atexit
import contextlib
import gc
import io
import logging
import os
import platform
import random
import sys
import warnings
from importlib import metadata

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


@contextlib.contextmanager
def _collector_paused():
    """No garbage collection during the block, and what it made frozen after it (``gc.freeze``).

    For imports that stay for the process's life: TensorFlow's and Keras's make millions of
    objects, none of them garbage, and the collections that walked them took 0.6 s of the
    import's 2.3 s (nbgrader's: 0.13 s of 0.7 s). Frozen, later collections skip them too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _quiet_settings():
    """What must be set before TensorFlow's first import for it to write nothing to stderr."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # oneDNN reorders sums: results would differ run to run
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", module="keras")


_deferred_seed = None   # set by setup_notebook(tensorflow=False): the seed TensorFlow gets when it is imported


def quiet_tensorflow():
    """Import TensorFlow and Keras with nothing written to stderr; return ``(tf, keras)``.

    Safe to call many times. The environment variables only take effect before the first
    import, which is why every notebook calls :func:`setup_notebook` in its first cell. After
    ``setup_notebook(tensorflow=False)``, the call that imports TensorFlow also seeds it and
    Keras with the notebook's seed, leaving the states of ``random`` and numpy as they are.
    The first call freezes what is alive after the import for the garbage collector (see
    :func:`_collector_paused`).
    """
    global _deferred_seed
    import numpy as np

    first = "tensorflow" not in sys.modules
    # imported elsewhere first, TensorFlow stays as whoever imported it left it
    seed, _deferred_seed = (_deferred_seed if first else None), None
    if seed is not None:
        states = random.getstate(), np.random.get_state()   # before the import: importing Keras draws from `random`
    _quiet_settings()
    with _stderr_silenced(), _collector_paused() if first else contextlib.nullcontext():
        import keras
        import tensorflow as tf
    tf.get_logger().setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    if seed is not None:
        keras.utils.set_random_seed(seed)
        random.setstate(states[0])
        np.random.set_state(states[1])
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


def setup_notebook(seed=DEFAULT_SEED, tensorflow=True):
    """Prepare a course notebook: silence TensorFlow, seed everything, set plot defaults, and
    show failed checks as their message alone (:mod:`.feedback`).

    ``tensorflow=False`` (units whose exercises are numpy only) leaves TensorFlow unimported,
    which saves a notebook's start, and every graded run of it, about 2 s: ``random`` and
    numpy are seeded now, and :func:`quiet_tensorflow` seeds TensorFlow when a cell first
    needs it. Everything alive at the end of the set-up is then frozen for the garbage collector
    (``gc.freeze``): it is the kernel's for good, and collections, and the kernel's exit, no longer
    walk through it; at the kernel's exit, so is everything made since. Prints one line with the
    versions in use, which is the first thing to paste into a question on the course forum.
    """
    global _deferred_seed
    import numpy as np

    if tensorflow or "tensorflow" in sys.modules:
        seed_everything(seed)
    else:
        _quiet_settings()
        random.seed(seed)
        np.random.seed(seed)
        _deferred_seed = seed
    with _stderr_silenced(), _collector_paused():
        import matplotlib
        import matplotlib.pyplot as plt

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
    # What is imported now lives as long as the kernel: the garbage collector stops traversing it,
    # which shortens later collections and the kernel's exit (after a Keras unit: by about 2 s).
    # Objects made after this line are collected as usual while the kernel runs; when it exits,
    # they are frozen too (the process is ending: walking the graphs of every model the notebook
    # traced cost up to 1 s more, and Python does not promise to finalise them at exit anyway).
    gc.freeze()
    atexit.unregister(gc.freeze)                  # a set-up cell run twice registers it once
    atexit.register(gc.freeze)
    print(f"rnncourse {__version__} | Python {platform.python_version()} | numpy {np.__version__} | "
          f"TensorFlow {metadata.version('tensorflow')} | Keras {metadata.version('keras')} | "
          f"matplotlib {matplotlib.__version__} | seed {seed}")
