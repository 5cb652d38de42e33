"""Course tooling: the notebooks' set-up cell and scorecard, student copies (release) and slides.

Only what notebooks call is imported here; ``rnncourse.course.release`` and
``rnncourse.course.slides`` are command-line tools (``make student``, ``make slides``).
"""

from .scorecard import run_scorecard
from .setup import quiet_tensorflow, seed_everything, setup_notebook
