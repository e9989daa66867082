from __future__ import annotations

from tests.cli.conftest import Run


def test_the_demo_shows_both_partners_and_their_pattern(cli: Run) -> None:
    result = cli("demo")
    assert result.code == 0, result.err
    assert "Maya" in result.out
    assert "Daniel" in result.out
    assert "Pattern: pursue withdraw" in result.out
    assert "Over-dependent >99%" in result.out


def test_the_demo_speaks_spanish(cli: Run) -> None:
    result = cli("demo", "--lang", "es")
    assert result.code == 0, result.err
    assert "Dependencia sana" in result.out
