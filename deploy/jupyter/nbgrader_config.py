"""nbgrader settings every user's server reads (JUPYTER_CONFIG_PATH, set by jupyterhub_config.py;
on a hand-made server put this file in /etc/jupyter/).

The course id and the shared exchange, for students (fetch, submit, fetch feedback) and
instructors (release, collect, release feedback) alike; and a collect that refuses a submission
whose folder belongs to someone other than the student it names (nbgrader's own only warns).
The course's own nbgrader_config.py sets the same collect for the instructor's commands.
"""

import os

from rnncourse.course.grading.collect import OwnerCheckedCollect

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnncourse"
c.Exchange.root = os.environ.get("RNNCOURSE_EXCHANGE", "/srv/nbgrader/exchange")

c.ExchangeFactory.collect = OwnerCheckedCollect   # rnncourse.course.grading.collect
