"""Read a YAML file and remember where each value was written.

Content errors must name file, line and field. PyYAML's composer keeps a
start mark on every node, so we load through it and keep a map from each
value's path (("questions", 3, "options", 0, "feedback")) to its line.
Duplicate keys are an error here: PyYAML would silently keep the last one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field or '(file)'}: {self.message}"


@dataclass
class YamlDoc:
    path: Path
    rel: str
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, loc: tuple) -> int | None:
        """The line of the deepest written value along `loc`."""
        parts = list(loc)
        while parts:
            line = self.lines.get(tuple(parts))
            if line is not None:
                return line
            parts.pop()
        return self.lines.get((), 1)

    def problem(self, loc: tuple, message: str) -> Problem:
        return Problem(self.rel, self.line_of(loc), dotted(loc), message)


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int):
        super().__init__(f"the key '{key}' is written twice in the same place")
        self.line = line


_SCALARS = yaml.SafeLoader("")


def _walk(node: yaml.Node, path: tuple, lines: dict[tuple, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            out[key] = _walk(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(child, path + (i,), lines) for i, child in enumerate(node.value)]
    # Scalars: let the safe constructor turn "3" into 3 and "true" into True.
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    return _SCALARS.construct_object(node, deep=True)


def load(path: Path, root: Path) -> tuple[YamlDoc | None, Problem | None]:
    rel = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, Problem(rel, None, "", f"cannot read the file: {exc}")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, Problem(rel, mark.line + 1 if mark else None, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")
    if node is None:
        return None, Problem(rel, 1, "", "the file is empty")
    lines: dict[tuple, int] = {}
    try:
        data = _walk(node, (), lines)
    except DuplicateKey as exc:
        return None, Problem(rel, exc.line, "", str(exc))
    return YamlDoc(path, rel, data, lines), None
