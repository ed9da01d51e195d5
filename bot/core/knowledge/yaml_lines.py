"""YAML parsing that remembers where every key and item stands, so errors can name a line.

Dates are left as text (pydantic parses them and explains a bad one), and a key written twice in
one mapping is reported instead of silently keeping the last value as PyYAML would. `explain`
turns a pydantic error at a location into words about the file as its author wrote it. Both the
knowledge loader and the config loader use this.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    import yaml

Location = tuple[str | int, ...]


@lru_cache(maxsize=2)
def _loader(fast: bool) -> type[yaml.SafeLoader]:
    """SafeLoader without the implicit timestamp type: '2026-13-01' becomes text, checked later.

    Fast: on libyaml's parser (ten times quicker); else PyYAML's own, whose error messages the
    loaders word their problems from. PyYAML is imported here, by the first file parsed."""
    import yaml

    base = yaml.CSafeLoader if fast and getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    loader: type[yaml.SafeLoader] = type("_Loader", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return loader


@dataclass
class ParsedYaml:
    """A YAML document's data, with the line of each key and item, and any key written twice."""

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

    def describe(self, location: Location) -> str:
        """('topics', 2, 'sources') -> 'topics[2] (cpc).sources', naming the entry by its id when it has one."""
        text = ""
        node: Any = self.data
        for part in location:
            if isinstance(part, int):
                text += f"[{part}]"
                node = node[part] if isinstance(node, list) and part < len(node) else None
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    text += f" ({node['id']})"
            else:
                text += f".{part}" if text else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return text

    def explain(self, detail: Mapping[str, Any], root: type[BaseModel]) -> str:
        """One pydantic error (an item of `ValidationError.errors()`) on this document, validated as
        `root`, in the file's words: what is wrong where, and what to do."""
        location: Location = tuple(detail["loc"])
        where = self.describe(location)
        kind = detail["type"]
        if kind == "missing":
            return f"`{where}` is missing: every entry needs `{location[-1]}`"
        if kind == "extra_forbidden":
            key = str(location[-1])
            close = self.meant(detail, root)
            allowed = ", ".join(_model_at(root, location[:-1]).model_fields)
            hint = f"did you mean `{close}`?" if close else f"allowed here: {allowed}"
            parent = f"in `{self.describe(location[:-1])}`" if len(location) > 1 else "at the top of the file"
            return f"unknown key `{key}` {parent}: {hint}"
        return f"`{where}`: {error_text(detail)}"

    def meant(self, detail: Mapping[str, Any], root: type[BaseModel]) -> str | None:
        """For an unknown key, the allowed key it is most likely a typo of (None if none is close)."""
        if detail["type"] != "extra_forbidden":
            return None
        location: Location = tuple(detail["loc"])
        allowed = list(_model_at(root, location[:-1]).model_fields)
        close = difflib.get_close_matches(str(location[-1]), allowed, n=1, cutoff=0.6)
        return close[0] if close else None

    def explain_all(
        self, details: Iterable[Mapping[str, Any]], root: type[BaseModel]
    ) -> list[tuple[int, str]]:
        """(line, message) for each error; a key reported missing because it was misspelt
        (`reviwed:` for `reviewed:`) is one problem, the typo, not two."""
        details = list(details)
        typos = {(tuple(d["loc"][:-1]), self.meant(d, root)) for d in details}
        return [
            (self.line_of(tuple(d["loc"])), self.explain(d, root))
            for d in details
            if not (d["type"] == "missing" and (tuple(d["loc"][:-1]), d["loc"][-1]) in typos)
        ]


def error_text(detail: Mapping[str, Any]) -> str:
    """A pydantic error's message without pydantic's wording ('Value error, ...')."""
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        message = f"{message}, got {detail['input']!r}"
    elif kind.startswith(("date_", "datetime_")):
        message = f"{detail['input']!r} is not a valid date: write it as YYYY-MM-DD, like 2026-11-27"
    elif kind == "string_type" and isinstance(detail["input"], bool | int | float):
        read_as = "yes/no" if isinstance(detail["input"], bool) else "a number"
        message = f"YAML reads this as {read_as} ({detail['input']!r}), not text: put the text in quotes"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"must be a section of `key: value` lines indented under it, not {detail['input']!r}"
    return message


def _model_at(root: type[BaseModel], location: Location) -> type[BaseModel]:
    """The model whose keys are valid at `location`, e.g. (KnowledgeFile, ('topics', 0)) -> Topic."""
    model = root
    for part in location:
        if isinstance(part, int) or part not in model.model_fields:
            continue
        nested = [
            t
            for t in _types_in(model.model_fields[part].annotation)
            if isinstance(t, type) and issubclass(t, BaseModel)
        ]
        if nested:
            model = nested[0]
    return model


def _types_in(annotation: Any) -> Iterable[Any]:
    yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _types_in(arg)
    for arg in getattr(annotation, "__metadata__", ()):
        yield from _types_in(arg)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        yield from _types_in(origin)


def parse(text: str) -> ParsedYaml:
    """Parse one YAML document; raises yaml.YAMLError (with a mark) on bad syntax."""
    import yaml

    try:
        return _parse(text, fast=True)
    except yaml.YAMLError:
        return _parse(text, fast=False)  # raises again, worded as PyYAML words it


def _parse(text: str, fast: bool) -> ParsedYaml:
    loader = _loader(fast)(text)
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
    import yaml  # loaded by now: a look-up

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
