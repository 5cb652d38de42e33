"""A failing check shows the learner its message alone, and the cell still ends in an error
(which is what nbgrader scores zero); any other exception keeps its full traceback."""

import nbformat
from nbclient import NotebookClient

from rnncourse.course.feedback import failure_lines

CELLS = [
    "from rnncourse.course import setup_notebook\nsetup_notebook()",
    "from rnncourse.checks import welcome\nwelcome.check_one_hot_encode_basic(lambda indices, depth: indices)",
    "def broken():\n    return 1 / 0\nbroken()",
]


def run(cells, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def error_of(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0]


def test_a_failed_check_shows_its_message_alone(tmp_path):
    nb = run(CELLS, tmp_path)
    check, other = error_of(nb.cells[1]), error_of(nb.cells[2])
    assert check.ename == "CheckFailure"
    shown = "\n".join(check.traceback)
    assert len(shown.splitlines()) <= 1 + len(check.evalue.splitlines()), shown
    assert check.evalue in shown and "rnncourse/checks" not in shown and "Traceback" not in shown
    assert other.ename == "ZeroDivisionError"
    assert "broken()" in "\n".join(other.traceback), "other errors keep IPython's traceback"


def test_the_lines_name_the_failure():
    from rnncourse.checks.harness import NotWritten
    header, message = failure_lines(NotWritten("`f` is not written yet", "f"))
    assert "Check failed" in header and "NotWritten" in header and message == "`f` is not written yet"
