"""Read JSON text with the 1-based line and column of every value.

``json.loads`` gives values without places; validation messages must point at the offending
value in the file. :func:`load_json` parses the text once with the standard library (for its
error messages) and once with a small scanner that records where each value starts, keyed by
the path of keys and indexes that leads to it.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from asnrules.diagnostics import error

JsonPath = tuple[str | int, ...]

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


@dataclass
class JsonDocument:
    """A parsed JSON file and the places of its values.

    Parameters
    ----------
    path : str
        File name as given by the user.
    data : Any
        The parsed value.
    places : dict
        Path of keys and indexes to the character offset where that value starts.
    text : str
        The file's text.
    """

    path: str
    data: Any
    places: dict[JsonPath, int]
    text: str

    def position(self, loc: JsonPath) -> tuple[int, int]:
        """Return the 1-based ``(line, col)`` of the value at ``loc`` (or its deepest parent)."""
        for depth in range(len(loc), -1, -1):
            offset = self.places.get(tuple(loc[:depth]))
            if offset is not None:
                return line_col(self.text, offset)
        return 1, 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, or an empty string."""
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset in ``text``."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def parse_with_places(text: str) -> tuple[Any, dict[JsonPath, int]]:
    """Parse valid JSON text, recording where every value starts.

    Parameters
    ----------
    text : str
        JSON text that ``json.loads`` accepts.

    Returns
    -------
    data, places
        The value and the offsets of every value by path.
    """
    places: dict[JsonPath, int] = {}

    def skip(at: int) -> int:
        match = _SPACE.match(text, at)
        return match.end() if match else at

    def value(at: int, path: JsonPath) -> tuple[Any, int]:
        at = skip(at)
        places[path] = at
        char = text[at]
        if char == "{":
            return mapping(at + 1, path)
        if char == "[":
            return array(at + 1, path)
        if char == '"':
            return scanstring(text, at + 1)
        for word, literal in _LITERALS.items():
            if text.startswith(word, at):
                return literal, at + len(word)
        match = _NUMBER.match(text, at)
        if match is None:  # pragma: no cover - json.loads accepted the text
            raise ValueError(f"unexpected character at offset {at}")
        number = match.group()
        return (float(number) if any(c in number for c in ".eE") else int(number)), match.end()

    def mapping(at: int, path: JsonPath) -> tuple[Any, int]:
        result: dict[str, Any] = {}
        at = skip(at)
        if text[at] == "}":
            return result, at + 1
        while True:
            key, at = scanstring(text, skip(at) + 1)
            at = skip(skip(at) + 1)  # the colon
            result[key], at = value(at, (*path, key))
            at = skip(at)
            if text[at] == "}":
                return result, at + 1
            at += 1  # the comma

    def array(at: int, path: JsonPath) -> tuple[Any, int]:
        result: list[Any] = []
        at = skip(at)
        if text[at] == "]":
            return result, at + 1
        while True:
            item, at = value(at, (*path, len(result)))
            result.append(item)
            at = skip(at)
            if text[at] == "]":
                return result, at + 1
            at += 1

    data, _ = value(0, ())
    return data, places


def load_json(path: Path, display: str | None = None) -> JsonDocument:
    """Read a JSON file with the places of its values.

    Parameters
    ----------
    path : Path
        The file.
    display : str, optional
        Name used in diagnostics (default ``str(path)``).

    Returns
    -------
    JsonDocument
        The value, its places and the text.

    Raises
    ------
    AsnRulesError
        ASN901 when the file cannot be read, ASN902 when it is not JSON.
    """
    name = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise error(name, "ASN901", f"cannot read association file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise error(name, "ASN902", f"not UTF-8 text (byte {exc.start})", 1, 1) from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(name, "ASN902", f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    data, places = parse_with_places(text)
    return JsonDocument(name, data, places, text)
