"""Record, then compare, every catalogue scenario's run figures: behaviour must not change.

A restructuring of the code (modules moved, a fast path added) must leave what a run computes
as it was. ``record`` runs ``clearsim run FILE --json -r 3 --seed 11`` for every scenario file
of the catalogue and keeps the figures; ``compare`` runs them again and lists every figure that
differs, ignoring the run's id (storage) and nothing else::

    python scripts/run_figures.py record figures-before.json
    python scripts/run_figures.py compare figures-before.json

``--command`` names the command to run (default ``clearsim``), so figures of an older checkout
can be recorded with ``--command "python -m flows.cli"`` and that checkout on ``PYTHONPATH``.
Exit status: 0 when every figure matches, 1 when one differs, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

IGNORED = frozenset({"run_id"})
"""Top-level fields that say where a run was stored, not what it computed."""

ARGS = ("--json", "-r", "3", "--seed", "11", "--quiet")


def catalogue(root: Path) -> list[Path]:
    """Every scenario file of the catalogue (the validation scenarios included)."""
    return sorted((root / "scenarios").glob("*.yaml")) + sorted(
        (root / "scenarios" / "validation").glob("*.yaml")
    )


def run_figures(command: list[str], path: Path, db_url: str) -> dict[str, Any]:
    """One scenario's ``--json`` output, less the ignored fields."""
    out = subprocess.run(
        [*command, "run", str(path), *ARGS, "--db-url", db_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, Any] = json.loads(out)
    return {key: value for key, value in figures.items() if key not in IGNORED}


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Every leaf where the two figure trees differ, as ``path: before -> after``."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        # A field the recording did not have is a new output, not a changed figure.
        for key in sorted(set(before)):
            found += differences(before.get(key), after.get(key), f"{path}.{key}")
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for index, (one, other) in enumerate(zip(before, after, strict=True)):
            found += differences(one, other, f"{path}[{index}]")
        return found
    return [] if before == after else [f"{path}: {before!r} -> {after!r}"]


def main() -> int:
    """Record or compare the catalogue's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("file", type=Path, help="the recorded figures (JSON)")
    parser.add_argument("--command", default="clearsim", help="how to call clearsim")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout to read")
    args = parser.parse_args()
    command = shlex.split(args.command)
    with tempfile.TemporaryDirectory() as scratch:
        db_url = f"sqlite:///{scratch}/figures.db"
        figures = {}
        for path in catalogue(args.root):
            print(f"{path.name} ...", file=sys.stderr, flush=True)
            figures[path.name] = run_figures(command, path, db_url)
    if args.action == "record":
        args.file.write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(figures)} scenarios in {args.file}")
        return 0
    before = json.loads(args.file.read_text())
    found = differences(before, figures)
    for line in found:
        print(line)
    print(f"{len(figures)} scenarios, {len(found)} figures differ")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
