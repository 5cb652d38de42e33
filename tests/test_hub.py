"""The course on a real JupyterHub (deploy/): an instructor and two students, each a system user
made for this run, each with a server the hub starts as that user.

Everything goes through the hub's proxy with tokens the hub issued: the instructor generates,
releases, collects, autogrades and returns feedback with the formgrader's API; each student
fetches, answers (contents API) and submits with the assignment list's API, then fetches
feedback. Alice answers every exercise and Bob none; Alice then tries to pass for Bob (his server
with her token: the hub says 403; a submission named after him: collect refuses it), so Bob's
grade must stay his own. The timeline (seconds per phase) is printed and written to
build/hub_timeline.txt.
"""

import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from hubkit import ROOT, Hub, Timeline, Users, why_not

from rnncourse.course import release
from rnncourse.course.grading import sandbox

pytestmark = pytest.mark.skipif(why_not() is not None, reason=str(why_not()))

UNIT = "00_welcome"
COURSE = {"course_id": "rnncourse", "assignment_id": UNIT}


def lay_out_course(instructor):
    """The instructor's ~/rnncourse (course config and the unit's master) and ~/.jupyter/nbgrader_config.py."""
    home = Path(os.path.expanduser(f"~{instructor}"))
    (home / "rnncourse").mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", home / "rnncourse" / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / UNIT, home / "rnncourse" / "solutions" / UNIT)
    (home / ".jupyter").mkdir()
    shutil.copy(ROOT / "deploy" / "instructor_nbgrader_config.py", home / ".jupyter" / "nbgrader_config.py")
    shutil.chown(home, instructor, instructor)
    for folder, dirs, files in os.walk(home):
        for name in dirs + files:
            shutil.chown(Path(folder) / name, instructor, instructor)


def code_points():
    """The points of the unit's autograded tests (the written answers wait for a person)."""
    master = nbformat.read(ROOT / "solutions" / UNIT / f"{UNIT}.ipynb", as_version=4)
    return sum(c.metadata["nbgrader"]["points"] for c in master.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade"))


def ok(response, what):
    assert response.status_code in (200, 201), f"{what}: HTTP {response.status_code} {response.text[:2000]}"
    body = response.json()
    if isinstance(body, dict) and body.get("success") is False:
        raise AssertionError(f"{what} failed:\n{body.get('error') or body.get('value')}\n{body.get('log', '')}")
    return body


def test_course_on_jupyterhub():
    timeline, users = Timeline(), Users()
    work = Path(tempfile.mkdtemp(prefix="rnnhub-"))
    work.chmod(0o755)                                   # the users reach the exchange inside it
    exchange = work / "exchange"
    hub = None
    try:
        with timeline.phase("users, course folder, exchange"):
            teacher, alice, bob = users.add("teach"), users.add("alice"), users.add("bob")
            lay_out_course(teacher)
            exchange.mkdir()
            exchange.chmod(0o1777)                      # everyone writes, nobody removes another's files
        with timeline.phase("hub and proxy up"):
            # without bwrap the instructor grades unsandboxed: this proves the hub, tests/test_hostile.py the sandbox
            hub = Hub(work, [teacher], [alice, bob], exchange, unsandboxed=sandbox.sandbox_tool() is None)
            hub.wait_up()
        with timeline.phase("three servers spawned via the REST API"):
            models = hub.spawn([teacher, alice, bob])
            token = {name: hub.user_token(name) for name in (teacher, alice, bob)}

        def on(user, method, path, as_user=None, **kw):
            return hub.api(method, f"/user/{user}/{path}", token=token[as_user or user], **kw)

        with timeline.phase("resource limits and roles checked"):
            for name, model in models.items():
                pid = model["servers"][""]["state"]["pid"]
                assert Path(f"/proc/{pid}").stat().st_uid == users.uid(name), f"{name}'s server runs as another user"
                limits = Path(f"/proc/{pid}/limits").read_text()
                assert f"Max address space         {8 * 2 ** 30}" in limits, limits
            assert on(teacher, "GET", "formgrader/api/status").status_code == 200
            assert on(alice, "GET", "formgrader/api/status").status_code == 404, "students must not get the formgrader"
        with timeline.phase("instructor: generate and release"):
            ok(on(teacher, "POST", f"formgrader/api/assignment/{UNIT}/assign"), "generate_assignment")
            ok(on(teacher, "POST", f"formgrader/api/assignment/{UNIT}/release"), "release_assignment")
        with timeline.phase("students: fetch"):
            for student in (alice, bob):
                listed = ok(on(student, "POST", "assignments/fetch", data=COURSE), f"{student} fetch")["value"]
                assert any(a["assignment_id"] == UNIT and a["status"] == "fetched" for a in listed), listed
        with timeline.phase("students: answer and submit"):
            path = f"api/contents/{UNIT}/{UNIT}.ipynb"
            model = ok(on(alice, "GET", path), "alice opens the notebook")
            answers = release.master_answers(UNIT)
            for cell in model["content"]["cells"]:
                gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
                if gid in answers:
                    cell["source"] = answers[gid]
            ok(on(alice, "PUT", path, json={"type": "notebook", "format": "json", "content": model["content"]}),
               "alice saves")
            for student in (alice, bob):                # bob hands in the blank copy
                ok(on(student, "POST", "assignments/submit", data=COURSE), f"{student} submit")
        with timeline.phase("alice tries to pass for bob"):
            r = on(bob, "GET", "api/contents", as_user=alice)
            assert r.status_code == 403, f"alice's token opened bob's server: HTTP {r.status_code}"
            forged = "c = get_config()\nc.CourseDirectory.student_id = " + repr(bob) + "\n"
            ok(on(alice, "PUT", "api/contents/nbgrader_config.py",
                  json={"type": "file", "format": "text", "content": forged}), "alice writes a config")
            ok(on(alice, "POST", "assignments/submit", data=COURSE), "alice submits as bob")
            r = on(alice, "DELETE", "api/contents/nbgrader_config.py")
            assert r.status_code == 204, r.text
            inbound = exchange / "rnncourse" / "inbound"
            claims = sorted((p.name.split("+")[0], p.stat().st_uid) for p in inbound.iterdir())
            assert (bob, users.uid(alice)) in claims and (bob, users.uid(bob)) in claims, claims  # the forgery landed
        with timeline.phase("instructor: collect"):
            collected = ok(on(teacher, "POST", f"formgrader/api/assignment/{UNIT}/collect"), "collect")
            assert "Refused" in collected["log"] and f"{alice} wrote it" in collected["log"], collected["log"]
        with timeline.phase("instructor: autograde (2 submissions)"):
            for student in (alice, bob):
                ok(on(teacher, "POST", f"formgrader/api/submission/{UNIT}/{student}/autograde"), f"autograde {student}")
            scores = {s["student"]: (s["score"], s["max_score"])
                      for s in ok(on(teacher, "GET", f"formgrader/api/submissions/{UNIT}"), "submissions")}
            assert scores[alice][0] == code_points(), f"scores {scores}: alice answered every exercise"
            assert scores[bob][0] == 0, f"scores {scores}: bob's must be his own blank copy, not alice's forgery"
        with timeline.phase("instructor: generate and release feedback"):
            ok(on(teacher, "POST", f"formgrader/api/assignment/{UNIT}/generate_feedback"), "generate_feedback")
            ok(on(teacher, "POST", f"formgrader/api/assignment/{UNIT}/release_feedback"), "release_feedback")
        with timeline.phase("students: fetch feedback"):
            for student in (alice, bob):
                ok(on(student, "POST", "assignments/fetch_feedback", data=COURSE), f"{student} fetch_feedback")
                folders = ok(on(student, "GET", f"api/contents/{UNIT}/feedback"), f"{student}'s feedback")["content"]
                assert len(folders) == 1, f"{student} got {len(folders)} feedback folders (own submission only)"
                page = ok(on(student, "GET", f"api/contents/{folders[0]['path']}/{UNIT}.html"), "feedback")
                score = f"(Score: {round(float(scores[student][0]), 2)} / {round(float(scores[student][1]), 2)})"
                assert score in page["content"], f"{student}'s feedback does not show their score {score}"
    finally:
        with timeline.phase("teardown: hub, servers, proxy, users"):
            if hub is not None:
                hub.close()
                if hub.proc.returncode not in (0, -15):     # the hub's last words, for the reader
                    print(f"the hub exited with {hub.proc.returncode}:\n{hub.tail()}")
            users.close()
            shutil.rmtree(work, ignore_errors=True)
        report = timeline.text()
        print("\n" + report)
        (ROOT / "build").mkdir(exist_ok=True)
        (ROOT / "build" / "hub_timeline.txt").write_text(report)
