from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _quiet_tensorflow():
    """Import TensorFlow quietly and seed it once per test worker."""
    from rnncourse.notebook import seed_everything
    seed_everything(0)
