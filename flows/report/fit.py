"""Terminal tables that read at any width: names and numbers are never cut.

A table wider than the console loses its vertical rules and, if still too wide, is split into
parts that each repeat the name columns (the leading left-aligned ones) beside as many of the
other columns as fit; a part that cannot fit even one column wraps its cells between words.
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Column, Table

SEPARATOR = 1
"""A compact table's columns are one space apart (its box's blank vertical rule), no padding."""


def _width(column: Column) -> int:
    cells = [str(c) for c in column.cells] + [str(column.header)]
    return max(cell_len(line) for cell in cells for line in cell.splitlines() or [""])


def _copy(table: Table, columns: list[Column], title: str | None) -> Table:
    part = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=0)
    for column in columns:
        part.add_column(column.header, justify=column.justify, overflow="fold")
    for row in zip(*(list(c.cells) for c in columns), strict=True):
        part.add_row(*row)
    return part


def fit_tables(table: Table, width: int) -> list[Table]:
    """``table`` as one or more tables that each fit ``width`` console columns."""
    natural = sum(_width(c) + 3 for c in table.columns) + 1  # rules and padding
    if natural <= width:
        return [table]
    columns = list(table.columns)
    title = str(table.title) if table.title else ""
    compact = [_width(c) + SEPARATOR for c in columns]
    if sum(compact) <= width:
        return [_copy(table, columns, title or None)]
    names = 0
    while names < len(columns) - 1 and columns[names].justify == "left":
        names += 1
    groups: list[list[int]] = []
    room = width - sum(compact[:names])
    for i in range(names, len(columns)):
        if groups and sum(compact[j] for j in groups[-1]) + compact[i] <= room:
            groups[-1].append(i)
        else:
            groups.append([i])
    return [
        _copy(
            table,
            columns[:names] + [columns[i] for i in group],
            f"{title} ({n}/{len(groups)})" if title and len(groups) > 1 else title or None,
        )
        for n, group in enumerate(groups, start=1)
    ]


def print_fitted(console: Console, table: Table | None) -> None:
    """Print ``table`` (nothing if None) as tables that fit the console's width."""
    if table is not None:
        for part in fit_tables(table, console.width):
            console.print(part)
