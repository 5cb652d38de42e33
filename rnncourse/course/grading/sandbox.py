"""Each submission's kernel in a sandbox, so that nothing a student's code does outlives it or
reaches the grader.

The kernel runs under bubblewrap (Debian's ``bubblewrap``, the ``bwrap`` command):

- the file system is read-only; the course folder (gradebook, master notebooks, other
  submissions) is hidden behind an empty folder, and so is the repository the package runs
  from, if that is another copy of the course; the Python environment and the package stay
  visible read-only when they live inside a hidden folder (or in /tmp, which is private too);
- the working directory is an empty, private scratch folder; ``/tmp`` and ``HOME`` are private too;
- the kernel has its own PID namespace (nothing it starts survives it, and it cannot signal the
  grader), no network (it talks to the grader over Unix sockets in a private folder), and
  ``prlimit`` caps its address space, so a runaway allocation fails inside the kernel.

Without ``bwrap`` grading refuses to start, unless the instructor sets ``RNNCOURSE_UNSANDBOXED=1``
and so accepts that a hostile submission could tamper with the grading.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Enum, Integer, Unicode

UNSANDBOXED = "RNNCOURSE_UNSANDBOXED"
MEMORY_LIMIT = 6 * 2 ** 30          # bytes of address space; TensorFlow alone maps about 2.5 GiB
FILE_LIMIT = 2 ** 30                # bytes in any one file the kernel writes
TMP_LIMIT = 2 ** 30                 # bytes of the kernel's private /tmp (kept in memory)


class SandboxUnavailable(RuntimeError):
    """Grading was asked for but no sandbox can be made here."""


def sandbox_tool():
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap")


def unsandboxed_allowed():
    return os.environ.get(UNSANDBOXED) == "1"


def require_sandbox():
    """Raise :class:`SandboxUnavailable`, saying what to do, unless a sandbox can be made or was waived."""
    if sandbox_tool() is None and not unsandboxed_allowed():
        raise SandboxUnavailable(
            "rnncourse grades each submission in a bubblewrap sandbox, and `bwrap` is not installed. "
            "Install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`), or, if you trust every "
            f"submission, set {UNSANDBOXED}=1 to grade without a sandbox.")


def _inside(path, folder):
    return folder == path or folder in path.parents


def bwrap_argv(kernel_argv, course_root, scratch, memory_limit=MEMORY_LIMIT):
    """The command that runs ``kernel_argv`` in the sandbox described in the module docstring.

    ``course_root``: the folder to hide; ``scratch``: a private folder (created by the caller)
    whose ``work`` and ``run`` subfolders become the working directory and the socket folder.
    """
    course_root, scratch = Path(course_root).resolve(), Path(scratch).resolve()
    package = Path(__file__).resolve().parents[2]
    hidden = [Path("/tmp").resolve(), course_root]
    if (package.parent / "solutions").is_dir():       # the package runs from a copy of the course repository
        hidden.append(package.parent)                  # whose masters must stay hidden too
    argv = ["prlimit", f"--as={int(memory_limit)}", f"--fsize={FILE_LIMIT}", "--",
            "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--size", str(TMP_LIMIT)]
    for folder in hidden:
        argv += ["--tmpfs", str(folder)]
    for path in (Path(sys.prefix).resolve(), package):   # the venv and the package, if hidden: shown again
        if any(_inside(path, folder) for folder in hidden):
            argv += ["--ro-bind", str(path), str(path)]
    argv += ["--bind", str(scratch), str(scratch),
             # own PID namespace (its init ignores signals sent from inside) and a session of its own:
             # no signal the kernel sends reaches the grader or the sandbox
             "--unshare-all", "--new-session", "--die-with-parent", "--chdir", str(scratch / "work"),
             "--setenv", "JPY_PARENT_PID", "1",  # its parent is the namespace's init: no polling, no banner
             "--setenv", "HOME", str(scratch), "--setenv", "MPLCONFIGDIR", str(scratch),
             "--", *kernel_argv]
    return argv


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under :func:`bwrap_argv`, talking over Unix sockets."""

    course_root = Unicode(".", help="The course folder to hide from the kernel.").tag(config=True)
    memory_limit = Integer(MEMORY_LIMIT, help="Bytes of address space the kernel may map.").tag(config=True)

    def __init__(self, **kwargs):
        self._scratch = Path(tempfile.mkdtemp(prefix="rnncourse-sandbox-"))
        (self._scratch / "work").mkdir()
        (self._scratch / "run").mkdir()
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(self._scratch / "run" / "kernel"))
        kwargs.setdefault("connection_file", str(self._scratch / "run" / "connection.json"))
        super().__init__(**kwargs)

    def format_kernel_cmd(self, extra_arguments=None):
        return bwrap_argv(super().format_kernel_cmd(extra_arguments), self.course_root, self._scratch,
                          self.memory_limit)

    async def interrupt_kernel(self):
        """Interrupt by message: a signal to bwrap's process group would not reach the kernel's session."""
        self._connect_control_socket()
        self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    async def shutdown_kernel(self, now=False, restart=False):
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            shutil.rmtree(self._scratch, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute step, with each kernel in the sandbox and a time limit per kind of cell.

    Answer and test cells get ``answer_timeout`` seconds, others ``other_timeout``. Once a cell
    has run out of time the student's code is known to hang, so every later cell of that
    notebook gets ``hung_timeout``: an endless loop costs seconds per cell that calls it, not
    minutes per demo cell.
    """

    answer_timeout = Integer(20, help="Seconds an answer or test cell may run.").tag(config=True)
    other_timeout = Integer(300, help="Seconds any other cell (demos, training) may run.").tag(config=True)
    hung_timeout = Integer(5, help="Seconds each cell may run once one cell has timed out.").tag(config=True)
    iopub_timeout = Integer(60, help="Seconds to wait for a finished cell's last outputs: a flood of "
                            "output takes a while on a busy machine (nbclient's default is 4).").tag(config=True)
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate",
                           help="Stop the kernel at once when its notebook is done: nothing of it is kept, and a "
                           "graceful stop after TensorFlow costs about 1.2 s per submission.").tag(config=True)

    def __init__(self, **kwargs):
        require_sandbox()
        if sandbox_tool() is not None:
            kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(**kwargs)
        self.timeout_func = self.cell_timeout
        self.hung = False

    def preprocess(self, nb, resources=None, **kwargs):
        self.hung = False
        return super().preprocess(nb, resources, **kwargs)

    def cell_timeout(self, cell):
        meta = cell.metadata.get("nbgrader", {})
        if self.hung:
            return self.hung_timeout
        return self.answer_timeout if meta.get("solution") or meta.get("grade") else self.other_timeout

    async def _async_handle_timeout(self, timeout, cell=None):
        self.hung = True
        return await super()._async_handle_timeout(timeout, cell)
