"""What the tests of the checks share: the message with which a check rejects an answer."""

from rnncourse.checks.harness import CheckFailure


def failure_message(check, fn):
    """The explanation with which ``check(fn)`` fails.

    Raises AssertionError if the check passes, and lets any other exception through.
    """
    try:
        check(fn)
    except CheckFailure as err:
        return str(err)
    raise AssertionError(f"{check.__name__} accepted {getattr(fn, '__name__', fn)!r}; it should have failed")
