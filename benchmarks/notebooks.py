"""Course execution benchmark: each solved notebook run once, top to bottom, and the total.

    python benchmarks/notebooks.py [UNIT ...] [--busy]    (part of make bench, with and without --busy)

Runs the masters one after the other in a fresh kernel each (nbclient, as JupyterLab's
"Restart and run all"), prints a table with each unit's slowest cell (what a lecturer waits for
when running the notebook live) and writes it to build/bench/notebooks.md. ``--busy`` keeps one
other process busy (a Python loop) the whole time, as on a laptop with something else running,
and writes build/bench/notebooks-busy.md.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import datetime

import nbformat
from nbclient import NotebookClient
from table import Table

from rnncourse.course import release


def cell_seconds(cell):
    """Seconds a code cell ran, from the timestamps nbclient records in its metadata."""
    times = cell.metadata.get("execution", {})
    start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() if start and end else 0.0


def run(unit):
    """``(seconds to run unit's master notebooks top to bottom, (seconds, index) of its slowest cell)``."""
    started = time.perf_counter()
    slowest = (0.0, None)
    with tempfile.TemporaryDirectory(prefix="rnncourse-bench-") as scratch:
        for path in sorted((release.ROOT / "solutions" / unit).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": scratch}}).execute()
            slowest = max([slowest] + [(cell_seconds(c), i) for i, c in enumerate(nb.cells) if c.cell_type == "code"])
    return time.perf_counter() - started, slowest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*", default=release.units())
    parser.add_argument("--busy", action="store_true", help="keep one other process busy while measuring")
    args = parser.parse_args()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy else None
    try:
        table = Table("notebooks-busy" if busy else "notebooks", "Each solved notebook run once, top to bottom"
                      + (", with one other process busy all the time:" if busy else ":"),
                      ["unit", "seconds", "slowest cell (index: seconds)"])
        total = 0.0
        for unit in args.units:
            seconds, (cell, index) = run(unit)
            total += seconds
            table.add(unit, f"{seconds:.1f}", f"{index}: {cell:.1f}")
        table.add("all", f"{total:.0f}", "")
        table.save()
    finally:
        if busy:
            busy.kill()


if __name__ == "__main__":
    main()
