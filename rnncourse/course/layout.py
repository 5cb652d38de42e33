"""Where the course lives: the repository folder and its units.

Kept free of heavy imports (nbformat, nbconvert), so that a notebook's scorecard can find the
master notebooks without waiting for them; :mod:`.release` re-exports both names.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def units(root=ROOT):
    """The unit folders of ``solutions/`` (the nbgrader assignment ids), sorted."""
    return sorted(p.name for p in (Path(root) / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
