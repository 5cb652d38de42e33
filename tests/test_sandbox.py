"""The sandbox itself, without the policy in front of it: what code in a sandboxed kernel cannot do.

A kernel is started with :class:`SandboxedKernelManager` (as nbgrader's Execute step starts it)
and given code that the policy would never let run, to show the second line of defence holds.
"""

import asyncio
import subprocess
import sys

import pytest

from rnncourse.course import release
from rnncourse.course.grading import sandbox

pytestmark = pytest.mark.skipif(sandbox.sandbox_tool() is None,
                                reason="bubblewrap (`bwrap`) is not installed: the grading sandbox cannot run")


def run_in_sandbox(course, cells, interrupt_after=None):
    """Run ``cells`` in one sandboxed kernel; return each cell's text output (errors as their name)."""
    async def main():
        km = sandbox.SandboxedKernelManager(course_root=str(course))
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        outputs = []
        try:
            await kc.wait_for_ready(timeout=60)
            for code in cells:
                msg_id = kc.execute(code)
                if interrupt_after is not None and "while True" in code:
                    await asyncio.sleep(interrupt_after)
                    await km.interrupt_kernel()
                text = ""
                while True:
                    msg = await kc.get_iopub_msg(timeout=60)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    content = msg["content"]
                    if msg["msg_type"] == "stream":
                        text += content["text"]
                    elif msg["msg_type"] == "error":
                        text += content["ename"]
                    elif msg["msg_type"] == "status" and content["execution_state"] == "idle":
                        break
                outputs.append(text.strip())
            alive = await km.is_alive()
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
        return outputs, alive

    return asyncio.run(main())


def test_a_kernel_in_the_sandbox_is_contained(tmp_path):
    course = tmp_path / "course"
    (course / "submitted").mkdir(parents=True)
    (course / "gradebook.db").write_text("secret")
    outputs, alive = run_in_sandbox(course, [
        "import os\nprint(os.listdir('.'), os.path.exists(%r))" % str(course / "gradebook.db"),
        "import sys\ntry:\n    open(sys.prefix + '/pwned', 'w')\nexcept OSError as e:\n    print(type(e).__name__)",
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), timeout=2)\nexcept OSError as e:\n"
        "    print('no network')",
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nos.kill(1, signal.SIGKILL)\nprint('still here')",
        "import subprocess\nsubprocess.Popen(['sleep', '4242'], start_new_session=True)\nprint('started')",
        "import numpy as np\nblocks = []\ntry:\n    for _ in range(30):\n"
        "        blocks.append(np.empty(2 ** 30, dtype=np.uint8))\nexcept MemoryError:\n"
        "    print('MemoryError after', len(blocks), 'GiB')\nblocks.clear()",
        "while True:\n    pass",
        "print('after the loop')",
        "import os\nprint(os.path.exists(%r), os.path.exists(%r))" % (str(release.ROOT / "solutions"),
                                                                   str(release.ROOT / "rnncourse")),
    ], interrupt_after=2)
    assert outputs[0] == "[] False"                       # an empty working folder; the course is hidden
    assert outputs[1] == "OSError"                         # the environment is read-only
    assert outputs[2] == "no network"
    assert outputs[3] == "still here" and alive            # signals do not leave the sandbox
    assert outputs[4] == "started"
    assert outputs[5].startswith("MemoryError after") and int(outputs[5].split()[2]) < 30
    assert outputs[6] == "KeyboardInterrupt" and outputs[7] == "after the loop"
    assert outputs[8] == "False True"                      # the repository's masters hidden, its package not
    survivors = subprocess.run(["pgrep", "-f", "sleep 4242"], capture_output=True, text=True).stdout
    assert survivors == "", "a process started in the sandbox outlived its kernel"


def test_without_bwrap_grading_refuses_unless_waived(monkeypatch):
    monkeypatch.setattr(sandbox, "sandbox_tool", lambda: None)
    monkeypatch.delenv(sandbox.UNSANDBOXED, raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.require_sandbox()
    monkeypatch.setenv(sandbox.UNSANDBOXED, "1")
    sandbox.require_sandbox()


def test_the_sandbox_hides_the_course_but_shows_the_environment(tmp_path):
    argv = sandbox.bwrap_argv([sys.executable, "-c", "print(1)"], tmp_path, tmp_path / "scratch")
    assert argv[argv.index("--tmpfs", argv.index("/tmp") + 1) + 1] == str(tmp_path.resolve())
    assert "--unshare-all" in argv and "--die-with-parent" in argv and argv[0] == "prlimit"
