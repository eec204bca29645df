"""The examples run and print what their ``.out`` files hold (SimPy's ``.py``/``.out`` idiom).

Each ``examples/<name>.py`` runs in a subprocess from the repository's root, as its docstring
tells a reader to run it, and its standard output is compared with ``examples/<name>.out`` line
by line. The text around the numbers must be identical (a run of spaces counts as one, since a
table's column widens with a wider number); each number must lie within one unit of its last
printed digit, plus a hair, of the expected one: 0.101 for ``12.3``, 0.0101 for ``0.80``, 1.01
for ``480`` or ``38%``. The tolerance is there because the tests must hold on any x86-64 CPU:
numpy's vectorised maths can differ from scalar maths in the last bit on some CPUs, and a figure
that lies on a rounding boundary then prints with its last digit one unit away. Half a unit
would not absorb that flip; anything more than a unit would hide a change. A zero-padded integer
(a case number such as ``000001``, the hour in ``08:30``) is a label, not a measurement, and
must be equal.

Regenerate the expected outputs after an intended change with
``python scripts/update_examples.py [NAME ...]`` and review ``git diff examples/``.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from clearsim.models.process_union import ProcessSpec

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

# A number on its own: not part of a word (``x3``, ``7x24``, ``000001`` in ``:000001`` is one)
# and not followed by a letter or another decimal part; a sentence's full stop may follow it.
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?!\w|\.\d)")


def _process_kinds() -> set[str]:
    """Every ``kind`` of the process spec union, read from the union itself."""
    union = get_args(ProcessSpec)[0]
    return {spec.model_fields["kind"].default for spec in get_args(union)}


def _tolerance(expected: str) -> float:
    """One unit in the last printed digit of ``expected``, plus a hair; none for a label."""
    integer, _, fraction = expected.lstrip("+-").partition(".")
    if not fraction and len(integer) > 1 and integer.startswith("0"):
        return 0.0
    return 1.01 * 10.0 ** -len(fraction)


def _mismatch(expected: str, actual: str) -> str | None:
    """Why ``actual`` is not ``expected`` within the tolerance, or None if it is."""
    texts = [[" ".join(p.split()) for p in NUMBER.split(line)] for line in (expected, actual)]
    if texts[0] != texts[1]:
        return "text differs"
    for want, got in zip(NUMBER.findall(expected), NUMBER.findall(actual), strict=True):
        if abs(float(got) - float(want)) > _tolerance(want):
            return f"printed {got}, expected {want} within {_tolerance(want):.3g}"
    return None


def test_the_comparison_allows_a_flipped_last_digit_and_nothing_more() -> None:
    assert _mismatch("mean  12.3 h [-0.1, 4]", "mean 12.4 h [0.0, 5]") is None
    assert _mismatch("0.80 and 38%", "0.81 and 37%") is None
    assert _mismatch("mean 12.3 h", "mean 12.5 h") is not None
    assert _mismatch("rho 0.80.", "rho 0.82.") is not None
    assert _mismatch("7x24 at 08:30", "7x25 at 08:30") is not None  # 7x24 is a word
    assert _mismatch("container:000001 at 08:30", "container:000002 at 08:30") is not None
    assert _mismatch("at 08:30", "at 09:30") is not None
    assert _mismatch("arrival->exit 5.0", "arrival->release 5.0") == "text differs"


def test_every_process_kind_and_the_python_api_have_an_example() -> None:
    kinds = _process_kinds()
    assert "sea_import" in kinds and "station_flow" in kinds
    names = {script.stem for script in SCRIPTS}
    assert kinds | {"python_api"} <= names, sorted(kinds | {"python_api"} - names)
    assert {out.stem for out in EXAMPLES.glob("*.out")} == names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_says_what_it_shows_and_how_to_run_it(script: Path) -> None:
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
    assert docstring, f"{script.name} has no module docstring"
    assert f"python examples/{script.name}" in docstring


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_prints_its_expected_output(script: Path) -> None:
    out = script.with_suffix(".out")
    assert out.is_file(), f"{out.name} is missing: python scripts/update_examples.py {script.stem}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, str(script.relative_to(ROOT))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = out.read_text(encoding="utf-8").splitlines()
    actual = done.stdout.splitlines()
    assert len(actual) == len(expected), (
        f"{script.name} printed {len(actual)} lines, {script.stem}.out has {len(expected)}:\n"
        + done.stdout
    )
    for number, (want, got) in enumerate(zip(expected, actual, strict=True), start=1):
        reason = _mismatch(want, got)
        assert reason is None, (
            f"{out.name} line {number}: {reason}\n  expected: {want}\n  printed:  {got}"
        )
