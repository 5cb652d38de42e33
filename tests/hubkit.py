"""Helpers of tests/test_hub.py: system users made for one run, a JupyterHub running deploy/, a timeline.

Everything started here is stopped by ``close()``, whatever happened before: the hub (which stops
the users' servers and the proxy it started), then anything still running as a test user or as
the proxy, then the users themselves.
"""

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
from servers import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def closed_folders():
    """``{folder: {child, ...}}``: the folders on the way to this Python, its environment and the
    repository that other users cannot enter (e.g. ``/root`` of ``/root/.pyenv/versions/3.11.7``),
    each with its children on those ways; empty where all are open.

    A real deployment installs the course's environment where every user can read it (deploy/README.md);
    where this machine's is closed, the hub runs in a private mount namespace in which each such
    folder is a 0711 tmpfs holding only those children, so that the host's folders stay as they are.
    """
    closed = {}
    for target in (Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), ROOT.resolve()):
        for folder in reversed(target.parents):
            if folder != Path("/") and not folder.stat().st_mode & 0o001:
                closed.setdefault(folder, set()).add(target.relative_to(folder).parts[0])
                break
    return closed


def _opened(argv, stage):
    """``argv`` run in a private mount namespace where the closed folders can be entered."""
    lines = []
    for i, (folder, children) in enumerate(closed_folders().items()):
        for j, child in enumerate(sorted(children)):
            (stage / f"{i}-{j}").mkdir(parents=True)
            lines.append(f"mount --bind '{folder / child}' '{stage}/{i}-{j}'")
        lines.append(f"mount -t tmpfs -o mode=0711 tmpfs '{folder}'")
        for j, child in enumerate(sorted(children)):
            lines.append(f"mkdir '{folder / child}' && mount --bind '{stage}/{i}-{j}' '{folder / child}'")
    script = " && ".join(lines + ['exec "$@"'])
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *argv]


def why_not():
    """Why the hub test cannot run on this machine, or None."""
    if os.name != "posix" or os.geteuid() != 0:
        return "needs root: the hub runs each user's server as that system user, and the test makes the users"
    tools = ("useradd", "userdel", "prlimit", "configurable-http-proxy") + (("unshare",) if closed_folders() else ())
    for tool in tools:
        if shutil.which(tool) is None:
            return f"`{tool}` is not installed (.ci/run installs configurable-http-proxy with npm)"
    if not (BIN / "jupyterhub").exists():
        return "jupyterhub is not installed in this environment (pip install -e '.[dev]')"
    return None


class Timeline:
    """Seconds spent in each phase, in order."""

    def __init__(self):
        self.start, self.phases = time.monotonic(), []

    @contextmanager
    def phase(self, name):
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.phases.append((name, time.monotonic() - t0))

    def text(self):
        lines = [f"{seconds:7.1f} s  {name}" for name, seconds in self.phases]
        return "\n".join(["hub test timeline", *lines, f"{time.monotonic() - self.start:7.1f} s  total"]) + "\n"


def _pids_of(uids):
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and entry.stat().st_uid in uids:
                pids.append(int(entry.name))
        except FileNotFoundError:
            pass
    return pids


class Users:
    """System users with a home each, named ``rnn<role><tag>`` so that two runs never share one."""

    def __init__(self):
        self.tag, self.names = secrets.token_hex(3), []

    def add(self, role):
        name = f"rnn{role}{self.tag}"
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True, capture_output=True)
        self.names.append(name)
        return name

    def uid(self, name):
        return pwd.getpwnam(name).pw_uid

    def close(self):
        uids = set()
        for name in self.names:
            try:
                uids.add(self.uid(name))
            except KeyError:
                pass
        for _ in range(20):                      # whatever still runs as them: what the hub left
            pids = _pids_of(uids)
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        for name in self.names:
            subprocess.run(["userdel", "--remove", name], capture_output=True)


class Hub:
    """JupyterHub with deploy/jupyterhub_config.py, on 127.0.0.1 ports of its own, driven by a service token."""

    def __init__(self, workdir, instructors, students, exchange, unsandboxed=False):
        self.workdir = Path(workdir)
        self.port, self.token = free_port(), secrets.token_hex(32)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.workdir / "hub.log"
        config = self.workdir / "test_config.py"
        config.write_text(f"""c = get_config()
load_subconfig({str(ROOT / "deploy" / "jupyterhub_config.py")!r})
c.JupyterHub.bind_url = {self.url + "/"!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.JupyterHub.authenticator_class = "shared-password"     # no PAM; the test logs in with tokens only
c.SharedPasswordAuthenticator.user_password = {secrets.token_hex(16)!r}
c.Spawner.environment.update({{"RNNCOURSE_UNSANDBOXED": "1"}} if {unsandboxed!r} else {{}})
c.JupyterHub.services = [{{"name": "course-test", "api_token": {self.token!r}}}]
c.JupyterHub.cleanup_servers = False   # the test kills its users' processes itself (Users.close): a quick stop
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
""")
        env = {**os.environ, "RNNCOURSE_INSTRUCTORS": ",".join(instructors),
               "RNNCOURSE_STUDENTS": ",".join(students), "RNNCOURSE_EXCHANGE": str(exchange)}
        argv = [str(BIN / "jupyterhub"), "-f", str(config)]
        if closed_folders():
            argv = _opened(argv, self.workdir / "stage")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, cwd=self.workdir, env=env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def tail(self, lines=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def api(self, method, path, token=None, **kw):
        """A request to ``self.url + path`` (the proxy) with a token (the service's by default)."""
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=300, **kw)

    def wait_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if self.api("GET", "/hub/api/").status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"the hub did not answer in {timeout} s:\n{self.tail()}")

    def spawn(self, names, timeout=180):
        """Start each user's server through the REST API; return {name: its user model} once all are ready."""
        for name in names:
            r = self.api("POST", f"/hub/api/users/{name}/server")
            assert r.status_code in (201, 202), f"spawning {name}: {r.status_code} {r.text}\n{self.tail()}"
        deadline, ready = time.monotonic() + timeout, {}
        while len(ready) < len(names) and time.monotonic() < deadline:
            for name in set(names) - set(ready):
                model = self.api("GET", f"/hub/api/users/{name}").json()
                if model["servers"].get("", {}).get("ready"):
                    ready[name] = model
            time.sleep(0.3)
        assert len(ready) == len(names), f"servers not ready in {timeout} s: {set(names) - set(ready)}\n{self.tail()}"
        return ready

    def user_token(self, name):
        r = self.api("POST", f"/hub/api/users/{name}/tokens", json={"note": "hub test", "expires_in": 3600})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def close(self):
        """Stop the hub (it stops the servers and the proxy it started), then whatever survived it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        pid_file = self.workdir / "jupyterhub-proxy.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip() or 0)
            try:
                if pid and b"configurable-http-proxy" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass
