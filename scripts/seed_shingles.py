"""Write the hashed word shingles of the seed article, so tests can check items against it.

The article itself is not ours and is never committed. This script reads it (from the shared
design folder by default), normalises it the way the item lint does, and writes the SHA-1 of
every 5-word shingle, sorted, one per line, to ``tests/fixtures/seed_shingles.txt``. A hash
cannot be read back into the text, but an item sharing five consecutive words with the
article hashes to one of them.

Usage::

    .venv/bin/python scripts/seed_shingles.py [ARTICLE] [--out FILE] [--size 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from twofold.core.itemlint import shingle_hashes

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "article",
        nargs="?",
        type=Path,
        default=Path("/work/shared/seed/dependence-vs-autonomy.txt"),
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "tests" / "fixtures" / "seed_shingles.txt"
    )
    parser.add_argument("--size", type=int, default=5)
    args = parser.parse_args()
    text = args.article.read_text(encoding="utf-8")
    hashes = sorted(shingle_hashes(text, args.size))
    header = [
        f"# size: {args.size}",
        "# SHA-1 of the normalised word shingles of the seed article (not committed);",
        "# made by scripts/seed_shingles.py. Used by tests and `twofold instrument lint --avoid`.",
    ]
    args.out.write_text("\n".join(header + hashes) + "\n", encoding="utf-8")
    print(f"wrote {len(hashes)} shingles of {args.size} words to {args.out}")


if __name__ == "__main__":
    main()
