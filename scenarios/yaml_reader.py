"""Reading YAML safely: bounded size, depth and alias expansion, duplicate keys refused.

Scenario files, ``network:`` files and ``--set`` values are all read here. PyYAML's safe loader
builds no objects, but it accepts what a user did not mean (a key given twice: the last wins
silently) and what no scenario needs (a few hundred bytes of nested aliases that expand to
billions of values, nesting deeper than Python's stack). Each such input raises
:class:`YamlError` with a one-line reason instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 10_000_000
"""A scenario file of 10 MB is far beyond any shipped one (the largest is a few kB)."""
MAX_VALUES = 1_000_000
"""Values in a document once aliases are expanded; a scenario has hundreds."""
MAX_DEPTH = 64
"""Nesting of mappings and lists; a scenario nests about eight deep."""


class YamlError(ValueError):
    """A YAML text or file that cannot be used; ``str()`` is one line."""


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader on libyaml's parser where the wheel has it (a scenario reads about
twenty times faster), else on the pure-Python one; the constructor is the same."""


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a mapping key given twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                duplicate = False  # an unhashable key: the base class says why
            if duplicate:
                line = key_node.start_mark.line + 1
                raise YamlError(f"key {key!r} given twice (line {line})")
            if not isinstance(key, list | dict):
                seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date or time; an impossible one (``2026-02-30``) names itself and its line."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            line = node.start_mark.line + 1
            raise YamlError(f"impossible date {node.value!r} (line {line}): {error}") from None


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def load_yaml(text: str) -> Any:
    """The value of a YAML text, checked as the module says."""
    try:
        value = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "syntax error"
        if "nesting depth" in problem:  # libyaml's own limit: say it as the Python parser does
            raise YamlError("invalid YAML: nested too deeply") from None
        raise YamlError(f"invalid YAML{line}: {problem}") from None
    except RecursionError:
        raise YamlError("invalid YAML: nested too deeply") from None
    except YamlError:
        raise
    except ValueError as error:  # a value the safe loader cannot build, e.g. 2026-02-30
        raise YamlError(f"invalid value: {error}") from None
    check_size(value)
    return value


def read_yaml_file(path: Path) -> Any:
    """The value of the YAML file at ``path``: a regular UTF-8 file of at most 10 MB.

    Raises FileNotFoundError for a missing file (the caller names who referred to it), OSError
    for one that cannot be read, and :class:`YamlError` for everything else.
    """
    if path.exists() and not path.is_file():
        raise YamlError("not a regular file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise YamlError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise YamlError(f"not UTF-8 text (byte 0x{byte:02x} at offset {error.start})") from None
    return load_yaml(text)


def check_size(value: Any) -> None:
    """Refuse a value deeper than :data:`MAX_DEPTH` or of more than :data:`MAX_VALUES` values.

    Aliases count once per use, as every later step (merging, overrides, validation) walks them.
    """
    count = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise YamlError(
                f"more than {MAX_VALUES:,} values once aliases are expanded (YAML anchors)"
            )
        if depth > MAX_DEPTH:
            raise YamlError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
