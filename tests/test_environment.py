"""The set-up files agree with each other: conda users get what pip users get."""

import re
import tomllib

from rnncourse.course import release

ROOT = release.ROOT


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])


def _conda_requirements():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    requirement = re.compile(r"^\s+- ([A-Za-z0-9_.\-]+[<>=!][^#]*?)\s*(?:#.*)?$")  # conda or pip section
    listed = [m.group(1) for m in map(requirement.match, lines) if m]
    return {req for req in listed if not req.startswith("python=")}


def test_environment_yml_names_the_same_dependencies():
    assert _conda_requirements() == _pyproject_requirements()


def test_environment_yml_pins_python_and_installs_the_package():
    text = (ROOT / "environment.yml").read_text()
    assert "  - conda-forge" in text
    assert "  - python=3.11" in text
    assert re.search(r"^\s+- -e \.$", text, re.M), "environment.yml must pip-install the package itself"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
