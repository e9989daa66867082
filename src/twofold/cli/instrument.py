"""``twofold instrument validate``, ``twofold instrument lint`` and ``twofold instrument show``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twofold.cli.app import console, instrument_app
from twofold.errors import UserError

if TYPE_CHECKING:  # loaded when a command runs, not when the command line starts
    from rich.tree import Tree

    from twofold.core import Instrument

__all__ = ["lint", "show", "validate"]


@instrument_app.command()
def validate(
    path: Annotated[str, typer.Argument(help="A YAML definition (or a bundled id).")],
) -> None:
    """Check a definition; list every problem (exit 2) or summarise it."""
    from twofold.core import load_instrument

    inst = load_instrument(path)
    console.print(
        f"[green]ok[/] {inst.source}: {inst.id} {inst.version} - {len(inst.items)} items, "
        f"{len(inst.scales)} scales, {len(inst.composites)} composites, {len(inst.forms)} forms"
    )


@instrument_app.command()
def lint(
    path: Annotated[str, typer.Argument(help="A YAML definition (or a bundled id).")],
    avoid: Annotated[
        list[Path] | None,
        typer.Option(
            "--avoid",
            help="Hashed shingles of a text items must not copy (scripts/seed_shingles.py "
            "writes one); repeat for several.",
        ),
    ] = None,
) -> None:
    """Check the item-writing rules; list every problem with item id and rule (exit 2)."""
    from twofold.core.itemlint import lint_path, load_shingles

    protected = [load_shingles(p) for p in avoid or []]
    inst, problems = lint_path(path, avoid=protected)
    if problems:
        raise UserError(
            f"{inst.source}: {len(problems)} item-writing problem(s)", [str(p) for p in problems]
        )
    checked = f", checked against {len(protected)} protected text(s)" if protected else ""
    console.print(f"[green]ok[/] {inst.source}: {len(inst.items)} items follow the rules{checked}")


@instrument_app.command()
def show(
    name: Annotated[str, typer.Argument(help="Bundled id (e.g. rbi) or a YAML file.")],
    lang: Annotated[str, typer.Option("--lang", help="Language of labels and items.")] = "en",
    items: Annotated[bool, typer.Option("--items", help="List every item's text.")] = False,
) -> None:
    """A readable summary: scales and their items, composites, forms, norms, map, safety."""
    from rich.table import Table

    from twofold.core import load_instrument
    from twofold.core.instrument import localized

    inst = load_instrument(name)
    console.print(f"[bold]{localized(inst.title, lang)}[/] ({inst.id} {inst.version})")
    scale = next(iter(inst.response_scales.values()))
    anchors = ", ".join(f"{v} {scale.label(v, lang)}" for v in sorted(scale.anchors))
    console.print(
        f"Languages: {', '.join(inst.languages)}.  Answers {scale.min}..{scale.max}: {anchors}"
    )
    console.print(
        f"A score needs at least {inst.min_answered:.0%} of its items answered (unless a scale says otherwise)."
    )
    console.print(_scale_tree(inst, lang))
    if inst.composites:
        table = Table(title="Composites")
        table.add_column("id")
        table.add_column("label")
        table.add_column("mean of")
        for c in inst.composites:
            parts = ", ".join(f"reversed {sid}" if sign < 0 else sid for sid, sign in c.components)
            table.add_row(c.id, localized(c.label, lang), parts)
        console.print(table)
    if inst.forms:
        table = Table(title="Forms")
        table.add_column("id")
        table.add_column("label")
        table.add_column("items", justify="right")
        for f in inst.forms:
            table.add_row(f.id, localized(f.label, lang), str(len(f.items)))
        console.print(table)
    if inst.regions is not None:
        r = inst.regions
        table = Table(title=f"Balance map: {r.x} (x) by {r.y} (y)")
        table.add_column("region")
        table.add_column("label")
        table.add_column(r.x)
        table.add_column(r.y)
        for region in r.regions:
            table.add_row(
                region.id, localized(region.label, lang), region.when[r.x], region.when[r.y]
            )
        console.print(table)
        for axis in (r.x, r.y):
            value, basis = inst.cut(axis)
            console.print(f"  cut for {axis}: {value:g} ({basis}); high means above the cut")
    for flag in inst.flags:
        console.print(f"Flag [bold]{flag.id}[/]: {flag.score} at or above {flag.at_or_above:g}")
    if inst.norms is not None:
        status = "PROVISIONAL" if inst.norms.provisional else f"sample: {inst.norms.sample}"
        table = Table(title=f"Norms ({status})")
        for col in ("score", "mean", "SD", "reliability", "SEM"):
            table.add_column(col, justify="right" if col != "score" else "left")
        for sid, norm in inst.norms.scores.items():
            table.add_row(
                sid,
                f"{norm.mean:.2f}",
                f"{norm.sd:.2f}",
                f"{norm.reliability:.2f}",
                f"{norm.sem:.2f}",
            )
        console.print(table)
        if inst.norms.note:
            console.print(f"  {inst.norms.note}")
    if inst.safety is not None:
        console.print(
            f"Safety: items {', '.join(inst.safety.items)}; any answer at or above "
            f"{inst.safety.at_or_above} triggers {', '.join(inst.safety.triggers)}; "
            "skipped items are 'not answered', never 'no concern'"
        )
        if inst.safety.own_behaviour:
            console.print(
                f"  own behaviour: {', '.join(inst.safety.own_behaviour)} (resources for people "
                "worried about their own behaviour)"
            )
        if inst.safety.danger_signs:
            console.print(
                f"  danger signs (follow-up after a positive answer): "
                f"{', '.join(inst.safety.danger_signs)}"
            )
    if items:
        table = Table(title="Items")
        table.add_column("id")
        table.add_column("keyed")
        table.add_column("text")
        for item in inst.items:
            table.add_row(item.id, "reversed" if item.reverse else "", item.text_in(lang))
        console.print(table)


def _scale_tree(inst: Instrument, lang: str) -> Tree:
    from rich.tree import Tree

    from twofold.core.instrument import localized

    tree = Tree("[bold]Scales[/]")
    children = {c for s in inst.scales for c in s.children}
    by_id = {s.id: s for s in inst.scales}

    def add(node: Tree, sid: str) -> None:
        s = by_id[sid]
        reversed_count = sum(1 for _, sign in s.keys if sign < 0)
        branch = node.add(
            f"[bold]{s.id}[/] {localized(s.label, lang)} - {_count(len(s.keys), 'item')}, "
            f"{reversed_count} reversed"
            + (
                f", min {s.min_answered:.0%} answered"
                if s.min_answered != inst.min_answered
                else ""
            )
        )
        if s.children:
            for child in s.children:
                add(branch, child)
        else:
            branch.add(", ".join(f"-{i}" if sign < 0 else i for i, sign in s.keys))

    for s in inst.scales:
        if s.id not in children:
            add(tree, s.id)
    return tree


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
