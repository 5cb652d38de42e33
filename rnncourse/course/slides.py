"""Lecture slides: run each solved notebook and turn it into a reveal.js deck (``make slides``).

Slide breaks follow the headings: a ``##`` heading starts a new slide, a ``###`` heading a
sub-slide (reveal.js's vertical stack); every other cell continues the current slide. The same
breaks are written into the masters' cell metadata by ``make student`` (:func:`mark`), so a
lecturer can also present a solved notebook live in JupyterLab (RISE: the "Render as Slideshow"
button, or Alt-R), running its cells on the slides.

The decks work offline, opened straight from the file system: reveal.js and MathJax come from
``assets/`` beside them (copied from ``slides_assets/`` in this package, see its README) and
are referenced by relative paths; the template ``slides_template/offline_reveal`` loads nothing
from a CDN. Copy the output folder whole (decks and ``assets/``) to the lecture-hall machine.
"""

import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import ExecutePreprocessor

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "slides_assets"          # reveal.js and MathJax, copied next to the decks
TEMPLATES = HERE / "slides_template"     # offline_reveal: nbconvert's reveal template, all local


def slide_type(cell):
    """reveal.js role of a cell: 'slide', 'subslide' or '-' (continue the current slide)."""
    first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" else ""
    if first.startswith(("# ", "## ")):
        return "slide"
    return "subslide" if first.startswith("### ") else "-"


def mark(nb):
    """Write each cell's reveal.js role (:func:`slide_type`) into its ``slideshow`` metadata and
    RISE's options into the notebook's; return True if anything changed."""
    before = nbformat.writes(nb)
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": slide_type(cell)}
    nb.metadata["rise"] = {"scroll": True, "theme": "white", "transition": "none"}   # tall slides scroll
    return nbformat.writes(nb) != before


def copy_assets(out_dir):
    """Copy reveal.js and MathJax into ``out_dir/assets``; return that folder."""
    target = Path(out_dir) / "assets"
    shutil.copytree(ASSETS, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    return target


def exporter():
    """A SlidesExporter whose decks load reveal.js and MathJax from ``assets/`` beside them."""
    return SlidesExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline_reveal",
                          reveal_url_prefix="assets/reveal.js", reveal_theme="white", reveal_scroll=True)


def build(notebook, out_dir):
    """Execute ``notebook`` in its own folder and write ``<name>.slides.html`` (and ``assets/``)
    into ``out_dir``; return the deck's path."""
    notebook = Path(notebook)
    out_dir = Path(out_dir)
    nb = nbformat.read(notebook, as_version=4)
    mark(nb)
    ExecutePreprocessor(timeout=600).preprocess(nb, {"metadata": {"path": str(notebook.parent)}})
    html, _ = exporter().from_notebook_node(nb, resources={"reveal": {"assets": "assets"}})
    copy_assets(out_dir)
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


if __name__ == "__main__":
    from .release import ROOT
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "slides")
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        print(f"{path.relative_to(ROOT)} -> {build(path, out)}")
