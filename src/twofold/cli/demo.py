"""``twofold demo``: score the bundled example couple and show both profiles and their pattern."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twofold.cli.app import app, console

if TYPE_CHECKING:  # loaded when a command runs, not when the command line starts
    from rich.panel import Panel

    from twofold.core import PersonProfile
    from twofold.core.instrument import Instrument

__all__ = ["demo", "example_couple_path"]


def example_couple_path() -> Path:
    return Path(str(resources.files("twofold.data").joinpath("example_couple.csv")))


@app.command()
def demo(lang: Annotated[str, typer.Option("--lang", help="en or es")] = "en") -> None:
    """Score the bundled example couple with the RBI and print what Twofold sees."""
    import numpy as np
    from rich.panel import Panel

    from twofold.core import couples, load_instrument, profile
    from twofold.core.instrument import localized
    from twofold.pipeline import responses_from_batch
    from twofold.tables import read_table

    rbi = load_instrument("rbi@1.0")  # the bundled example data answer 1.0
    table = read_table(example_couple_path(), float_columns=set(rbi.item_ids))
    prof = profile(rbi, responses_from_batch(rbi, table))
    names = [str(n) for n in table.column("name").to_pylist()]
    result = couples(
        prof, np.array([str(c) for c in table.column("couple").to_pylist()], dtype=object)
    )
    console.print(
        f"[bold]{localized(rbi.title, lang)}[/] - example couple, scored from "
        f"{example_couple_path().name} ({len(rbi.items)} items each)\n"
    )
    for i, name in enumerate(names):
        console.print(_person_panel(rbi, prof.person(i), name, lang))
    view = result.couple(0)
    lines = [f"Pattern: [bold]{(view.pattern or 'unknown').replace('_', ' ')}[/]"]
    if view.distance is not None:
        lines.append(f"Distance between the two points on the balance map: {view.distance:.2f}")
    if view.similarity is not None:
        lines.append(f"Similarity of the four-facet profiles (r): {view.similarity:.2f}")
    for facet, (a_of_b, b_of_a) in view.understanding.items():
        parts = []
        if a_of_b is not None:
            parts.append(f"{names[0]} sees {names[1]} {a_of_b:+.2f}")
        if b_of_a is not None:
            parts.append(f"{names[1]} sees {names[0]} {b_of_a:+.2f}")
        if parts:
            lines.append(f"Understanding, {rbi.label(facet, lang)}: " + "; ".join(parts))
    console.print(Panel("\n".join(lines), title="The couple", expand=False))
    console.print(
        "Norms are provisional: intervals use placeholder reliabilities until real norm data exist."
        if rbi.norms_provisional
        else f"Norms: {rbi.norms.sample if rbi.norms else ''}"
    )


def _person_panel(rbi: Instrument, person: PersonProfile, name: str, lang: str) -> Panel:
    from rich.panel import Panel
    from rich.table import Table

    from twofold.core.instrument import localized

    table = Table(box=None, pad_edge=False)
    table.add_column("score")
    table.add_column("value", justify="right")
    table.add_column("95% interval", justify="right")
    shown = [*rbi.profile, *(c.id for c in rbi.composites)]
    shown += [
        s.id
        for s in rbi.scales
        if s.id in ("autonomy_need", "relatedness_need", "accommodation", "satisfaction")
    ]
    for sid in shown:
        value = person.scores.get(sid)
        interval = person.intervals.get(sid)
        table.add_row(
            rbi.label(sid, lang),
            "-" if value is None else f"{value:.2f}",
            "" if interval is None else f"{interval[0]:.2f} - {interval[1]:.2f}",
        )
    lines = []
    if person.region is not None and rbi.regions is not None:
        region = next(r for r in rbi.regions.regions if r.id == person.region)
        probs = ", ".join(
            f"{_short(r.label, lang)} {_percent(person.region_probabilities[r.id])}"
            for r in rbi.regions.regions
        )
        lines.append(f"Region: [bold]{localized(region.label, lang)}[/]")
        lines.append(f"  chance of each region, given measurement error: {probs}")
    raised = [localized(f.label, lang) for f in rbi.flags if person.flags.get(f.id)]
    if raised:
        lines.append("Flagged: " + ", ".join(raised))
    if person.safety:
        lines.append(
            "[bold]Safety concern reported[/] - the app would show support resources privately."
        )
    from rich.console import Group

    return Panel(Group(table, *lines), title=name, expand=False)


def _short(label: dict[str, str], lang: str) -> str:
    from twofold.core.instrument import localized

    return localized(label, lang).split(":")[0]


def _percent(p: float) -> str:
    if p < 0.01:
        return "<1%"
    if p > 0.99:
        return ">99%"
    return f"{p:.0%}"
