"""YAML parsing that remembers where every key and item stands, so errors can name a line.

Dates are left as text (pydantic parses them and explains a bad one), and a key written twice in
one mapping is reported instead of silently keeping the last value as PyYAML would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Location = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp type: '2026-13-01' becomes text, checked later."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class ParsedYaml:
    data: Any
    key_lines: dict[Location, int] = field(default_factory=dict)  # 1-based line of each key or item
    text_lines: dict[Location, int] = field(default_factory=dict)  # 1-based line where a string's text starts
    duplicates: list[tuple[Location, int]] = field(default_factory=list)

    def line_of(self, location: Location) -> int:
        """The line of the deepest known key on the way to `location` (a missing key -> its parent)."""
        for end in range(len(location), 0, -1):
            line = self.key_lines.get(location[:end])
            if line is not None:
                return line
        return 1


def parse(text: str) -> ParsedYaml:
    """Parse one YAML document; raises yaml.YAMLError (with a mark) on bad syntax."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return ParsedYaml(data=None)
        data = loader.construct_document(root)
    finally:
        loader.dispose()
    parsed = ParsedYaml(data=data)
    _walk(root, (), parsed)
    return parsed


def _walk(node: yaml.Node, location: Location, parsed: ParsedYaml) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            here = (*location, key)
            if key in seen:
                parsed.duplicates.append((here, key_node.start_mark.line + 1))
            seen.add(key)
            parsed.key_lines.setdefault(here, key_node.start_mark.line + 1)
            _walk(value_node, here, parsed)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            parsed.key_lines[(*location, index)] = item.start_mark.line + 1
            _walk(item, (*location, index), parsed)
    elif isinstance(node, yaml.ScalarNode):
        # A block scalar (| or >) starts its text on the line after the indicator.
        parsed.text_lines[location] = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
