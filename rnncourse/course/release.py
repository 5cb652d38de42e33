"""Student copies: run ``nbgrader generate_assignment`` on ``solutions/`` in a scratch course folder.

``python -m rnncourse.course.release [unit ...]`` (``make student``) rewrites ``notebooks/`` from ``solutions/``;
the test suite calls :func:`generate` to check that the committed copies are up to date.
Working in a scratch folder keeps the repository free of ``gradebook.db`` and nbgrader's folders.
"""

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from . import slides
from .layout import ROOT, units

# `python -m nbgrader`, minus about 1.5 s per command: jsonschema imports the optional IRI checker
# rfc3987-syntax when it is installed (jupyter-events installs it), which builds a parser at import.
# No schema nbgrader or nbformat validates with has an IRI format, so nbgrader's processes do without.
# The garbage collector waits for the end of the import and then skips what it made (0.13 s less): what
# setup._collector_paused does, written out because importing rnncourse here would import numpy too.
NBGRADER = ("import gc, sys; sys.modules['rfc3987_syntax'] = None; sys.argv[0] = 'nbgrader'; gc.disable(); "
            "from nbgrader.apps.nbgraderapp import main; gc.freeze(); gc.enable(); main()")


def nbgrader(course, *args, check=True, timeout=None):
    """Run an nbgrader command in the course folder ``course``; return the finished process.

    With ``check`` a failure raises with nbgrader's log; ``timeout`` (seconds) raises
    ``subprocess.TimeoutExpired``.
    """
    # nbgrader runs `alembic` (its database migrations) from PATH: put this Python's scripts first.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run([sys.executable, "-c", NBGRADER, *args, "--log-level=WARN"], cwd=course,
                          capture_output=True, text=True, env={**os.environ, "PATH": path}, timeout=timeout)
    if check and done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course}:\n{done.stdout}\n{done.stderr}")
    return done


@functools.cache
def _new_gradebook(root):
    """The bytes of the empty gradebook nbgrader makes for a course configured as ``root`` is.

    Made once per process: to create a gradebook nbgrader runs `alembic heads` in a process of
    its own (about 2.5 s), so each scratch course starts from a copy of this one instead.
    """
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(Path(root) / "nbgrader_config.py", scratch)
        nbgrader(scratch, "db", "student", "list")
        return (Path(scratch) / "gradebook.db").read_bytes()


def make_course(course, unit, root=ROOT):
    """Lay out a scratch course folder with the repo's config and one unit's master notebooks."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(root) / "nbgrader_config.py", course)
    if not (course / "gradebook.db").exists():
        (course / "gradebook.db").write_bytes(_new_gradebook(Path(root)))
    shutil.copytree(Path(root) / "solutions" / unit, course / "solutions" / unit, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader(course, "generate_assignment", unit, "--force")
    return course / "notebooks" / unit


def master_answers(unit, root=ROOT):
    """``{grade_id: source}`` of the master's answer cells, as a student would hand them in
    (the ``### BEGIN/END SOLUTION`` marker lines removed)."""
    master = nbformat.read(Path(root) / "solutions" / unit / f"{unit}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: "\n".join(s for s in c.source.splitlines() if "SOLUTION" not in s)
            for c in master.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def answered(released, answers):
    """The released notebook at path ``released`` with ``answers`` ``{grade_id: source}`` in its
    answer cells (the others left blank): a NotebookNode."""
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def mark_slides(unit, root=ROOT):
    """Write the slide breaks (:func:`rnncourse.course.slides.mark`) into ``unit``'s masters."""
    for path in sorted((Path(root) / "solutions" / unit).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if slides.mark(nb):
            nbformat.write(nb, path)


def generate(out_dir, root=ROOT, only=()):
    """Write the student copy of every unit (or of the units in ``only``) into ``out_dir/<unit>/``,
    after writing the slide breaks into its masters."""
    out_dir = Path(out_dir)
    for unit in only or units(root):
        mark_slides(unit, root)
        with tempfile.TemporaryDirectory() as scratch:
            released = make_course(scratch, unit, root)
            shutil.rmtree(out_dir / unit, ignore_errors=True)
            shutil.copytree(released, out_dir / unit)
            print(f"{unit}: {', '.join(sorted(p.name for p in (out_dir / unit).iterdir()))}")


if __name__ == "__main__":
    generate(ROOT / "notebooks", only=sys.argv[1:])
