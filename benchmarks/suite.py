"""Test-suite benchmark: the wall time of ``make test`` as CI and a contributor meet it.

    python benchmarks/suite.py    (part of make bench; about twice the suite's time)

Clones the repository's committed HEAD into a scratch folder and runs ``make test`` there twice:
first from the fresh clone (creating .venv and installing the package: what CI pays), then again
with .venv present (what a contributor pays on a re-run). Prints both wall times, whether each
passed, and pytest's ten slowest tests of the second run; writes build/bench/suite.md.
"""

import re
import subprocess
import tempfile
import time
from pathlib import Path

from table import Table

from rnncourse.course import release


def make_test(clone):
    """``(seconds, passed?, pytest's output)`` of one ``make test`` in ``clone``."""
    started = time.perf_counter()
    done = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True)
    return time.perf_counter() - started, done.returncode == 0, done.stdout


def summary(output):
    """pytest's last line, e.g. ``1360 passed, 15 warnings in 659.34s (0:10:59)``."""
    lines = re.findall(r"^=+ (.* in [\d.]+s.*?) =+$", output, re.M)
    return lines[-1] if lines else "no pytest summary (see make test's output)"


def slowest(output):
    """pytest's ``--durations`` lines: ``[(seconds, test id)]``."""
    section = output.split("slowest 10 durations", 1)[-1]
    return [(float(s), name) for s, name in re.findall(r"^([\d.]+)s \w+\s+(\S+)$", section, re.M)]


def main():
    table = Table("suite", "make test on a clone of HEAD,", ["run", "seconds", "passed", "pytest"])
    with tempfile.TemporaryDirectory(prefix="rnncourse-suite-") as scratch:
        clone = Path(scratch) / "rnncourse"
        subprocess.run(["git", "clone", "--quiet", str(release.ROOT), str(clone)], check=True)
        for run in ("fresh clone (creates .venv, installs)", "again, .venv present"):
            seconds, passed, output = make_test(clone)
            table.add(run, f"{seconds:.0f}", "yes" if passed else "NO", summary(output))
    table.lines += ["", "Ten slowest tests of the second run:", "", "| seconds | test |", "| --- | --- |"]
    table.lines += [f"| {s:.1f} | `{name}` |" for s, name in slowest(output)]
    print("\n".join(table.lines[-12:]))
    table.save()


if __name__ == "__main__":
    main()
