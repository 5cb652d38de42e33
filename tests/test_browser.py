"""The course as people meet it in a browser: JupyterLab, the nbgrader extension and the
formgrader, driven in Debian's chromium through Playwright (skipped where chromium is missing).

One scratch course (unit 00_welcome) and one JupyterLab server, started as ``make lab`` starts
it, are shared by the module. Screenshots of each step go to build/screenshots/browser_*.png.
"""

import csv
import getpass
import shutil
import urllib.error

import nbformat
import pytest
from servers import ROOT, browser, jupyter_lab, need_chromium, screenshot

from rnncourse.course import release

UNIT = "00_welcome"
NOTEBOOK = f"notebooks/{UNIT}/{UNIT}.ipynb"
ANSWER, TEST = 16, 18          # cell indices: the answer cell of one_hot_encode and its visible test
WRITTEN = "one_hot_vs_integer"  # grade id of the written (manually graded) answer, 2 points
WRONG = """def one_hot_encode(indices, depth):
    return np.eye(depth + 1)[indices][..., 1:]      # counts from one
"""


def solved_answers():
    """{grade_id: source} of every answer cell, code and written, taken from the master."""
    master = nbformat.read(ROOT / "solutions" / UNIT / f"{UNIT}.ipynb", as_version=4)
    written = {c.metadata["nbgrader"]["grade_id"]: c.source for c in master.cells
               if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")}
    return {**release.master_answers(UNIT), **written}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A scratch course: the repo's nbgrader config with its own course root, exchange and
    student cache (nothing in ~/.local), the unit generated into the gradebook and released;
    notebooks/ holds the repo's student copy."""
    need_chromium()
    base = tmp_path_factory.mktemp("browser")
    course, exchange = base / "course", base / "exchange"
    exchange.mkdir()
    release.make_course(course, UNIT)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\n# the browser tests' scratch course\nc.CourseDirectory.root = {str(course)!r}\n"
                     f"c.Exchange.root = {str(exchange)!r}\nc.Exchange.cache = {str(base / 'cache')!r}\n")
    shutil.copytree(ROOT / "notebooks" / UNIT, course / "notebooks" / UNIT, dirs_exist_ok=True)
    release.nbgrader(course, "release_assignment", UNIT, "--force")
    return course


@pytest.fixture(scope="module")
def lab(course):
    with jupyter_lab(course) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(course):
    """The browser, allowed to reach the local server only: every other request is aborted
    and listed in ``context.external``."""
    with browser() as context:
        context.external = []

        def local_only(route):
            if route.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
                route.continue_()
            else:
                context.external.append(route.request.url)
                route.abort()
        context.route("**/*", local_only)
        yield context


@pytest.fixture
def page(chromium):
    chromium.external.clear()
    page = chromium.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close()


# --- JupyterLab helpers -------------------------------------------------------------------------

def open_in_lab(page, lab, path, workspace):
    """Open ``path`` in a fresh Lab workspace (no tabs restored from another test)."""
    page.goto(lab.link(f"lab/workspaces/{workspace}/tree/{path}?reset"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    wait_idle(page, lab)


def cell(page, index):
    return page.locator(".jp-NotebookPanel:visible .jp-Cell").nth(index)


def wait_idle(page, lab, timeout=120):
    """Wait until no cell shows ``[*]`` and every kernel of the server is idle (twice in a row)."""
    calm = 0
    for _ in range(int(timeout / 0.5)):
        busy = page.locator(".jp-InputPrompt", has_text="[*]").count()
        try:
            kernels = lab.api("api/kernels")
        except urllib.error.HTTPError as error:  # listed while one shuts down: jupyter_server answers 500
            if error.code != 500:                # for a moment (seen once in CI); ask again
                raise
            kernels = None
        idle = not busy and kernels and all(k["execution_state"] == "idle" for k in kernels)
        calm = calm + 1 if idle else 0
        if calm == 2:
            return
        page.wait_for_timeout(500)
    raise AssertionError("the kernel did not become idle")


def menu(page, *labels):
    """Click through the menu bar: menu(page, "Run", "Run All Cells")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=labels[0]).first.click()
    for label in labels[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=label).first.click()


def type_into(page, index, source):
    """Replace the source of cell ``index`` by ``source``, as if typed (pasted) by a learner."""
    editor = cell(page, index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)


def run(page, lab, index):
    cell(page, index).locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    wait_idle(page, lab)


def output(page, index):
    return cell(page, index).locator(".jp-OutputArea").inner_text()


# --- the tests ------------------------------------------------------------------------------------

def test_lab_runs_the_welcome_notebook(page, lab):
    """make lab's JupyterLab: Run All shows the printed outputs and the figure; a correct answer
    passes its visible test silently; a wrong one shows the check's short message only."""
    open_in_lab(page, lab, NOTEBOOK, "run")
    screenshot(page, "browser_1_opened")
    menu(page, "Run", "Run All Cells")
    page.wait_for_timeout(1_000)
    wait_idle(page, lab)
    # Run All stops at the first error: the blank answer's visible test.
    assert "vocabulary: ['e', 'h', 'l', 'o']" in output(page, 14)
    figure = cell(page, 9).locator(".jp-OutputArea-output img")
    assert figure.count() == 1 and figure.evaluate("img => img.naturalWidth") > 100
    figure.scroll_into_view_if_needed()
    screenshot(page, "browser_2_run_all_figure")
    assert "Check failed" in output(page, TEST)
    stderr = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    assert sum(cell(page, i).locator(stderr).count() for i in range(TEST)) == 0   # nothing red before it

    type_into(page, ANSWER, release.master_answers(UNIT)["one_hot_encode"])
    run(page, lab, ANSWER)
    run(page, lab, TEST)
    assert output(page, TEST).strip() == "", output(page, TEST)    # a passing check prints nothing
    assert cell(page, TEST).locator(".jp-OutputArea-output").count() == 0
    screenshot(page, "browser_3_correct_answer_passes")

    type_into(page, ANSWER, WRONG)
    run(page, lab, ANSWER)
    run(page, lab, TEST)
    message = output(page, TEST)
    assert "Check failed" in message
    assert "Traceback" not in message and "File " not in message and "---->" not in message, message
    assert len(message.strip().splitlines()) <= 4, message                # the header and the message
    cell(page, TEST).scroll_into_view_if_needed()
    screenshot(page, "browser_4_wrong_answer_message")
    assert page.context.external == []                  # JupyterLab needed nothing from the internet


def test_student_assignment_list_and_validate(page, lab, course):
    """The nbgrader extension as a student: the Assignments panel lists the released unit (and
    fetches it); Validate fails on the blank copy and succeeds on a solved one."""
    page.goto(lab.link("lab/workspaces/student?reset"))
    page.locator(".jp-DirListing-item", has_text="notebooks").wait_for(timeout=60_000)
    menu(page, "Nbgrader", "Assignment List")
    released = page.locator("#released_assignments_list")
    released.get_by_text(UNIT).first.wait_for()
    assert "rnncourse" in released.inner_text()
    screenshot(page, "browser_5_assignment_list")
    released.get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list").get_by_text(UNIT).first.wait_for()
    screenshot(page, "browser_6_fetched")
    fetched = course / UNIT / f"{UNIT}.ipynb"
    assert fetched.is_file()

    blank = course / "validate" / "blank" / f"{UNIT}.ipynb"
    solved = course / "validate" / "solved" / f"{UNIT}.ipynb"
    blank.parent.mkdir(parents=True)
    solved.parent.mkdir(parents=True)
    shutil.copy(fetched, blank)
    nbformat.write(release.answered(fetched, solved_answers()), solved)

    for copy, expect in ((blank, "failed"), (solved, "passes")):
        open_in_lab(page, lab, copy.relative_to(course).as_posix(), f"validate-{copy.parent.name}")
        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.get_by_text("Validation Results").wait_for(timeout=180_000)
        text = dialog.inner_text()
        screenshot(page, f"browser_7_validate_{copy.parent.name}")
        if expect == "failed":
            assert "Success!" not in text and "failed" in text.lower(), text
        else:
            assert "Success! Your notebook passes all the tests." in text, text
        dialog.get_by_role("button").last.click()
    assert page.context.external == []


def test_formgrader_manual_grade_reaches_export(page, lab, course, tmp_path):
    """The formgrader as an instructor: a submitted notebook appears; the written answer is
    given its 2 points in the browser; ``nbgrader export`` then counts them."""
    exchange = course.parent / "exchange"
    student = tmp_path / "student"
    (student / UNIT).mkdir(parents=True)
    released = course / "notebooks" / UNIT / f"{UNIT}.ipynb"
    nbformat.write(release.answered(released, solved_answers()), student / UNIT / f"{UNIT}.ipynb")
    release.nbgrader(student, "submit", UNIT, "--course=rnncourse", f"--Exchange.root={exchange}",
                     f"--Exchange.cache={course.parent / 'cache'}")
    release.nbgrader(course, "db", "student", "add", getpass.getuser(), "--first-name=Ada", "--last-name=Lovelace")
    release.nbgrader(course, "collect", UNIT)
    release.nbgrader(course, "autograde", UNIT, "--force")

    # The formgrader's own requests carry no token: the header authenticates them all.
    page.set_extra_http_headers({"Authorization": f"token {lab.token}"})
    page.goto(lab.link(f"formgrader/manage_submissions/{UNIT}"))
    page.locator(".student-id", has_text=getpass.getuser()).first.wait_for()
    row = page.locator("tr", has=page.locator(".student-id")).first.inner_text()
    assert "needs manual grading" in row and "3 / 5" in row, row
    screenshot(page, "browser_8_formgrader_submissions")

    submission = lab.api(f"formgrader/api/submitted_notebooks/{UNIT}/{UNIT}")[0]
    assert submission["needs_manual_grade"]
    page.goto(lab.link(f"formgrader/submissions/{submission['id']}/"))
    score = page.locator(f"input.score#{WRITTEN}")      # the formgrader's score box of that cell
    score.scroll_into_view_if_needed()
    score.fill("2")
    score.press("Tab")                                  # leaving the box saves the score
    for _ in range(40):
        if not lab.api(f"formgrader/api/submitted_notebooks/{UNIT}/{UNIT}")[0]["needs_manual_grade"]:
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError("the score typed in the formgrader was not saved")
    score.scroll_into_view_if_needed()
    screenshot(page, "browser_9_formgrader_written_answer")

    # The one request that left the machine: the formgrader's MathJax 2.7.7 from a CDN (nbgrader's
    # template hard-codes it), so offline the grading page shows the TeX source of the maths.
    assert all("mathjax" in url.lower() for url in page.context.external), page.context.external

    release.nbgrader(course, "export", "--to=grades.csv")
    with open(course / "grades.csv") as f:
        row = next(r for r in csv.DictReader(f) if r["assignment"] == UNIT)
    assert float(row["max_score"]) == 5.0
    assert float(row["score"]) == 5.0, row      # 3 autograded points + the 2 given in the browser


def test_rise_presents_the_notebook_live(page, lab):
    """A lecture: RISE (jupyterlab-rise) shows the notebook as slides, split at the headings that
    `make student` marks, and arrow keys move between them; nothing comes from the internet."""
    nb = nbformat.read(ROOT / NOTEBOOK, as_version=4)
    slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in nb.cells)
    assert slides > 3, "the notebook carries no slide breaks: run `make student`"
    page.goto(lab.link(f"rise/{NOTEBOOK}"))
    page.wait_for_selector(".reveal .slides > section.present", timeout=60_000)
    page.wait_for_timeout(1_000)
    assert page.locator(".reveal .slides > section").count() == slides
    first = page.locator(".reveal .slides > section.present").inner_text()
    assert "00 ·" in first, first[:200]
    screenshot(page, "browser_10_rise_title")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1_000)
    assert page.locator(".reveal .slides > section.present").inner_text() != first
    screenshot(page, "browser_11_rise_second_slide")
    assert page.context.external == []
