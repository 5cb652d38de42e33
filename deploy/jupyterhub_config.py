"""JupyterHub for one rnncourse class on one server: each user is a system user with a server of their own.

Run as root from the course's virtual environment (the hub, every user's server and the kernel
are that environment's Python):  ``/opt/rnncourse/.venv/bin/jupyterhub -f deploy/jupyterhub_config.py``
(see deploy/README.md). Set before starting:

RNNCOURSE_INSTRUCTORS  comma-separated instructors (default: instructor); they get the formgrader
RNNCOURSE_STUDENTS     comma-separated students; they get the assignment list, no formgrader
RNNCOURSE_EXCHANGE     the nbgrader exchange (default /srv/nbgrader/exchange; root makes it, mode 1777)

Every user's server reads deploy/jupyter/ (nbgrader_config.py: course id, exchange, owner-checked
collect); students' servers also read deploy/jupyter/students/ (the formgrader switched off).
"""

import os
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent               # the course's .venv/bin


def _names(variable, default=""):
    return {n.strip() for n in os.environ.get(variable, default).split(",") if n.strip()}


INSTRUCTORS = _names("RNNCOURSE_INSTRUCTORS", "instructor")
STUDENTS = _names("RNNCOURSE_STUDENTS")
EXCHANGE = os.environ.get("RNNCOURSE_EXCHANGE", "/srv/nbgrader/exchange")


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that enforces ``mem_limit``: the server, and every kernel it starts,
    runs under ``prlimit`` (address space per process, and a cap on the user's processes).

    ``cpu_limit`` needs cgroups, which a plain local spawner does not set up: The Littlest
    JupyterHub's systemdspawner and Kubernetes enforce both (deploy/README.md).
    """

    max_processes = 1024   # RLIMIT_NPROC, per user: threads count too (TensorFlow starts dozens)

    async def start(self):
        cmd = list(self.cmd)
        limits = [f"--nproc={self.max_processes}"] + ([f"--as={self.mem_limit}"] if self.mem_limit else [])
        self.cmd = ["prlimit", *limits, "--", *cmd]   # prlimit execs the server: the pid stays the server's
        try:
            return await super().start()
        finally:
            self.cmd = cmd


def _by_role(spawner):
    """Instructors: the formgrader on their course folder; students: the assignment list only."""
    paths = [str(HERE / "jupyter")]
    if spawner.user.name not in INSTRUCTORS:
        paths.insert(0, str(HERE / "jupyter" / "students"))
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


# Who: system users (PAM passwords); instructors and students are separate accounts.
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS
c.JupyterHub.load_groups = {"instructors": {"users": sorted(INSTRUCTORS)},
                            "students": {"users": sorted(STUDENTS)}}

# Their servers: JupyterLab as that user, in their home, from the course's environment.
c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{BIN}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin",  # nbgrader in terminals
    "RNNCOURSE_EXCHANGE": EXCHANGE,                # read by the course's nbgrader_config.py too
}
c.Spawner.pre_spawn_hook = _by_role
# The course's kernel is the environment's own `python3` kernel spec: jupyter_client runs it with
# the server's Python, so every notebook imports rnncourse with no further step.

# Resources: the largest unit's training cells fit in 4 GiB; TensorFlow maps ~2.5 GiB of
# address space, and the grader's sandboxed kernels ask for 6 GiB, so the per-process cap is 8 GiB.
c.Spawner.mem_limit = "8G"
c.Spawner.cpu_limit = 1.0                          # advisory here (CPU_LIMIT); enforced by TLJH / Kubernetes
c.Spawner.start_timeout = 120                      # a class logging in at once shares the cores
c.Spawner.http_timeout = 120
