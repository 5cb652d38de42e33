"""Course tooling: the notebooks' set-up cell, student copies (release) and slides.

Only the set-up is imported here; ``rnncourse.course.release`` and ``rnncourse.course.slides``
are command-line tools (``make student``, ``make slides``).
"""

from .setup import quiet_tensorflow, seed_everything, setup_notebook
