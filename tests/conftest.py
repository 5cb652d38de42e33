from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw without a display

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _quiet_tensorflow():
    """Import TensorFlow quietly and seed it once per test worker."""
    from rnncourse.course.setup import seed_everything
    seed_everything(0)


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts without figures left open by the one before."""
    yield
    import matplotlib.pyplot as plt
    plt.close("all")
