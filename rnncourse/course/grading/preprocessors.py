"""The grading steps added to nbgrader's own pipeline (``nbgrader_config.py`` lists them).

Sanitising (before the notebook runs): :class:`NormaliseCells` puts deleted graded cells back
and resolves copied ones; :class:`EnforcePolicy` replaces every student cell that breaks the
policy (:mod:`.policy`) by a note, so it never runs; :class:`SkipDemonstrations` leaves out the
cells that only demonstrate, and the self-study scorecard. Autograding (after it ran):
:class:`ReportPolicy` writes the reason into the test cells of an exercise whose answer was not
run, so they score zero and say why; :class:`LimitOutputSize` trims huge outputs. Feedback:
:class:`HidePaths` keeps the grader's folders out of what students get back.
"""

import copy
import functools
import re
import sys
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from ..scorecard import SCORECARD_ID
from .normalise import grade_id, normalise_cells, tested_exercise
from .policy import notebook_verdicts

NOT_RUN = ("# Not run by the grader (rnncourse grading policy): {reasons}.\n"
           "# Your code is kept in your submitted notebook.\n")
SKIPPED = "# Not run by the grader: a demonstration (or the self-study scorecard); no graded cell depends on it.\n"


def _notes(nb):
    return nb.metadata.setdefault("rnncourse", {}).setdefault("notes", [])


def release_notebook(config, resources):
    """The released copy of the notebook being graded (what the students were given); a fresh copy
    each call, read from disk once per file version by the three steps that need it."""
    info = resources["nbgrader"]
    coursedir = CourseDirectory(config=config)
    folder = Path(coursedir.format_path(coursedir.release_directory, ".", info["assignment"]))
    path = folder / f"{info['notebook']}.ipynb"
    return copy.deepcopy(_read_release(path.resolve(), path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=8)
def _read_release(path, version):
    return nbformat.read(path, as_version=4)


class NormaliseCells(NbGraderPreprocessor):
    """Deleted graded cells restored, copied ones resolved (:func:`.normalise.normalise_cells`)."""

    def preprocess(self, nb, resources):
        notes = normalise_cells(nb, release_notebook(self.config, resources))   # drops the student's own notes first
        _notes(nb).extend(notes)
        return nb, resources


class EnforcePolicy(NbGraderPreprocessor):
    """Student cells that break the policy are replaced by a note before anything runs."""

    def preprocess(self, nb, resources):
        for index, (exercise, reasons) in notebook_verdicts(nb, release_notebook(self.config, resources)).items():
            cell = nb.cells[index]
            stated = "; ".join(reasons)
            cell.source = NOT_RUN.format(reasons=stated) + "\n".join(f"#   {line}" for line in cell.source.splitlines())
            cell.metadata.setdefault("rnncourse", {})["policy"] = {"exercise": exercise, "reasons": reasons}
            where = f"the answer to `{exercise}`" if exercise else f"cell {index}"
            _notes(nb).append(f"{where} was not run: {stated}")
        return nb, resources


# locked cells that no graded cell depends on: the scorecard, and unit 00's environment check (it
# tests the learner's installation, not the answer, and would import TensorFlow for nothing)
UNGRADED_LOCKED = (SCORECARD_ID, "check_environment")


def skipped_when_graded(cell):
    """Whether the grader empties this cell of the release: a demonstration (a code cell with no
    nbgrader role) or one of the :data:`UNGRADED_LOCKED` cells."""
    meta = cell.metadata.get("nbgrader")
    return cell.cell_type == "code" and (not meta or meta.get("grade_id") in UNGRADED_LOCKED)


class SkipDemonstrations(NbGraderPreprocessor):
    """Only what is graded runs: the release's demonstration cells, its scorecard and its environment
    check are emptied.

    A demonstration is a code cell of the release without nbgrader metadata (training runs,
    timings, figures); the tests never depend on one (the suite proves it on every master). A
    student's cell is skipped only if it has the id of such a release cell and no nbgrader role
    of its own (or the id of an UNGRADED_LOCKED cell, ungraded), so a test, answer or set-up cell given a skipped
    cell's id still runs, and the cells a student added (helpers for an answer) run as before.
    """

    def preprocess(self, nb, resources):
        skipped = {cell.get("id"): cell.source for cell in release_notebook(self.config, resources).cells
                   if skipped_when_graded(cell)}
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            plain = meta.get("grade_id") in (None, *UNGRADED_LOCKED) and not (meta.get("grade") or meta.get("solution"))
            if cell.cell_type == "code" and cell.get("id") in skipped and plain:
                if cell.source != skipped[cell.get("id")]:
                    _notes(nb).append(f"cell {index} (a demonstration) was changed by the student and not run: "
                                      "code an answer needs belongs in the answer cell or a new cell")
                cell.source = SKIPPED
        return nb, resources


class ReportPolicy(NbGraderPreprocessor):
    """The test cells of an exercise whose answer was not run fail, with the reason."""

    def preprocess(self, nb, resources):
        reasons = {}
        for cell in nb.cells:
            verdict = cell.metadata.get("rnncourse", {}).get("policy")
            if verdict and verdict["exercise"]:
                reasons.setdefault(verdict["exercise"], []).extend(verdict["reasons"])
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            is_test = meta.get("grade") and not meta.get("solution")
            exercise = tested_exercise(grade_id(cell), reasons) if is_test else None
            if exercise is not None:
                message = (f"the answer to `{exercise}` was not run, because "
                           f"{'; '.join(dict.fromkeys(reasons[exercise]))}")
                cell.outputs = [nbformat.v4.new_output("error", ename="GradingPolicy", evalue=message,
                                                       traceback=[f"GradingPolicy: {message}"])]
        return nb, resources


class LimitOutputSize(NbGraderPreprocessor):
    """Every text output cut to ``max_characters``, so a flood of output cannot bloat the grade files."""

    max_characters = Integer(20_000, help="Characters kept of each output's text.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if isinstance(output.get("text"), str) and len(output.text) > self.max_characters:
                output.text = output.text[:self.max_characters] + "\n... output cut by the grader ...\n"
            data = output.get("data", {})
            for kind, value in data.items():
                if isinstance(value, str) and len(value) > self.max_characters:
                    data[kind] = value[:self.max_characters] + "\n... output cut by the grader ..."
        return cell, resources


class HidePaths(NbGraderPreprocessor):
    """Absolute paths of the grader's machine replaced in feedback (``<python>``, ``<course>``)."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output:
                output.text = hide_paths(output.text)
            if "traceback" in output:
                output.traceback = [hide_paths(line) for line in output.traceback]
            if "evalue" in output:
                output.evalue = hide_paths(output.evalue)
        return cell, resources


def hide_paths(text):
    for path, shown in ((sys.prefix, "<python>"), (sys.base_prefix, "<python>"), (str(Path.cwd()), "<course>")):
        text = text.replace(path, shown)
    return re.sub(r"/tmp/rnncourse-sandbox-\w+", "<sandbox>", text)
