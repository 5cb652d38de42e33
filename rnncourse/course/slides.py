"""Lecture slides: run each solved notebook and turn it into a reveal.js deck (``make slides``).

Slide breaks follow the headings: a ``##`` heading starts a new slide, a ``###`` heading a
sub-slide (reveal.js's vertical stack); every other cell continues the current slide. The
notebooks in ``solutions/`` are not modified.
"""

import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import ExecutePreprocessor

from .release import ROOT


def slide_type(cell):
    """reveal.js role of a cell: 'slide', 'subslide' or '-' (continue the current slide)."""
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
    if first.startswith(("# ", "## ")):
        return "slide"
    return "subslide" if first.startswith("### ") else "-"


def build(notebook, out_dir):
    """Execute ``notebook`` in its own folder and write ``<name>.slides.html`` into ``out_dir``."""
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    ExecutePreprocessor(timeout=600).preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    html, _ = SlidesExporter(reveal_scroll=True).from_notebook_node(nb)
    target = Path(out_dir) / f"{notebook.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "slides")
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        print(f"{path.relative_to(ROOT)} -> {build(path, out)}")
