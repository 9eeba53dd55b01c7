"""Read YAML with source positions.

Rule documents are composed (not constructed) so that every mapping key and value keeps
its 1-based line and column in a side table keyed by the path of keys and indexes that
leads to it. All scalars are read as strings: YAML 1.1 would read ``01243`` as 675 and
``no`` as False, and program ids or flags must survive as written. Only an empty value
or ``~`` becomes ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import AsnRulesError, Diagnostic, error

try:  # the C loader is about 30 times faster when libyaml is present
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """Where a YAML node starts.

    Parameters
    ----------
    line, col : int
        1-based line and column of the node.
    style : str or None
        Scalar style: ``None`` plain, ``"'"``, ``'"'``, ``"|"`` or ``">"``.
    """

    line: int
    col: int
    style: str | None = None


@dataclass
class SourceMap:
    """Positions of a document's nodes, and its text for caret display.

    Parameters
    ----------
    path : str
        File name as given by the user.
    lines : list of str
        The file's lines.
    values : dict
        Path to the position of the value node at that path.
    keys : dict
        Path to the position of the mapping key that names that path.
    """

    path: str
    lines: list[str]
    values: dict[PathKey, Position]
    keys: dict[PathKey, Position]

    def locate(self, loc: PathKey, *, key: bool = False) -> Position:
        """Return the position of the deepest known prefix of ``loc``.

        Parameters
        ----------
        loc : tuple
            Path of keys and indexes.
        key : bool
            Prefer the position of the key that names the path (for unknown keys).
        """
        for depth in range(len(loc), -1, -1):
            prefix = tuple(loc[:depth])
            table = self.keys if key else self.values
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, or an empty string."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def diagnostic(self, loc: PathKey, code: str, message: str, *, key: bool = False) -> Diagnostic:
        """Build a diagnostic located at ``loc``."""
        pos = self.locate(loc, key=key)
        return Diagnostic(
            self.path, pos.line, pos.col, code, message, source_line=self.line_text(pos.line)
        )


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, SourceMap]:
    """Read one YAML document as plain data plus its :class:`SourceMap`.

    Parameters
    ----------
    path : Path
        The file to read.
    display : str, optional
        Name to use in diagnostics (defaults to ``str(path)``).

    Returns
    -------
    data, source_map
        Nested dicts, lists and strings, and the positions of their nodes.

    Raises
    ------
    AsnRulesError
        ASN001 when the file cannot be read, ASN101 on YAML syntax errors, ASN102 on
        duplicate keys.
    """
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        message = f"cannot read rule file: {exc.strerror}"
        raise error(name, "ASN001", message) from None
    except UnicodeDecodeError as exc:
        message = f"rule file is not UTF-8 text (byte {exc.start})"
        raise error(name, "ASN101", message, 1, 1) from None
    lines = text.splitlines()
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if line > len(lines):  # the end of the stream: point after the last character
            line = max(len(lines), 1)
            col = len(lines[-1]) + 1 if lines else 1
        message = f"YAML syntax error: {exc.problem or exc.context}{_yaml_hint(exc, lines)}"
        raise AsnRulesError(
            [
                Diagnostic(
                    name,
                    line,
                    col,
                    "ASN101",
                    message,
                    source_line=lines[line - 1] if 0 < line <= len(lines) else "",
                )
            ]
        ) from None
    source = SourceMap(name, lines, {}, {})
    problems: list[Diagnostic] = []
    data = _convert(node, (), source, problems) if node is not None else None
    if problems:
        raise AsnRulesError(problems)
    return data, source


def _yaml_hint(exc: yaml.MarkedYAMLError, lines: list[str]) -> str:
    """The usual cause of a YAML error, in words: an unclosed quote, a comma in a list."""
    problem = f"{exc.problem or ''} {exc.context or ''}"
    context = exc.context_mark
    if "quoted scalar" in problem and context is not None:
        return (
            f"; the quote opened at line {context.line + 1}, column {context.column + 1} "
            "is never closed (a quote inside is written twice: 'it''s')"
        )
    mark = exc.problem_mark
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if (
        "flow sequence" in problem
        or "expected ',' or ']'" in problem
        or ("[" in line and ("," in line or ":" in line))
    ):
        return (
            "; inside [ ... ] a comma separates items and ': ' starts a mapping: quote an "
            "expression that contains them (select: [\"regex(x, 'a,b')\"]) or write the "
            "list one item per line"
        )
    return ""


def _position(node: yaml.Node) -> Position:
    style = getattr(node, "style", None) if isinstance(node, yaml.ScalarNode) else None
    return Position(node.start_mark.line + 1, node.start_mark.column + 1, style or None)


def _at(source: SourceMap, node: yaml.Node, code: str, message: str) -> Diagnostic:
    pos = _position(node)
    return Diagnostic(
        source.path, pos.line, pos.col, code, message, source_line=source.line_text(pos.line)
    )


def _convert(node: yaml.Node, path: PathKey, source: SourceMap, problems: list[Diagnostic]) -> Any:
    source.values[path] = _position(node)
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in ("", "~"):
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, i), source, problems) for i, child in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(_at(source, key_node, "ASN112", "mapping keys must be plain names"))
            continue
        key = str(key_node.value)
        child = (*path, key)
        if key in result:
            problems.append(_at(source, key_node, "ASN102", f"duplicate key {key!r}"))
            continue
        source.keys[child] = _position(key_node)
        result[key] = _convert(value_node, child, source, problems)
    return result


def expression_position(
    src: SourceMap, pos: Any, text: str, line: int, col: int
) -> tuple[int, int]:
    """Translate a 1-based position inside an expression scalar to a file position."""
    places = _value_places(src, pos, text)
    offset = _offset(text, line, col)
    if not places:
        return pos.line, pos.col
    if offset < len(places):
        return places[offset]
    last_line, last_col = places[-1]
    return last_line, last_col + 1


def _value_places(src: SourceMap, pos: Any, text: str) -> list[tuple[int, int]]:
    """File position of every character of a scalar's value, by walking its source."""
    places: list[tuple[int, int]] = []
    if pos.style in ("|", ">"):
        line, indent = pos.line + 1, None
        while len(places) < len(text) and line <= len(src.lines):
            raw = src.line_text(line)
            if not raw.strip():
                places.append((line, 1))
                line += 1
                continue
            if indent is None:
                indent = len(raw) - len(raw.lstrip())
            for k in range(indent, len(raw)):
                places.append((line, k + 1))
            places.append((line, len(raw) + 1))
            line += 1
        return places[: len(text)]
    quote = 1 if pos.style in ("'", '"') else 0
    line, c = pos.line, pos.col - 1 + quote
    raw = src.line_text(line)
    while len(places) < len(text) and line <= len(src.lines):
        if c >= len(raw.rstrip()):
            places.append((line, c + 1))
            line += 1
            raw = src.line_text(line)
            c = len(raw) - len(raw.lstrip())
            continue
        places.append((line, c + 1))
        escaped = (pos.style == '"' and raw[c] == "\\") or (
            pos.style == "'" and raw[c : c + 2] == "''"
        )
        c += 2 if escaped else 1
    return places


def _offset(text: str, line: int, col: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
