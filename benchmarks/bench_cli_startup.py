"""How fast the command line starts: `twofold --help` beside a bare `import typer, rich`.

Both are whole fresh processes, run alternately (baseline, then twofold, repeated) so background
load affects both alike; the medians and their ratio are printed. Target (issue 14 §1): the
ratio at most 2.

    .venv/bin/python benchmarks/bench_cli_startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BASELINE = [sys.executable, "-c", "import typer, rich, rich.console"]
TWOFOLD = [str(BIN / "twofold"), "--help"]


def _once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    _once(BASELINE), _once(TWOFOLD)  # warm the file cache
    base: list[float] = []
    ours: list[float] = []
    for _ in range(rounds):
        base.append(_once(BASELINE))
        ours.append(_once(TWOFOLD))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"baseline `import typer, rich`: median {b * 1000:.0f} ms over {rounds} runs")
    print(f"`twofold --help`:              median {o * 1000:.0f} ms over {rounds} runs")
    print(f"ratio: {o / b:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
