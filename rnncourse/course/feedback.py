"""A failing check shows its message alone, not a traceback through ``rnncourse/checks``.

:func:`setup_notebook` installs :func:`brief_failure` as IPython's handler for
:class:`~rnncourse.checks.harness.CheckFailure`. The cell still ends in an error (its output has
``output_type == "error"``), so nbgrader scores it zero exactly as before; only the text the
learner reads is shorter. Every other exception keeps IPython's full traceback.
"""

from ..checks.harness import CheckFailure

RED, BOLD, RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


def failure_lines(error):
    """The lines shown for a failed check ``error``: a header, then its message."""
    return [f"{RED}{BOLD}Check failed{RESET}{RED} ({type(error).__name__}){RESET}", str(error)]


def brief_failure(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler (see ``InteractiveShell.set_custom_exc``).

    IPython leaves the display to the handler: ``_showtraceback`` is the step of its own
    ``showtraceback`` that publishes an error (ipykernel sends it as the cell's error output).
    """
    lines = failure_lines(value)
    shell._showtraceback(etype, value, lines)
    return lines


def install(shell):
    """Show failed checks briefly in the IPython ``shell``; a no-op outside IPython (``shell`` None)."""
    if shell is not None:
        shell.set_custom_exc((CheckFailure,), brief_failure)
