import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests draw without a display
# Each worker imports nbformat, whose jsonschema would build the optional IRI checker's parser (about
# 1 s); no schema here uses it. rnncourse.course.release.NBGRADER does the same for nbgrader's processes.
sys.modules.setdefault("rfc3987_syntax", None)

ROOT = Path(__file__).resolve().parent.parent


# Test modules whose tests are independent and long (a unit each): spread over the workers test by test.
SPREAD = ("tests/test_notebooks.py", "tests/test_own_work.py")


# The longest scopes (measured with --durations), handed out first: a long one started last would
# keep one worker busy while the other idles. Other modules keep their order, after these.
LONGEST_FIRST = ("tests/test_hostile.py", "tests/test_notebooks.py", "tests/test_class.py", "tests/test_browser.py",
                 "tests/test_hub.py")


def pytest_collection_modifyitems(items):
    def rank(position_item):
        position, item = position_item
        module = item.nodeid.split("::", 1)[0]
        first = LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)
        # the units of a spread module, last unit first: the later units (06-09) train the most
        return first, -position if module in SPREAD else 0

    # stable: within a module (or a unit) the tests keep their order
    items[:] = [item for _, item in sorted(enumerate(items), key=rank)]


def pytest_xdist_make_scheduler(config, log):
    """With ``-n``: every other module runs whole on one worker, so a module-scoped fixture (the
    hostile batch, the class, the browser's server, trained models) is built once, not on each
    worker that gets one of its tests (xdist 3.8's ``loadgroup`` marks did not group here)."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return nodeid if nodeid.startswith(SPREAD) else nodeid.split("::", 1)[0]

    config.option.loadscopereorder = False   # keep the order above (xdist would put the scopes with most tests first)
    return ModuleScheduling(config, log)


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
