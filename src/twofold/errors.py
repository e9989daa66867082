"""The one exception type for input a person can fix; the command line prints it and exits 2."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["UserError"]


class UserError(ValueError):
    """Bad input: a file, an option or a value. ``problems`` lists every reason found."""

    def __init__(self, summary: str, problems: Sequence[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        text = summary
        if self.problems:
            text += "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)
