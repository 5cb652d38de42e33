"""The grading policy: what a student's code cell may do, judged from its source, outside the kernel.

Code that runs in a student's kernel can change anything in that kernel, including the checks
that grade it. So before a notebook runs, every code cell the student could edit is read here
(its syntax tree, never executed) and a cell that breaks a rule is not run at all: its source is
replaced by a note, and the exercise it answers scores zero with the reason in its test cells.

Rules for every editable cell, read as IPython runs it (magics included): imports only from
:data:`ALLOWED_IMPORTS` and no private module; no ``exec``, ``eval``, ``compile``, ``__import__``,
``open``, ``globals``/``locals``/``vars``, ``setattr``/``delattr``, ``get_ipython`` or IPython's
history (``In``, ``_i3``...), no attribute access by a string name (``getattr`` with a computed or
special name, ``operator.attrgetter``...); no private or special attributes; no attribute that
leads to the interpreter (``os``, ``modules``, frames; of ``sys`` only ``sys.stderr`` and
a few constants); no attribute assignment outside a
method's ``self``; no binding of ``check`` or of another exercise's name. Answer
cells also may not import or use the course package (``rnncourse`` or a name bound to it), nor
the ``check`` module, nor declare ``global`` names.
"""

import ast
import builtins
import re

from .normalise import grade_id

ALLOWED_IMPORTS = {"numpy", "math", "cmath", "random", "collections", "itertools", "functools", "string", "re",
                   "statistics", "dataclasses", "typing", "time", "warnings", "sys", "keras", "tensorflow"}
SYS_ATTRIBUTES = {"stdout", "stderr", "float_info", "maxsize"}   # all that ``sys`` may be used for
DEMO_IMPORTS = {"matplotlib", "rnncourse"}          # also in cells that are not answers
FORBIDDEN_PACKAGE_PARTS = ("rnncourse.checks", "rnncourse.course")
FORBIDDEN_CALLS = {"exec", "eval", "compile", "__import__", "open", "globals", "locals", "vars", "setattr",
                   "delattr", "breakpoint", "input", "memoryview", "get_ipython", "exit", "quit",
                   # attribute access by a name given as a string, and IPython's input/output history
                   "attrgetter", "methodcaller", "update_wrapper", "wraps", "In", "Out", "_ih", "_oh"}
FORBIDDEN_METHODS = FORBIDDEN_CALLS - {"compile", "open", "input", "memoryview", "exit", "quit", "In", "Out"}
HISTORY = re.compile(r"_i{1,3}\d*|_\d+")            # _i, _ii, _iii, _i7, _7: IPython's history names
ALLOWED_DUNDERS = {"__init__", "__name__", "__doc__"}
FORBIDDEN_ATTRIBUTES = {"sys", "os", "builtins", "importlib", "subprocess", "modules", "system", "popen", "kill",
                        "killpg", "environ", "signal", "ctypes", "inspect", "f_globals", "f_locals", "f_back",
                        "f_builtins", "gi_frame", "cr_frame", "tb_frame", "tb_next"}
TEST_MODULE = "check"                               # the name the test cells call the checks by


def notebook_verdicts(nb, release):
    """``{cell index: (exercise or None, reasons)}`` for the code cells of ``nb`` that break a rule.

    Run after nbgrader's OverwriteCells (and :func:`normalise_cells`), so that every cell that
    carries the id of one of ``release``'s locked cells holds that cell's own source: those are
    trusted. Every other code cell is the student's; an answer cell (or a copy of one) is judged
    as that exercise's answer.
    """
    meta = [cell.get("metadata", {}).get("nbgrader", {}) for cell in release.cells]
    code = [(cell, m) for cell, m in zip(release.cells, meta) if cell.cell_type == "code"]
    locked = {grade_id(cell) for cell, m in code if m.get("locked")}
    exercises = [grade_id(cell) for cell, m in code if m.get("solution")]
    package = package_names(cell.source for cell, m in code if m.get("locked") and not m.get("grade"))
    verdicts = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or grade_id(cell) in locked:
            continue
        gid = grade_id(cell)
        exercise = gid if gid in exercises else cell.get("metadata", {}).get("rnncourse", {}).get("answer_copy")
        reasons = violations(cell.source, exercises, exercise, package)
        if reasons:
            verdicts[i] = (exercise, reasons)
    return verdicts


def package_names(locked_sources):
    """Names that the locked cells bind to the course package (``reference``, ``models``, ...)."""
    names = set()
    for source in locked_sources:
        for node in ast.walk(_parse(source) or ast.Module(body=[], type_ignores=[])):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnncourse"):
                names |= {alias.asname or alias.name for alias in node.names}
            elif isinstance(node, ast.Import):
                names |= {alias.asname or alias.name.split(".")[0] for alias in node.names
                          if alias.name.startswith("rnncourse")}
    return names


def _parse(source):
    """The syntax tree of ``source`` as IPython runs it (``%magic`` and ``!shell`` lines become
    ``get_ipython()`` calls), or None if IPython would not run it either."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError:
        return None


def violations(source, exercises, answer_to=None, package=()):
    """The rules ``source`` breaks, as sentences (empty: the cell may run).

    ``exercises``: every exercise name of the notebook; ``answer_to``: the exercise this cell
    answers, or None for any other editable cell; ``package``: :func:`package_names`.
    """
    tree = _parse(source)
    if tree is None:
        return []                                    # IPython refuses to run it: a syntax error stops only this cell
    rules = _Rules(protected=({TEST_MODULE} | set(exercises)) - {answer_to}, answer=answer_to is not None,
                   package=set(package) | {TEST_MODULE})
    rules.visit(tree)
    return list(dict.fromkeys(rules.found))


class _Rules(ast.NodeVisitor):
    """Walks one cell, knowing which names are local to the function it is in (none at top level)."""

    def __init__(self, protected, answer, package):
        self.protected, self.answer, self.package = protected, answer, package
        self.local = None                            # None at the cell's top level
        self.safe_getattr, self.safe_sys, self.sys_names = set(), set(), set()
        self.found = []

    def visit_FunctionDef(self, node):
        if not isinstance(node, ast.Lambda):
            self._binds(node.name)
        outer, self.local = self.local, _local_names(node)
        self.generic_visit(node)
        self.local = outer

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._binds(node.name)
        self.generic_visit(node)

    def _binds(self, name):
        if self.local is None and name in self.protected:
            self.found.append(f"it binds the name `{name}`, which the tests use (only its own answer cell may)")

    def visit_Import(self, node):
        self._imports([alias.name for alias in node.names])
        self.sys_names |= {alias.asname or alias.name for alias in node.names if alias.name == "sys"}

    def visit_ImportFrom(self, node):
        self._imports([node.module or "."] if node.level == 0 else ["."])
        if node.module == "sys" and any(alias.name not in SYS_ATTRIBUTES for alias in node.names):
            self.found.append(f"it imports from `sys` more than {sorted(SYS_ATTRIBUTES)}")
        for alias in node.names:
            if not _plain(alias.name):
                self.found.append(f"it imports `{alias.name}` from `{node.module}`")
        if self.local is None:
            for alias in node.names:
                self._binds(alias.asname or alias.name)

    def _imports(self, modules):
        allowed = ALLOWED_IMPORTS if self.answer else ALLOWED_IMPORTS | DEMO_IMPORTS
        for module in modules:
            private = any(part.startswith("_") for part in module.split("."))
            if module.split(".")[0] not in allowed or module.startswith(FORBIDDEN_PACKAGE_PARTS) or private:
                why = ("graded work must be your own" if module.startswith("rnncourse")
                       else "the course does not need it")
                self.found.append(f"it imports `{module}` ({why})")

    def visit_Global(self, node):
        if self.answer or set(node.names) & self.protected:
            self.found.append("it declares `global` names: return values instead")

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) > 1:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and _plain(name.value):
                self.safe_getattr.add(id(node.func))
        self.generic_visit(node)

    def visit_Name(self, node):
        name = node.id
        if isinstance(node.ctx, ast.Store):
            self._binds(name)
        elif name in FORBIDDEN_CALLS or HISTORY.fullmatch(name) or (name.startswith("__")
                                                                     and name not in ALLOWED_DUNDERS):
            self.found.append(f"it uses `{name}`")
        elif name in self.sys_names and id(node) not in self.safe_sys:
            self.found.append(f"it uses `sys` for more than {sorted(SYS_ATTRIBUTES)}")
        elif name == "getattr" and id(node) not in self.safe_getattr:
            self.found.append("it calls `getattr` with a computed or special attribute name")
        elif self.answer and name in self.package and not (self.local and name in self.local):
            self.found.append(f"it uses `{name}` from the course package: graded work must be your own")

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.sys_names and node.attr in SYS_ATTRIBUTES:
            self.safe_sys.add(id(node.value))
        if not _plain(node.attr):
            self.found.append(f"it reaches the attribute `.{node.attr}`")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            root = node.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if not (self.local and isinstance(root, ast.Name) and root.id == "self" and "self" in self.local):
                self.found.append(f"it assigns `{ast.unparse(node)}`: only a method may set attributes, "
                                  f"of `self`")
        self.generic_visit(node)


def _plain(attribute):
    """Whether an attribute name is an ordinary one (not private or special, not a way to the interpreter)."""
    private = attribute.startswith("_") and attribute not in ALLOWED_DUNDERS
    return not private and attribute not in FORBIDDEN_ATTRIBUTES | FORBIDDEN_METHODS


def _local_names(function):
    """The names a function binds itself (arguments and assignments): its local names."""
    names = set()
    if not isinstance(function, ast.Lambda):
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    args = function.args
    names |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    return names - set(dir(builtins))
