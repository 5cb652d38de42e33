"""An instructor's ``~/.jupyter/nbgrader_config.py``: the formgrader (and nbgrader run anywhere)
works on the course folder ``~/rnncourse`` (a clone of the course repository) with its grading
pipeline. Copy it there; change COURSE if the clone lives elsewhere under the home folder.
"""

from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

COURSE = Path.home() / "rnncourse"
load_subconfig(str(COURSE / "nbgrader_config.py"))  # noqa: F821 sandbox, policy, feedback without the key
c.CourseDirectory.root = str(COURSE)
c.CourseDirectory.db_url = f"sqlite:///{COURSE / 'gradebook.db'}"  # the course file's is relative to the cwd
