"""Reading YAML and JSON strictly: a key written twice in one mapping is an error, not last-one-wins, so a
copy-pasted tier or contact type cannot silently replace another."""

from __future__ import annotations

import json
from typing import Any

import yaml


class DuplicateKeyError(ValueError):
    """A mapping names the same key twice."""


class _StrictSafeLoader(yaml.SafeLoader):
    pass


def _mapping_without_duplicates(loader: _StrictSafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise DuplicateKeyError(f"line {line}: the key {key!r} appears twice in the same mapping")
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def load_yaml(text: str) -> Any:
    """Parse YAML with the safe loader, refusing duplicate keys (raises yaml.YAMLError or DuplicateKeyError)."""
    return yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 (a SafeLoader subclass)


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise DuplicateKeyError(f"the key {repeated[0]!r} appears twice in the same object")
    return dict(pairs)


def load_json(text: str) -> Any:
    """Parse JSON, refusing duplicate keys (raises json.JSONDecodeError or DuplicateKeyError)."""
    return json.loads(text, object_pairs_hook=_pairs_without_duplicates)
