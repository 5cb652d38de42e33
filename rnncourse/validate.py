"""The one validator of sizes and counts that every part of the package uses."""

import numpy as np


def positive_int(name, value, what=""):
    """Return ``value`` as an ``int`` if it is a positive integer; raise ``ValueError`` otherwise.

    Python and numpy integers are accepted; ``bool`` and floats (even ``3.0``) are not.
    ``what`` is added to the message, e.g. ``"the number of steps to go back"``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 1:
        detail = f" ({what})" if what else ""
        raise ValueError(f"{name} must be a positive integer{detail}; got {value!r}")
    return int(value)
