"""What the tests of the checks share: the notebooks' answers, and the message with which a
check rejects an answer."""

import ast
import json

from rnncourse.checks.harness import CheckFailure
from rnncourse.course import release


def failure_message(check, fn):
    """The explanation with which ``check(fn)`` fails.

    Raises AssertionError if the check passes, and lets any other exception through.
    """
    try:
        check(fn)
    except CheckFailure as err:
        return str(err)
    raise AssertionError(f"{check.__name__} accepted {getattr(fn, '__name__', fn)!r}; it should have failed")


def answers(unit, folder="solutions"):
    """The functions that a unit's notebooks in ``folder`` (masters, or the student copies in
    ``notebooks``) define in their answer cells.

    Runs the notebook's locked set-up cells whole (but not the scorecard) and the import statements of its other code
    cells, then its answer cells, in a fresh namespace.
    """
    namespace = {"__name__": "learner"}
    code = [c for path in sorted((release.ROOT / folder / unit).glob("*.ipynb"))
            for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    for cell in code:
        meta = cell["metadata"].get("nbgrader", {})
        source = "".join(line for line in cell["source"] if not line.lstrip().startswith(("%", "!")))
        if meta.get("grade_id") == "scorecard":
            continue
        if meta.get("locked") and not meta.get("grade"):
            exec(source, namespace)
        else:
            imports = [node for node in ast.parse(source).body if isinstance(node, (ast.Import, ast.ImportFrom))]
            exec(compile(ast.Module(body=imports, type_ignores=[]), "<imports>", "exec"), namespace)
    for cell in code:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]), namespace)
    return namespace
