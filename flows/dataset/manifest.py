"""``manifest.json``: what a dataset is, where it came from, and a checksum of every file."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path

from clearsim.flows.dataset.writers import sha256_of

MANIFEST = "manifest.json"
UNFINISHED = ".unfinished"
"""Marks a dataset directory from its creation until its manifest is written."""
FORMAT_LIBRARIES = ("faker", "pyarrow")
"""Libraries whose version shapes the bytes of a dataset beside the engine's."""


@cache
def exporter_version() -> str:
    """First 12 hex digits of a sha256 over the sources of ``flows/dataset/``.

    The engine's code version (``clearsim.flows.storage.provenance.code_version``) covers
    ``models/`` and ``simulation/``; this covers the code that turns a log into files.
    """
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def format_libraries() -> dict[str, str]:
    """Versions of Faker and pyarrow."""
    return {name: metadata.version(name) for name in FORMAT_LIBRARIES}


def write_manifest(directory: Path, header: dict[str, object], rows: dict[str, int]) -> Path:
    """Write the manifest: ``header``, then every file with its rows (tables) and sha256.

    Files are listed in name order (hidden ones, such as the :data:`UNFINISHED` mark, left out);
    the manifest holds no wall-clock time, so two datasets of the same scenario, seed and code
    have equal manifests. It is written last and atomically (a temporary file renamed), so a
    directory with a manifest holds a whole dataset.
    """
    files = {}
    listed = (p for p in directory.iterdir() if p.name != MANIFEST and not p.name.startswith("."))
    for path in sorted(listed):
        entry: dict[str, object] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        if path.stem in rows:
            entry["rows"] = rows[path.stem]
        files[path.name] = entry
    document = {**header, "files": files}
    target = directory / MANIFEST
    partial = directory / f".{MANIFEST}.partial"
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(target)
    return target
