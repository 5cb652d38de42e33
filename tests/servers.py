"""Shared pieces of the browser tests: Debian's chromium under Playwright, and a JupyterLab
server on a free 127.0.0.1 port (started as ``make lab`` starts it).

Never downloads a browser: chromium is the system's (``.ci/run`` installs Debian's package).
"""

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path():
    """Path of the system's chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def need_chromium():
    """Skip the calling test (or fixture) with a stated reason where it cannot drive a browser."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    if chromium_path() is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)")


@contextlib.contextmanager
def browser(viewport=(1280, 900)):
    """A fresh chromium (own user-data dir): yields its browser context; closed afterwards."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": viewport[0], "height": viewport[1]})
        try:
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def browser_page(viewport=(1280, 900)):
    """A fresh chromium and one page in it; closed afterwards."""
    with browser(viewport) as context:
        yield context.pages[0] if context.pages else context.new_page()


def screenshot(page, name):
    """Save a PNG of ``page`` as build/screenshots/<name>.png; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: ``url`` (base URL with trailing slash), ``token``, ``root``."""

    def __init__(self, url, token, root, process, log):
        self.url, self.token, self.root, self.process, self.log = url, token, Path(root), process, log

    def link(self, path=""):
        """URL of ``path`` under the server, with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}{path}{sep}token={self.token}"

    def api(self, path):
        with urllib.request.urlopen(self.link(path), timeout=10) as response:
            return json.load(response)


@contextlib.contextmanager
def jupyter_lab(root, env=None, timeout=90):
    """Start ``jupyter lab`` on ``root`` as ``make lab`` does (its root dir; token auth; no
    browser; --allow-root as root) on a free 127.0.0.1 port; yield a :class:`Lab`; stop it.

    Its Jupyter config, data and runtime folders are fresh temporary ones (the user's
    ~/.jupyter is neither read nor written); the news pop-up is switched off and notebooks are
    not windowed (every cell stays in the page).
    """
    root = Path(root)
    token = os.urandom(16).hex()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="lab-home-") as home:
        home = Path(home)
        (home / "config" / "labconfig").mkdir(parents=True)
        (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
        # Every cell in the page (no virtual scrolling), so tests can find any cell by its index.
        tracker = home / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
        tracker.parent.mkdir(parents=True)
        tracker.write_text(json.dumps({"windowingMode": "none"}))
        environ = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
                   "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
                   "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data"),
                   "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
                   "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                   **(env or {})}
        args = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                "--no-browser", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "getuid") and os.getuid() == 0:
            args.append("--allow-root")
        log = open(home / "lab.log", "w+")
        process = subprocess.Popen(args, cwd=root, env=environ, stdout=log, stderr=subprocess.STDOUT)
        lab = Lab(f"http://127.0.0.1:{port}/", token, root, process, log)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    lab.api("api/status")
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"jupyter lab did not start:\n{log.read()[-4000:]}") from None
                    time.sleep(0.3)
            yield lab
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
