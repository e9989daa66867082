from __future__ import annotations

import pytest

_SUMMARIES: list[str] = []


@pytest.fixture
def crash_summaries() -> list[str]:
    return _SUMMARIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the crash counts even when the test passes (issue 5 asks to see them)."""
    for summary in _SUMMARIES:
        terminalreporter.write_line(summary)
