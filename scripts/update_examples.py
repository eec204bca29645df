"""Regenerate the examples' expected outputs: ``examples/<name>.out`` from ``examples/<name>.py``.

Runs each example as ``tests/test_examples.py`` does (from the repository's root, printing in
UTF-8), writes what it prints to its ``.out`` file and says whether that changed and how long
the example took. Review the change with ``git diff examples/`` before committing it::

    python scripts/update_examples.py                          # every example
    python scripts/update_examples.py sea_import python_api    # some, by name

Exit status: 0 when every example ran, 1 when one failed (its ``.out`` is left as it was),
2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def update(name: str) -> bool:
    """Run ``examples/<name>.py`` and write its output to ``<name>.out``; False if it failed."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, f"examples/{name}.py"],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"{name}: failed (exit status {done.returncode})\n{done.stderr}", file=sys.stderr)
        return False
    out = EXAMPLES / f"{name}.out"
    before = out.read_text(encoding="utf-8") if out.exists() else None
    out.write_text(done.stdout, encoding="utf-8", newline="\n")
    state = "unchanged" if done.stdout == before else "written"
    print(f"{name}: {state} ({seconds:.1f} s)")
    return True


def main(argv: list[str] | None = None) -> int:
    """Regenerate the named examples' outputs, or every example's."""
    known = sorted(path.stem for path in EXAMPLES.glob("*.py"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(known)}")
    names = parser.parse_args(argv).names or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        parser.error(f"no example named {', '.join(unknown)}")
    results = [update(name) for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
