"""The package layout: every folder installs under `clearsim`, and statistics load no engine.

The repository keeps its top-level folders (models/, simulation/, scenarios/, flows/, analysis/)
while everything installs under one import name through setuptools' package-dir mapping in
pyproject.toml (docs/architecture.md, "Layers"). These tests keep that mapping complete.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def _folder_of(package: str) -> Path:
    """The repository folder a `clearsim...` package name maps onto."""
    mapping: dict[str, str] = SETUPTOOLS["package-dir"]
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if head in mapping:
            return ROOT / mapping[head] / Path(*parts[cut:])
    raise AssertionError(f"{package} is under no package-dir entry")


def _package_of(folder: Path) -> str:
    """The `clearsim...` package name of a repository folder."""
    mapping: dict[str, str] = SETUPTOOLS["package-dir"]
    relative = folder.relative_to(ROOT)
    for package, top in mapping.items():
        top_path = Path(top)
        if relative == top_path or top_path in relative.parents:
            rest = relative.relative_to(top_path).parts
            return ".".join((package, *rest))
    raise AssertionError(f"{relative} is under no package-dir entry")


def _shipped_folders() -> set[Path]:
    """Folders under the mapped top-level folders that hold modules or scenario files."""
    folders: set[Path] = set()
    for top in set(SETUPTOOLS["package-dir"].values()):
        for path in (ROOT / top).rglob("*"):
            if path.suffix in {".py", ".yaml"} and "__pycache__" not in path.parts:
                folders.add(path.parent)
    return folders


def test_every_folder_with_modules_or_data_is_a_listed_package() -> None:
    listed = set(SETUPTOOLS["packages"])
    missing = sorted(_package_of(f) for f in _shipped_folders() if _package_of(f) not in listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_listed_package_exists() -> None:
    absent = [p for p in SETUPTOOLS["packages"] if not _folder_of(p).is_dir()]
    assert not absent, f"listed in pyproject.toml but no such folder: {absent}"


def test_nothing_generic_installs_at_the_top_of_site_packages() -> None:
    tops = {p.split(".")[0] for p in SETUPTOOLS["packages"]}
    assert tops == {"clearsim"}, tops


def test_importing_the_statistics_loads_no_engine() -> None:
    """analysis/ is replication statistics only: no SimPy, NetworkX or database library."""
    probe = (
        "import sys, clearsim.analysis.statistics, clearsim.analysis.comparison;"
        "print(sorted(m for m in ('simpy', 'networkx', 'sqlalchemy', 'sqlmodel', 'prefect')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]", out


def test_import_clearsim_is_cheap_and_lazy() -> None:
    """`import clearsim` loads no engine; the API's names load on first use."""
    probe = (
        "import sys, clearsim;"
        "before = 'simpy' in sys.modules;"
        "clearsim.load_scenario;"
        "print(before, 'clearsim.api' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"], out


MAX_MODULE_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    """Small modules with one job each (docs/architecture.md): split a module that outgrows it."""
    long = {
        str(path.relative_to(ROOT)): n
        for top in (*set(SETUPTOOLS["package-dir"].values()), "benchmarks", "scripts")
        for path in (ROOT / top).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
