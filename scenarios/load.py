"""The only YAML reader: scenario files with ``extends:`` inheritance, validated at the boundary.

Rules of a scenario file:

* ``extends: other.yaml`` (relative to the file) starts from that file's resolved document;
  ``extends: [a.yaml, b.yaml]`` starts from ``a`` merged with ``b`` (left to right), which is
  how a multi-mode scenario composes single-mode ones. Mappings merge key by key, except that
  a mapping whose ``kind`` differs from the parent's replaces it whole; lists of mappings that
  all carry a ``name`` merge entry by entry on that name (new names are appended); any other
  value replaces the parent's.
* ``network: some/graph.yaml`` (a string) reads the network spec from that file.

Every problem, whether a YAML syntax error, a missing file, an ``extends:`` cycle or a failed
validation, raises :class:`ScenarioError` naming the file, the field path and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearsim.models.scenario import Scenario
from clearsim.scenarios.yaml_reader import YamlError, load_yaml, read_yaml_file

FieldPath = tuple[str | int, ...]
MAX_EXTENDS_DEPTH = 32
"""Files in one ``extends:`` chain; the catalogue's deepest is three."""

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
}


class ScenarioError(Exception):
    """A scenario file cannot be used; ``str()`` is one line: file, field path, reason."""

    def __init__(self, file: Path, field: str, reason: str) -> None:
        self.file = file
        self.field = field
        self.reason = " ".join(reason.split())
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else str(self.file)
        return f"{where}: {self.reason}"


def load_scenario(path: str | Path, **updates: Any) -> Scenario:
    """Read, resolve and validate the scenario at ``path``; ``updates`` set top-level fields."""
    top = Path(path)
    document, origins = _resolve(top, chain=())
    document.update(updates)
    try:
        return Scenario.model_validate(document)
    except ValidationError as error:
        raise _scenario_error(error, document, origins, top) from None


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``dotted.path=value`` of a ``--set`` option; the value is read as a YAML scalar.

    So ``lanes=4`` gives an int, ``share=0.3`` a float, ``enabled=true`` a bool and
    ``calendar=always`` a string; ``{kind: ...}`` gives a mapping.
    """
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path or any(not part for part in path.split(".")):
        raise ValueError(f"--set {text!r}: expected dotted.path=value")
    try:
        value = load_yaml(raw)
    except YamlError as problem:
        raise ValueError(f"--set {text!r}: {problem}") from None
    return path, value


def parse_assignments(texts: Sequence[str]) -> dict[str, Any]:
    """``--set`` assignments as path -> value; a path given twice is refused (which would win?)."""
    values: dict[str, Any] = {}
    for text in texts:
        path, value = parse_assignment(text)
        if path in values:
            raise ValueError(f"--set {path}: given twice")
        values[path] = value
    return values


def read_document(path: str | Path) -> dict[str, Any]:
    """The resolved document of ``path`` (after ``extends:``), not yet validated."""
    return _resolve(Path(path), chain=())[0]


def _read_yaml(path: Path, referrer: Path | None, field: str) -> dict[str, Any]:
    try:
        data = read_yaml_file(path)
    except FileNotFoundError:
        if referrer is None:
            raise ScenarioError(path, "", "file not found") from None
        raise ScenarioError(referrer, field, f"file not found: {path}") from None
    except OSError as error:
        raise ScenarioError(path, "", f"cannot read file: {error.strerror}") from None
    except YamlError as problem:
        raise ScenarioError(path, "", str(problem)) from None
    if not isinstance(data, dict):
        raise ScenarioError(path, "", "a scenario file must be a mapping of fields")
    return data


def _resolve(
    path: Path, chain: tuple[Path, ...], referrer: Path | None = None
) -> tuple[dict[str, Any], dict[FieldPath, Path]]:
    resolved = path.resolve()
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            referrer or path, "extends", f"more than {MAX_EXTENDS_DEPTH} files extend each other"
        )
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise ScenarioError(referrer or path, "extends", f"extends cycle: {cycle}")
    data = _read_yaml(path, referrer, "extends" if referrer else "")
    parent_ref = data.pop("extends", None)
    if isinstance(data.get("network"), str):
        data["network"] = _read_yaml(path.parent / data["network"], path, "network")
    if parent_ref is None:
        return data, dict.fromkeys(_leaf_paths(data), path)
    refs = [parent_ref] if isinstance(parent_ref, str) else parent_ref
    if not (isinstance(refs, list) and refs and all(isinstance(r, str) for r in refs)):
        raise ScenarioError(
            path, "extends", "must be the path of a scenario file or a list of such paths"
        )
    merged: dict[str, Any] = {}
    origins: dict[FieldPath, Path] = {}
    for ref in refs:
        parent, parent_origins = _resolve(path.parent / ref, (*chain, resolved), referrer=path)
        merged = _merge(merged, parent) if merged else parent
        origins.update(parent_origins)
    merged = _merge(merged, data)
    origins.update(dict.fromkeys(_leaf_paths(data), path))
    return merged, origins


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "name" in v for v in value)


def _merge(base: Any, override: Any, nested: bool = False) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        if nested and "kind" in override and override["kind"] != base.get("kind"):
            return override  # another kind of distribution, process, ...: nothing to inherit
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value, nested=True) if key in base else value
        return merged
    if _named_list(base) and _named_list(override) and override:
        by_name = {entry["name"]: entry for entry in base}
        for entry in override:
            name = entry["name"]
            by_name[name] = _merge(by_name[name], entry, nested=True) if name in by_name else entry
        return list(by_name.values())
    return override


def _leaf_paths(data: Any, prefix: FieldPath = ()) -> list[FieldPath]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaf_paths(value, (*prefix, key))] or [
            prefix
        ]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _leaf_paths(value, (*prefix, i))] or [
            prefix
        ]
    return [prefix]


def _node_kind(node: Any) -> Any:
    """The ``kind`` of a mapping in the document, if it has one."""
    return node.get("kind") if isinstance(node, dict) else None


def _document_path(document: Any, loc: tuple[str | int, ...]) -> FieldPath:
    """Map a pydantic error location onto the document, dropping union tags it inserts."""
    path: list[str | int] = []
    node = document
    for i, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict | list) and (i < len(loc) - 1 or _node_kind(node) == part):
            continue  # a discriminator tag or a union branch name, not a document key
        else:
            path.append(part)
    return tuple(path)


def _scenario_error(
    error: ValidationError, document: dict[str, Any], origins: dict[FieldPath, Path], top: Path
) -> ScenarioError:
    first = error.errors(include_url=False)[0]
    field_path = _document_path(document, tuple(first["loc"]))
    reason = _MESSAGES.get(first["type"], str(first["msg"]))
    reason = reason.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if first["type"] == "extra_forbidden" and field_path:
        reason = f"unknown field {field_path[-1]!r}"
    file = top
    for length in range(len(field_path), 0, -1):
        prefix = field_path[:length]
        owners = {f for p, f in origins.items() if p[:length] == prefix}
        if len(owners) == 1:
            file = owners.pop()
            break
    return ScenarioError(file, ".".join(str(p) for p in field_path), reason)
