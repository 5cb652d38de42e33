"""The course's collect refuses a submission that another system user wrote in a student's name
(nbgrader's own collect only warns, then grades it as that student's)."""

import os
import shutil

import pytest

from rnncourse.course import release

UNIT = "00_welcome"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a folder that another system user owns")
def test_a_submission_written_by_someone_else_is_not_collected(tmp_path):
    course, home = tmp_path / "course", tmp_path / "alice"
    exchange = course / "exchange"
    release.make_course(course, UNIT)
    release.nbgrader(course, "release_assignment", UNIT, "--force")
    student = ("--course=rnncourse", f"--Exchange.root={exchange}", f"--Exchange.cache={home / 'cache'}")
    home.mkdir()
    release.nbgrader(home, "fetch_assignment", UNIT, *student)
    release.nbgrader(home, "submit", UNIT, "--student=alice", *student)
    inbound = exchange / "rnncourse" / "inbound"
    genuine = next(inbound.iterdir())
    student_id, assignment, stamp, rest = genuine.name.split("+", 3)
    later = stamp.replace(stamp[:4], "2099", 1)
    for name in (f"bob+{assignment}+{stamp}+{rest}",      # alice's work handed in as bob's,
                 f"alice+{assignment}+{later}+{rest}"):     # and a newer one in alice's name,
        forged = inbound / name
        shutil.copytree(genuine, forged)
        for path in [forged, *forged.rglob("*")]:
            shutil.chown(path, user="nobody")              # both by a user who is neither
    done = release.nbgrader(course, "collect", UNIT)
    kept = course / "submitted" / "alice" / UNIT / "timestamp.txt"
    assert kept.read_text().strip() == stamp               # the collecting user's own, not the newer forgery
    assert not (course / "submitted" / "bob").exists()
    assert "Refused" in done.stdout + done.stderr and "nobody wrote it" in done.stdout + done.stderr
