"""``manifest.json``: what a dataset is, where it came from, and a checksum of every file."""

from __future__ import annotations

import json
from pathlib import Path

from flows.dataset.writers import sha256_of

MANIFEST = "manifest.json"


def write_manifest(directory: Path, header: dict[str, object], rows: dict[str, int]) -> Path:
    """Write the manifest: ``header``, then every file with its rows (tables) and sha256.

    Files are listed in name order; the manifest holds no wall-clock time, so two datasets of
    the same scenario, seed and code have equal manifests.
    """
    files = {}
    for path in sorted(p for p in directory.iterdir() if p.name != MANIFEST):
        entry: dict[str, object] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        if path.stem in rows:
            entry["rows"] = rows[path.stem]
        files[path.name] = entry
    document = {**header, "files": files}
    target = directory / MANIFEST
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
