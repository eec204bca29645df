"""Provenance of a run: code version and library versions, stored with every result."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

_BEHAVIOUR_PACKAGES = ("models", "simulation")
_LIBRARIES = ("simpy", "networkx", "numpy", "scipy", "pydantic", "sqlmodel", "prefect")


def package_version() -> str:
    """Installed version of clearsim (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return metadata.version("clearsim")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@cache
def code_version() -> str:
    """Package version plus a digest of the engine's sources: any change to behaviour shows.

    The sources are found where Python imports ``clearsim.models`` and ``clearsim.simulation``
    from (the repository's top-level folders in an editable install, ``clearsim/`` otherwise).
    """
    digest = hashlib.sha256()
    for package, root in behaviour_sources().items():
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{package}/{path.relative_to(root).as_posix()}".encode())
            digest.update(path.read_bytes())
    return f"{package_version()}+src.{digest.hexdigest()[:12]}"


def behaviour_sources() -> dict[str, Path]:
    """The folders of the packages whose sources decide a replication's result."""
    found = {}
    for package in _BEHAVIOUR_PACKAGES:
        spec = importlib.util.find_spec(f"clearsim.{package}")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"clearsim.{package} cannot be found to version its sources")
        found[package] = Path(next(iter(spec.submodule_search_locations))).resolve()
    return found


@cache
def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries that shape results."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def library_versions_json() -> str:
    """:func:`library_versions` as canonical JSON."""
    return json.dumps(library_versions(), sort_keys=True, separators=(",", ":"))
