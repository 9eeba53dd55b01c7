"""Read YAML with source positions.

Rule documents are composed (not constructed) so that every mapping key and value keeps
its 1-based line and column in a side table keyed by the path of keys and indexes that
leads to it. All scalars are read as strings: YAML 1.1 would read ``01243`` as 675 and
``no`` as False, and program ids or flags must survive as written. Only an empty value
or ``~`` becomes ``None``.

Reading is bounded (see "Limits" in docs/cli.md): the file's size, its nesting depth and
its number of aliases are checked on the event stream before anything is built, and the
number of values aliases expand to is counted while converting, so that a small file of
nested aliases cannot take the memory of the machine; an alias inside its own anchor is
an error, not an endless recursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from asnrules.diagnostics import AsnRulesError, Diagnostic, byte_position, error

try:  # the C loader is about 30 times faster when libyaml is present
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

PathKey = tuple[str | int, ...]

MAX_FILE_BYTES = 1_048_576
"""Largest rule file read (ASN120); the bundled rulesets are about 13 KB each."""
MAX_ALIASES = 100
"""Most aliases (``*name``) in one rule file (ASN121)."""
MAX_NODES = 100_000
"""Most values a document may expand to once aliases are followed (ASN122)."""
MAX_DEPTH = 50
"""Deepest nesting of mappings and lists (ASN124); the bundled rulesets nest 6 deep."""


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
        duplicate keys, ASN120-ASN125 when a limit is passed or a character is not allowed.
    """
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"rule file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes"
            raise error(name, "ASN120", message, 1, 1)
        raw = path.read_bytes()
    except OSError as exc:
        message = f"cannot read rule file: {exc.strerror}"
        raise error(name, "ASN001", message) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(raw, exc.start)
        message = f"rule file is not UTF-8 text: byte 0x{raw[exc.start]:02x} cannot be decoded"
        raise error(name, "ASN101", message, line, col) from None
    lines = text.splitlines()
    try:
        _check_events(text, name, lines)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if line > len(lines):  # the end of the stream: point after the last character
            line = max(len(lines), 1)
            col = len(lines[-1]) + 1 if lines else 1
        message = f"YAML syntax error: {exc.problem or exc.context}{_yaml_hint(exc, lines)}"
        code = "ASN101"
        if "nesting depth" in message:  # libyaml's own bound on flow nesting
            code, message = "ASN124", f"mappings and lists nest more than {MAX_DEPTH} deep"
        raise AsnRulesError([_diagnostic(name, lines, line, col, code, message)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = text_position(text, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = (
            f"character U+{ord(char):04X} is not allowed in a rule file "
            f"(control characters other than tab and line breaks)"
        )
        raise AsnRulesError([_diagnostic(name, lines, line, col, "ASN125", message)]) from None
    source = SourceMap(name, lines, {}, {})
    problems: list[Diagnostic] = []
    data = _Converter(source, problems).convert(node) if node is not None else None
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


def _diagnostic(
    name: str, lines: list[str], line: int, col: int, code: str, msg: str
) -> Diagnostic:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return Diagnostic(name, line, col, code, msg, source_line=text)


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``, read by the parser :func:`load_yaml` uses."""
    return yaml.compose(text, Loader=_Loader)


def text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _check_events(text: str, name: str, lines: list[str]) -> None:
    """Check nesting depth and alias count on the event stream (nothing is built yet)."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                message = f"mappings and lists nest more than {MAX_DEPTH} deep"
                raise AsnRulesError([_diagnostic(name, lines, line, col, "ASN124", message)])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                line, col = event.start_mark.line + 1, event.start_mark.column + 1
                message = f"more than {MAX_ALIASES} aliases in one rule file"
                raise AsnRulesError([_diagnostic(name, lines, line, col, "ASN121", message)])


def _position(node: yaml.Node) -> Position:
    style = getattr(node, "style", None) if isinstance(node, yaml.ScalarNode) else None
    return Position(node.start_mark.line + 1, node.start_mark.column + 1, style or None)


def _at(source: SourceMap, node: yaml.Node, code: str, message: str) -> Diagnostic:
    pos = _position(node)
    return Diagnostic(
        source.path, pos.line, pos.col, code, message, source_line=source.line_text(pos.line)
    )


class _Converter:
    """Turn composed nodes into plain data, recording positions, with aliases bounded.

    An alias is the same node object met again; the values it expands to are counted
    (ASN122), and a node met again inside itself is a recursive alias (ASN123).
    """

    def __init__(self, source: SourceMap, problems: list[Diagnostic]) -> None:
        self.source = source
        self.problems = problems
        self.count = 0
        self.open: set[int] = set()

    def convert(self, node: yaml.Node, path: PathKey = ()) -> Any:
        source = self.source
        self.count += 1
        if self.count > MAX_NODES:
            message = f"aliases expand this document to more than {MAX_NODES} values"
            raise AsnRulesError([_at(source, node, "ASN122", message)])
        source.values[path] = _position(node)
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in ("", "~"):
                return None
            return node.value
        if id(node) in self.open:
            message = "an alias refers to a mapping or list that contains it (recursive alias)"
            raise AsnRulesError([_at(source, node, "ASN123", message)])
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.convert(child, (*path, i)) for i, child in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self.open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                message = "mapping keys must be plain names"
                self.problems.append(_at(self.source, key_node, "ASN112", message))
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                message = f"duplicate key {key!r}"
                self.problems.append(_at(self.source, key_node, "ASN102", message))
                continue
            self.source.keys[child] = _position(key_node)
            result[key] = self.convert(value_node, child)
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
