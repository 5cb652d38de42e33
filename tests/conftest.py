from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw without a display

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def keras_seeded():
    """TensorFlow imported quietly and Keras seeded, for the tests that build Keras models.

    Opt in with ``pytestmark = pytest.mark.usefixtures("keras_seeded")``; the numpy-only tests
    never import TensorFlow.
    """
    from rnncourse.course.setup import seed_everything
    seed_everything(0)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts without figures left open by the one before."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")
