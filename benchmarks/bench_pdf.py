"""PDF downloads beside the HTML report pages they copy, in one run, in one process.

A fresh SQLite database in a temporary folder, the bundled RBI, and the demo couple (Ana and
Bruno, both finished and sharing: `twofold.web.demo.demo_load`, as `make run` loads it). Every
request goes through Django's whole stack (middleware, sessions, the views, templates) with
its test client, so no network or server process is in the figures; the server adds the same
few milliseconds to both.

1. The first PDF of the process (its WeasyPrint import and font set-up included), then the
   first couple PDF.
2. Interleaved rounds of the four requests: Ana's results page, its PDF, the couple report page,
   its PDF. Interleaving spreads any background load over all four alike.

Prints median and 95th percentile per request, the PDF's size and pages, and the ratio of each
PDF to its page.

    .venv/bin/python benchmarks/bench_pdf.py --rounds 20
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="twofold-bench-pdf-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "twofold.web.config.base",
            "TWOFOLD_DATA_DIR": str(workdir),
            "TWOFOLD_INSTRUMENT": "rbi@1.0",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    import pypdf
    from django.core.management import call_command
    from django.test import Client

    from twofold.web.accounts.models import User
    from twofold.web.demo import demo_load

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `twofold serve` does
    _password, people = demo_load()
    ana = User.objects.get(email=people[0][0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(ana)

    def get(url: str) -> tuple[float, bytes]:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, response.content

    requests = {
        "results page (HTML)": "/assessment/results/",
        "results PDF": "/assessment/results/pdf/",
        "couple report page (HTML)": "/couple/report/",
        "couple report PDF": "/couple/report/pdf/",
    }
    first_pdf, _ = get(requests["results PDF"])
    first_couple_pdf, _ = get(requests["couple report PDF"])
    print(
        f"first results PDF of the process (WeasyPrint import included): {first_pdf * 1000:.0f} ms"
    )
    print(f"first couple report PDF: {first_couple_pdf * 1000:.0f} ms")

    times: dict[str, list[float]] = {name: [] for name in requests}
    sizes: dict[str, tuple[int, int]] = {}
    for _ in range(args.rounds):
        for name, url in requests.items():
            elapsed, content = get(url)
            times[name].append(elapsed)
            if content.startswith(b"%PDF-"):
                sizes[name] = (len(content), len(pypdf.PdfReader(io.BytesIO(content)).pages))

    print(f"\n{args.rounds} interleaved rounds, Ana (English), bundled RBI:\n")
    print("| request | median ms | p95 ms | PDF size | pages |")
    print("|---|---:|---:|---:|---:|")
    medians = {}
    for name, values in times.items():
        values.sort()
        medians[name] = statistics.median(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        size, pages = sizes.get(name, (0, 0))
        extra = f"{size / 1024:.0f} KiB | {pages}" if size else "– | –"
        print(f"| {name} | {medians[name] * 1000:.1f} | {p95 * 1000:.1f} | {extra} |")
    print(
        f"\nresults PDF / page: {medians['results PDF'] / medians['results page (HTML)']:.0f}x; "
        f"couple PDF / page: "
        f"{medians['couple report PDF'] / medians['couple report page (HTML)']:.0f}x"
    )


if __name__ == "__main__":
    main()
