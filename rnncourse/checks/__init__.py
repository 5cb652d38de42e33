"""Checks that the notebooks' test cells call, one module per unit.

Each check compares a learner's function with the package's reference on the same inputs and,
when they disagree, says what is wrong in the learner's terms. A failing check raises
:class:`rnncourse.checks.harness.CheckFailure` (an ``AssertionError``) with that explanation.
"""
