"""Course execution benchmark: each solved notebook run once, top to bottom, and the total.

    python benchmarks/notebooks.py [UNIT ...]    (part of make bench)

Runs the masters one after the other in a fresh kernel each (nbclient, as JupyterLab's
"Restart and run all"), prints a table and writes it to build/bench/notebooks.md.
"""

import argparse
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from table import Table

from rnncourse.course import release


def run(unit):
    """Seconds to run ``unit``'s master notebooks top to bottom."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rnncourse-bench-") as scratch:
        for path in sorted((release.ROOT / "solutions" / unit).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*", default=release.units())
    args = parser.parse_args()
    table = Table("notebooks", "Each solved notebook run once, top to bottom:", ["unit", "seconds"])
    total = 0.0
    for unit in args.units:
        seconds = run(unit)
        total += seconds
        table.add(unit, f"{seconds:.1f}")
    table.add("all", f"{total:.0f}")
    table.save()


if __name__ == "__main__":
    main()
