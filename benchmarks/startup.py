"""Start-up benchmark: what a learner waits for before the first check answers.

    python benchmarks/startup.py [--repeat 5]    (part of make bench)

Each line is measured in a fresh Python process, ``--repeat`` times (the median is shown):
``import rnncourse`` plus one numpy-only check (unit 00's visible test on a correct answer), and
whether TensorFlow was imported along the way; ``import tensorflow`` alone, the floor of every
Keras unit; the set-up cell of a Keras unit (``setup_notebook()``, which imports and seeds
TensorFlow) and of a numpy unit, 00 or 04 (``setup_notebook(tensorflow=False)``). Writes
build/bench/startup.md.
"""

import argparse
import json
import statistics
import subprocess
import sys

from table import Table

PROBES = {
    "import rnncourse + one numpy check (unit 00's visible test)": """
import numpy as np
import rnncourse
from rnncourse.checks import welcome
def one_hot_encode(indices, depth):
    indices = np.asarray(indices)
    out = np.zeros(indices.shape + (depth,))
    np.put_along_axis(out, indices[..., None], 1.0, axis=-1)
    return out
welcome.check_one_hot_encode_basic(one_hot_encode)
""",
    "import tensorflow (the floor of a Keras unit)": "import tensorflow",
    "set-up cell of a Keras unit: setup_notebook()": """
from rnncourse.course import setup_notebook
setup_notebook()
""",
    "set-up cell of a numpy unit (00, 04): setup_notebook(tensorflow=False)": """
from rnncourse.course import setup_notebook
setup_notebook(tensorflow=False)
""",
}
TIMED = """
import sys, time, json
started = time.perf_counter()
exec({code!r})
print(json.dumps([time.perf_counter() - started, "tensorflow" in sys.modules]))
"""


def probe(code):
    """``(seconds, TensorFlow imported?)`` for ``code`` run in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", TIMED.format(code=code)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    table = Table("startup", f"Start-up, each in a fresh process (median of {args.repeat}),",
                  ["what", "seconds", "TensorFlow imported"])
    for what, code in PROBES.items():
        runs = [probe(code) for _ in range(args.repeat)]
        table.add(what, f"{statistics.median(s for s, _ in runs):.2f}", "yes" if runs[0][1] else "no")
    table.save()


if __name__ == "__main__":
    main()
