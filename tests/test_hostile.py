"""Hostile submissions of 04_bptt graded in one batch, through the real grading path.

One scratch course; every submission below is written as a student could write it; then
``grade_class`` (what ``python -m rnncourse.course.grading`` runs) grades them all once: the
normaliser, ``nbgrader autograde`` with the policy and the sandbox of ``nbgrader_config.py``.
Each submission must get what it deserves, whatever came before it in the batch; no process
may survive; the gradebook and the installed package must be intact.
"""

import csv
import hashlib
import inspect
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from rnncourse.course import release
from rnncourse.course.grading import batch, sandbox
from rnncourse.reference import bptt

pytestmark = pytest.mark.skipif(sandbox.sandbox_tool() is None,
                                reason="bubblewrap (`bwrap`) is not installed: the grading sandbox cannot run")

UNIT = "04_bptt"
FULL = 11               # autograded points of 04_bptt
INDEPENDENT = 5         # numerical_gradient's and temporal_softmax_loss's tests, when rnn_step_backward
                        # (and so rnn_backward) fails
PACKAGE = Path(release.ROOT) / "rnncourse"
SITE_CUSTOMIZE = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / \
    "site-packages" / "sitecustomize.py"


def solved(course):
    """The student copy with every answer cell filled in with the master's answer."""
    return release.answered(course / "notebooks" / UNIT / f"{UNIT}.ipynb", release.master_answers(UNIT))


def blank(course):
    return nbformat.read(course / "notebooks" / UNIT / f"{UNIT}.ipynb", as_version=4)


def index_of(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def add_cell(nb, after, source):
    nb.cells.insert(index_of(nb, after) + 1, nbformat.v4.new_code_cell(source))
    return nb


def set_answer(nb, gid, source):
    nb.cells[index_of(nb, gid)].source = source
    return nb


CORRECT_STEP = """def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)
"""

# the package's reference, pasted with its names changed: legal code, but the similarity report shows it
PASTED = inspect.getsource(bptt.rnn_step_backward).replace("dnext_h", "upstream").replace("cache", "saved")

NO_OP_CHECKS = """for _n in dir(_c):
    if _n.startswith("check_"):
        setattr(_c, _n, lambda *a, **k: None)
"""


def detached(code):
    """A cell that starts ``code`` in a Python process of its own, meant to outlive the kernel."""
    return f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {code!r}], start_new_session=True)\n"


def submissions(course):
    """``{student: (files written into submitted/<student>/04_bptt, points deserved)}``."""
    gradebook = str(course / "gradebook.db")
    cases = {
        "correct": (solved(course), FULL),
        "blank": (blank(course), 0),
        "a_setattr_checks": (add_cell(blank(course), "import_checks",
                                      "import rnncourse.checks.bptt as _c\n" + NO_OP_CHECKS), 0),
        "a_pass_object": (add_cell(blank(course), "import_checks",
                                   "class _Pass:\n    def __getattr__(self, name):\n"
                                   "        return lambda *a, **k: None\n\n\ncheck = _Pass()\n"), 0),
        "a_import_hook": (set_answer(blank(course), "rnn_step_backward",
                                     "import builtins\n_real = builtins.__import__\n\n\n"
                                     "def _hook(name, *args, **kwargs):\n"
                                     "    _c = _real(name, *args, **kwargs)\n"
                                     + "    " + NO_OP_CHECKS.replace("\n", "\n    ")
                                     + "return _c\n\n\nbuiltins.__import__ = _hook\n"), 0),
        "a_edit_package": (set_answer(blank(course), "rnn_step_backward",
                                      "import rnncourse.checks.bptt as _c\nwith open(_c.__file__, 'a') as f:\n"
                                      "    f.write('\\ncheck_rnn_step_backward_basic = lambda fn: None\\n')\n"), 0),
        "a_sitecustomize": (add_cell(blank(course), "imports",
                                     f"open({str(SITE_CUSTOMIZE)!r}, 'w').write('import os\\n')\n"), 0),
        "a_gradebook_writer": (add_cell(blank(course), "imports",
                                        detached(f"import sqlite3, time; time.sleep(3); "
                                                 f"db = sqlite3.connect({gradebook!r}); "
                                                 "db.execute('update grade set auto_score = max_score'); "
                                                 "db.commit()")), 0),
        "a_gradebook_lock": (add_cell(blank(course), "imports",
                                      detached(f"import sqlite3, time; db = sqlite3.connect({gradebook!r}, "
                                               "isolation_level=None); db.execute('BEGIN EXCLUSIVE'); "
                                               "time.sleep(600)")),
                             0),
        "a_kill_grader": (add_cell(blank(course), "imports",
                                   "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"), 0),
        "ref_importlib": (set_answer(solved(course), "rnn_step_backward",
                                     "def rnn_step_backward(dnext_h, cache):\n    import importlib\n"
                                     "    module = importlib.import_module('rnncourse.reference.' + 'bptt')\n"
                                     "    return getattr(module, 'rnn_step_backward')(dnext_h, cache)\n"),
                          INDEPENDENT),
        "ref_dunder_import": (set_answer(solved(course), "rnn_step_backward",
                                         "def rnn_step_backward(dnext_h, cache):\n"
                                         "    bptt = __import__('rnncourse.reference.bptt', fromlist=['x'])\n"
                                         "    return bptt.rnn_step_backward(dnext_h, cache)\n"), INDEPENDENT),
        "ref_exec_source": (set_answer(solved(course), "rnn_step_backward",
                                       "import inspect\nfrom rnncourse.reference import bptt\n"
                                       "exec(inspect.getsource(bptt.rnn_step_backward))\n"), INDEPENDENT),
        "ref_default_argument": (set_answer(solved(course), "rnn_step_backward",
                                            "def rnn_step_backward(dnext_h, cache, _f=reference.rnn_step_backward):\n"
                                            "    return _f(dnext_h, cache)\n"), INDEPENDENT),
        "ref_partial": (set_answer(solved(course), "rnn_step_backward",
                                   "import functools\n"
                                   "rnn_step_backward = functools.partial(reference.rnn_step_backward)\n"),
                        INDEPENDENT),
        "endless_loop": (set_answer(solved(course), "rnn_step_backward",
                                    CORRECT_STEP.replace("    x, prev", "    while True:\n        pass\n    x, prev")),
                         INDEPENDENT),
        "memory_hog": (add_cell(solved(course), "imports",
                                "import numpy as np\nblocks = []\ntry:\n    for _ in range(30):\n"
                                "        blocks.append(np.empty(2 ** 30, dtype=np.uint8))\nfinally:\n"
                                "    blocks.clear()\n"), FULL),
        "print_flood": (add_cell(solved(course), "imports", "print('x' * 100_000_000)\n"), FULL),
        "noisy_but_right": (set_answer(solved(course), "rnn_step_backward",
                                       "import sys\nimport warnings\n\n\n" + CORRECT_STEP.replace(
                                           "    x, prev", "    warnings.warn('just checking', RuntimeWarning)\n"
                                           "    print('debug: called', file=sys.stderr)\n    x, prev")), FULL),
        "pasted_reference": (set_answer(solved(course), "rnn_step_backward", PASTED), FULL),
        "zz_blank_after_attacks": (blank(course), 0),
    }
    files = {student: ({f"{UNIT}.ipynb": nbformat.writes(nb)}, points) for student, (nb, points) in cases.items()}

    deleted = solved(course)   # every test cell and the checks import gone (the first test cell follows it)
    meta = [c.metadata.get("nbgrader", {}) for c in deleted.cells]
    deleted.cells = [c for c, m in zip(deleted.cells, meta)
                     if not (m.get("grade") or m.get("grade_id") == "import_checks")]
    files["deleted_tests"] = ({f"{UNIT}.ipynb": nbformat.writes(deleted)}, FULL)
    copied = solved(course)    # an answer cell and a test cell pasted a second time (same grade_id)
    for gid in ("rnn_step_backward", "test_rnn_backward_basic"):
        i = index_of(copied, gid)
        twin = nbformat.from_dict(json.loads(json.dumps(copied.cells[i])))
        twin.id = f"{twin.get('id', 'cell')}-copy"
        copied.cells.insert(i + 1, twin)
    files["copied_cells"] = ({f"{UNIT}.ipynb": nbformat.writes(copied)}, FULL)
    disguised = blank(course)  # test cells posing as cells the grader skips (the scorecard, demonstrations)
    demo_ids = [c.id for c in disguised.cells if c.cell_type == "code" and not c.metadata.get("nbgrader")]
    tests = [c for c in disguised.cells if c.metadata.get("nbgrader", {}).get("grade")
             and not c.metadata["nbgrader"].get("solution")]
    tests[0].metadata["nbgrader"]["grade_id"] = "scorecard"
    for cell, demo_id in zip(tests[1:], demo_ids):
        cell.id = demo_id
    files["a_disguised_tests"] = ({f"{UNIT}.ipynb": nbformat.writes(disguised)}, 0)
    hidden_copy = set_answer(solved(course), "rnn_step_backward", PASTED)   # a blank second copy at the end
    hidden_copy.cells.append(nbformat.from_dict(json.loads(json.dumps(blank(course).cells[index_of(
        blank(course), "rnn_step_backward")]))))
    hidden_copy.cells[-1].id = "pasted-copy"
    files["pasted_then_blank_copy"] = ({f"{UNIT}.ipynb": nbformat.writes(hidden_copy)}, FULL)
    fake_notes = blank(course)                    # grader metadata written by the student (it broke the batch)
    fake_notes.metadata["rnncourse"] = {"notes": [0, "=HYPERLINK(\"x\")"]}
    fake_notes.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"solution": True,
                                                                                       "grade_id": ["x"]}}))
    files["a_fake_metadata"] = ({f"{UNIT}.ipynb": nbformat.writes(fake_notes)}, 0)
    files["renamed_by_lms"] = ({f"{UNIT} (1).ipynb": nbformat.writes(solved(course))}, FULL)
    files["invalid_json"] = ({f"{UNIT}.ipynb": '{"cells": [ this is not json'}, 0)
    files["a_shadow_package"] = ({f"{UNIT}.ipynb": nbformat.writes(blank(course)),
                                  "rnncourse/__init__.py": "",
                                  "rnncourse/checks/__init__.py": "",
                                  "rnncourse/checks/bptt.py": "def __getattr__(name):\n"
                                                              "    return lambda *a, **k: None\n"},
                                 0)
    return files


def _fingerprint():
    files = sorted(p for p in PACKAGE.rglob("*.py"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest(), SITE_CUSTOMIZE.exists()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("hostile")
    release.make_course(course, UNIT)
    (course / "nbgrader_config.py").write_text((course / "nbgrader_config.py").read_text()
                                               + "\nc.SandboxedExecute.answer_timeout = 5\n")
    cases = submissions(course)
    for student, (files, _) in cases.items():
        for name, text in files.items():
            path = course / "submitted" / student / UNIT / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    before = _fingerprint()
    rows = {row["student"]: row for row in batch.grade_class(course, UNIT, workers=2)}
    return {"course": course, "cases": cases, "rows": rows, "before": before, "after": _fingerprint()}


STUDENTS = ["correct", "blank", "a_setattr_checks", "a_pass_object", "a_import_hook", "a_edit_package",
            "a_sitecustomize", "a_gradebook_writer", "a_gradebook_lock", "a_kill_grader", "ref_importlib",
            "ref_dunder_import", "ref_exec_source", "ref_default_argument", "ref_partial", "endless_loop",
            "memory_hog", "print_flood", "noisy_but_right", "zz_blank_after_attacks", "deleted_tests",
            "copied_cells", "renamed_by_lms", "invalid_json", "a_shadow_package", "pasted_reference",
            "a_disguised_tests", "pasted_then_blank_copy", "a_fake_metadata"]


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_what_it_deserves(graded, student):
    row, (_, deserved) = graded["rows"][student], graded["cases"][student]
    assert (row["autograded"], row["autograded_max"]) == (deserved, FULL), row


def test_the_batch_graded_everyone_and_left_the_system_as_it_was(graded):
    assert set(graded["rows"]) == set(graded["cases"]) == set(STUDENTS)
    assert graded["after"] == graded["before"], "a submission changed the installed package or site-packages"
    with sqlite3.connect(graded["course"] / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("select count(*) from submitted_assignment").fetchone() == (len(graded["cases"]),)
    survivors = subprocess.run(["pgrep", "-f", "time.sleep|sqlite3.connect"], capture_output=True, text=True)
    assert survivors.stdout == "", f"processes started by submissions survived: {survivors.stdout}"


def test_the_summary_says_what_happened(graded):
    notes = {student: row["notes"] for student, row in graded["rows"].items()}
    assert "was not run" in notes["a_setattr_checks"] and "setattr" in notes["a_setattr_checks"]
    assert "04_bptt (1).ipynb was graded as 04_bptt.ipynb" in notes["renamed_by_lms"]
    assert "put back from the release" in notes["deleted_tests"]
    assert "appears twice" in notes["copied_cells"]
    assert "could not be read" in notes["invalid_json"]
    assert "not graded" in notes["a_shadow_package"] and "rnncourse" in notes["a_shadow_package"]
    assert "time limit" in notes["endless_loop"]
    summary = (graded["course"] / "reports" / UNIT / "summary.csv").read_text()
    assert summary.count("\n") == len(graded["cases"]) + 1


def test_pasted_references_and_shared_answers_are_listed_for_review(graded):
    with open(graded["course"] / "reports" / UNIT / "similarity.csv") as f:
        flagged = {(row["exercise"], row["student"], row["similar_to"]) for row in csv.DictReader(f)}
    assert ("rnn_step_backward", "pasted_reference", "rnncourse.reference.bptt.rnn_step_backward") in flagged
    assert ("rnn_step_backward", "pasted_then_blank_copy", "rnncourse.reference.bptt.rnn_step_backward") in flagged
    assert ("rnn_backward", "correct", "solutions/04_bptt") in flagged          # the solved notebook is public too
    assert not any(student == "blank" or other == "blank" for _, student, other in flagged)


def test_outputs_are_trimmed_and_warnings_cost_nothing(graded):
    flood = graded["course"] / "autograded" / "print_flood" / UNIT / f"{UNIT}.ipynb"
    assert flood.stat().st_size < 2_000_000
    noisy = nbformat.read(graded["course"] / "autograded" / "noisy_but_right" / UNIT / f"{UNIT}.ipynb", as_version=4)
    shown = "".join(o.get("text", "") for c in noisy.cells for o in c.get("outputs", []))
    assert "costs no points" in shown and "just checking" in shown


def test_policy_reason_is_in_the_test_cells(graded):
    nb = nbformat.read(graded["course"] / "autograded" / "ref_partial" / UNIT / f"{UNIT}.ipynb", as_version=4)
    test = nb.cells[index_of(nb, "test_rnn_step_backward_basic")]
    assert test.outputs[0]["ename"] == "GradingPolicy"
    assert "course package" in test.outputs[0]["evalue"]


def test_feedback_shows_no_hidden_tests_and_no_paths(graded):
    course = graded["course"]
    release.nbgrader(course, "generate_feedback", UNIT, "--student=correct", "--force")
    html = (course / "feedback" / "correct" / UNIT / f"{UNIT}.html").read_text()
    assert "check_rnn_step_backward_basic" in html                     # the visible tests are shown
    assert "check_rnn_step_backward_random" not in html                # the hidden ones are not
    assert str(course) not in html and sys.prefix not in html
    shutil.rmtree(course / "feedback")


def test_the_class_reports_are_written(graded):
    course = graded["course"]
    assert (course / "reports" / UNIT / "histogram.png").stat().st_size > 0
    with open(course / "grades.csv") as f:
        exported = {row["student_id"] for row in csv.DictReader(f) if row["assignment"] == UNIT}
    assert exported == set(STUDENTS)
    with open(course / "reports" / UNIT / "summary.csv") as f:
        correct = next(row for row in csv.DictReader(f) if row["student"] == "correct")
    assert {key: float(correct[key]) for key in ("rnn_step_backward", "rnn_backward", "numerical_gradient")} == \
        {"rnn_step_backward": 3.0, "rnn_backward": 3.0, "numerical_gradient": 2.0}


def test_grading_again_grades_only_what_changed(graded):
    course = graded["course"]
    (course / "submitted" / "blank" / UNIT / f"{UNIT}.ipynb").write_text(nbformat.writes(solved(course)))
    said = io.StringIO()
    rows = {row["student"]: row for row in batch.grade_class(course, UNIT, workers=2, feedback=False, out=said)}
    assert f"grading 1 of {len(STUDENTS)} submissions" in said.getvalue() and "[1/1] blank: graded" in said.getvalue()
    assert rows["blank"]["autograded"] == FULL
    assert rows["correct"]["autograded"] == FULL and rows["zz_blank_after_attacks"]["autograded"] == 0
    state = json.loads((course / "reports" / UNIT / "graded.json").read_text())
    assert set(state) == set(STUDENTS)
