"""The command line starts without the science stack: heavy imports wait for the command."""

from __future__ import annotations

import json
import subprocess
import sys

from twofold.cli.options import NORMS_MIN_FINAL_N, NORMS_PERCENTILES
from twofold.core.norms import DEFAULT_PERCENTILES, MIN_FINAL_N

HEAVY = ("numpy", "pandas", "pyarrow", "scipy", "pydantic", "django", "weasyprint", "yaml")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys\n{code}\nimport json\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import twofold.cli") == []


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom twofold.cli import app\nsys.argv = ['twofold', '--help']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(code) == []


def test_a_command_still_loads_what_it_needs() -> None:
    # The probe above can fail: a command that runs does import the core.
    code = (
        "import sys\nfrom twofold.cli import app\n"
        "sys.argv = ['twofold', 'instrument', 'validate', 'rbi']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert "numpy" in _loaded_after(code)


def test_the_help_defaults_equal_the_core_constants() -> None:
    assert NORMS_MIN_FINAL_N == MIN_FINAL_N
    assert tuple(NORMS_PERCENTILES) == tuple(DEFAULT_PERCENTILES)
