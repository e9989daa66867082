"""Option values the command line needs before any command runs, without importing the core.

The core's constants live with the code that uses them (``twofold.core.norms``); importing it
loads NumPy, so the defaults shown by ``--help`` are repeated here and a test
(``tests/cli/test_startup.py``) checks they still equal the core's.
"""

from __future__ import annotations

__all__ = ["NORMS_MIN_FINAL_N", "NORMS_PERCENTILES"]

NORMS_MIN_FINAL_N = 200
"""``twofold.core.norms.MIN_FINAL_N``: the smallest norm sample accepted by default."""

NORMS_PERCENTILES: tuple[float, ...] = (5, 10, 25, 50, 75, 90, 95)
"""``twofold.core.norms.DEFAULT_PERCENTILES``."""
